-- The network: operators, townships, numbered stop signs, routes, calendars, timetables,
-- vehicles, drivers, and trip instances (a trip on a service day, with its assignment).

CREATE TABLE operator (
  id    text PRIMARY KEY,
  name  text NOT NULL,
  phone text
);

CREATE TABLE township (
  id      text PRIMARY KEY,
  name    text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  lng     double precision NOT NULL,
  lat     double precision NOT NULL
);

-- Stop codes are printed on the signs: unique and never reused (a removed sign keeps its row).
CREATE TABLE stop (
  code         text PRIMARY KEY,
  name         text NOT NULL,
  name_en      text NOT NULL DEFAULT '',
  township_id  text NOT NULL REFERENCES township (id),
  lng          double precision NOT NULL,
  lat          double precision NOT NULL,
  status       text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'reported', 'in_repair', 'removed')),
  installed_on date,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stop_township_idx ON stop (township_id);

-- Next number per county prefix, so a code is never handed out twice.
CREATE TABLE stop_code_counter (
  prefix text PRIMARY KEY,
  last_n integer NOT NULL
);

CREATE TABLE route (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  name_en         text NOT NULL DEFAULT '',
  kind            text NOT NULL CHECK (kind IN ('market', 'student', 'medical', 'regular')),
  operator_id     text NOT NULL REFERENCES operator (id),
  geometry        jsonb NOT NULL,
  length_m        double precision NOT NULL,
  color           text NOT NULL DEFAULT '#1f6feb',
  speed_limit_kmh real NOT NULL DEFAULT 50,
  active          boolean NOT NULL DEFAULT true,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE route_stop (
  route_id  text NOT NULL REFERENCES route (id) ON DELETE CASCADE,
  seq       integer NOT NULL,
  stop_code text NOT NULL REFERENCES stop (code),
  dist_m    double precision NOT NULL,
  PRIMARY KEY (route_id, seq)
);
CREATE INDEX route_stop_stop_idx ON route_stop (stop_code);

CREATE TABLE calendar (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  rules      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trip (
  id                 text PRIMARY KEY,
  route_id           text NOT NULL REFERENCES route (id),
  calendar_id        text NOT NULL REFERENCES calendar (id),
  direction          smallint NOT NULL CHECK (direction IN (0, 1)),
  headsign           text NOT NULL DEFAULT '',
  departure_s        integer NOT NULL CHECK (departure_s >= 0 AND departure_s < 86400),
  stop_offsets_s     integer[] NOT NULL,
  seats              integer NOT NULL CHECK (seats > 0),
  booking_policy     text NOT NULL DEFAULT 'none' CHECK (booking_policy IN ('none', 'optional', 'required')),
  min_riders         integer NOT NULL DEFAULT 0,
  booking_cutoff_min integer NOT NULL DEFAULT 60,
  active             boolean NOT NULL DEFAULT true,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trip_route_idx ON trip (route_id);

CREATE TABLE vehicle (
  id          text PRIMARY KEY,
  plate       text NOT NULL UNIQUE,
  seats       integer NOT NULL CHECK (seats > 0),
  operator_id text NOT NULL REFERENCES operator (id),
  model       text NOT NULL DEFAULT '',
  device_id   text UNIQUE,
  jt808_phone text UNIQUE,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE driver (
  id                 text PRIMARY KEY,
  name               text NOT NULL,
  phone              text NOT NULL,
  licence_class      text NOT NULL,
  qualification_cert text NOT NULL DEFAULT '',
  photo_url          text,
  pioneer            boolean NOT NULL DEFAULT false,
  service_since      date NOT NULL,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Only trip instances with something to say (an assignment, a cancellation) have a row;
-- the rest follow from trip + calendar.
CREATE TABLE trip_instance (
  id            text PRIMARY KEY,
  trip_id       text NOT NULL REFERENCES trip (id),
  service_date  date NOT NULL,
  status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  cancel_reason text,
  vehicle_id    text REFERENCES vehicle (id),
  driver_id     text REFERENCES driver (id),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (trip_id, service_date)
);
CREATE INDEX trip_instance_date_idx ON trip_instance (service_date);
