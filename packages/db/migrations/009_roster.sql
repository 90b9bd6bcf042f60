-- The duty roster (排班, docs/roster.md): per service day, duties — a driver and a vehicle and the
-- trip instances they run — whether the day's roster is published to the drivers, and weekly
-- templates the days are made from. A trip instance's vehicle_id and driver_id stay what the
-- tracking engine, bookings and the villager page read; a duty writes them in the same transaction.

-- A weekly duty: the same crew runs the same trips on these ISO weekdays (1 = Monday … 7 = Sunday).
CREATE TABLE duty_template (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  weekdays   smallint[] NOT NULL CHECK (cardinality(weekdays) > 0 AND weekdays <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]),
  vehicle_id text NOT NULL REFERENCES vehicle (id),
  driver_id  text NOT NULL REFERENCES driver (id),
  active     boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE duty_template_trip (
  template_id text NOT NULL REFERENCES duty_template (id) ON DELETE CASCADE,
  trip_id     text NOT NULL REFERENCES trip (id),
  position    integer NOT NULL,
  PRIMARY KEY (template_id, position),
  UNIQUE (template_id, trip_id)
);
CREATE INDEX duty_template_trip_trip_idx ON duty_template_trip (trip_id);

CREATE TABLE duty (
  id           text PRIMARY KEY,
  service_date date NOT NULL,
  vehicle_id   text NOT NULL REFERENCES vehicle (id),
  driver_id    text NOT NULL REFERENCES driver (id),
  note         text,
  -- The template it was made from (kept when the template goes: the duty stands on its own).
  template_id  text REFERENCES duty_template (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX duty_date_idx ON duty (service_date);
CREATE INDEX duty_driver_idx ON duty (driver_id, service_date);

-- A trip instance is in at most one duty; its vehicle and driver are the duty's while it is.
ALTER TABLE trip_instance ADD COLUMN duty_id text REFERENCES duty (id) ON DELETE SET NULL;
CREATE INDEX trip_instance_duty_idx ON trip_instance (duty_id);

-- A service day that has a roster: how it was made and whether drivers see it.
CREATE TABLE roster_day (
  service_date   date PRIMARY KEY,
  published_at   timestamptz,
  -- The account that published it ('system' for the automatic roster).
  published_by   text,
  -- 'template', 'copy:<YYYY-MM-DD>', 'auto' (the background job), or null (by hand).
  generated_from text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
