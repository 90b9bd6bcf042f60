-- Student buses (docs/student-buses.md): schools and the student routes serving them, pupils'
-- rosters per term with guardians, the runs of student trips, the drivers' boarding checks,
-- the guardians' SMS (one per event), and the school staff accounts (role `school`).

-- A school's staff account (role `school`) sees its own school's pupils only.
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('admin', 'dispatcher', 'operator', 'driver', 'station', 'school'));

-- Guardians are told through the same outbox.
ALTER TABLE notification_outbox DROP CONSTRAINT IF EXISTS notification_outbox_recipient_role_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_recipient_role_check
  CHECK (recipient_role IN ('passenger', 'driver', 'sender', 'recipient', 'keeper', 'guardian'));

CREATE TABLE school (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  -- The stop sign at the gate.
  stop_code         text REFERENCES stop (code),
  -- Seconds after local midnight; alighting after it is a late arrival.
  classes_start_s   integer NOT NULL DEFAULT 28800 CHECK (classes_start_s BETWEEN 0 AND 86399),
  -- The current term: its pupils are shown while it lasts.
  term_start        date NOT NULL,
  term_end          date NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (term_start <= term_end)
);

-- The student routes serving a school; toSchool is the direction of the morning run.
CREATE TABLE school_route (
  school_id           text NOT NULL REFERENCES school (id) ON DELETE CASCADE,
  route_id            text NOT NULL REFERENCES route (id),
  to_school_direction smallint NOT NULL CHECK (to_school_direction IN (0, 1)),
  PRIMARY KEY (school_id, route_id)
);
CREATE INDEX school_route_route_idx ON school_route (route_id);

-- Which school a `school` account works for (one each).
CREATE TABLE school_staff (
  user_id   integer PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  school_id text NOT NULL REFERENCES school (id) ON DELETE CASCADE
);

-- A pupil on a school's roster for one term. Guardians: [{name, phone, sms}], one or two.
CREATE TABLE pupil (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  school_id        text NOT NULL REFERENCES school (id) ON DELETE CASCADE,
  term_start       date NOT NULL,
  term_end         date NOT NULL,
  pupil_no         text NOT NULL,
  name             text NOT NULL,
  class_name       text NOT NULL,
  route_id         text NOT NULL REFERENCES route (id),
  morning_board    text REFERENCES stop (code),
  morning_alight   text REFERENCES stop (code),
  afternoon_board  text REFERENCES stop (code),
  afternoon_alight text REFERENCES stop (code),
  days             smallint[] NOT NULL,
  guardians        jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (school_id, term_start, pupil_no)
);
CREATE INDEX pupil_route_idx ON pupil (route_id, term_end);

-- A run of a student trip: created when it starts or its first check arrives; what happened at
-- its end (pupils still on board) and the driver's confirmation that the bus is empty.
CREATE TABLE student_run (
  trip_instance_id text PRIMARY KEY,
  service_date     date NOT NULL,
  route_id         text NOT NULL REFERENCES route (id),
  direction        smallint NOT NULL,
  vehicle_id       text,
  driver_id        text,
  ended_ts         timestamptz,
  left_on_board    integer,
  alert_id         text,
  confirmed_by     text,
  confirmed_ts     timestamptz
);
CREATE INDEX student_run_date_idx ON student_run (service_date, route_id);
CREATE INDEX student_run_open_idx ON student_run (vehicle_id) WHERE alert_id IS NOT NULL AND confirmed_ts IS NULL;

-- Every tap a driver makes; op_id is made on the phone, so a tap synced twice is stored once.
CREATE TABLE pupil_check (
  op_id            text PRIMARY KEY,
  trip_instance_id text NOT NULL REFERENCES student_run (trip_instance_id) ON DELETE CASCADE,
  pupil_id         bigint REFERENCES pupil (id) ON DELETE CASCADE,
  extra_key        text,
  extra_name       text,
  status           text NOT NULL CHECK (status IN ('boarded', 'alighted', 'absent', 'none')),
  stop_code        text,
  ts               timestamptz NOT NULL,
  reason           text,
  by_name          text NOT NULL,
  received_at      timestamptz NOT NULL,
  CHECK ((pupil_id IS NULL) = (extra_key IS NOT NULL))
);
CREATE INDEX pupil_check_trip_idx ON pupil_check (trip_instance_id, ts);
CREATE INDEX pupil_check_pupil_idx ON pupil_check (pupil_id) WHERE pupil_id IS NOT NULL;

-- At most one SMS per event and guardian: the key is written with the outbox row, once.
CREATE TABLE pupil_notice (
  key              text PRIMARY KEY,
  trip_instance_id text NOT NULL,
  pupil_id         bigint REFERENCES pupil (id) ON DELETE CASCADE,
  outbox_id        bigint,
  created_at       timestamptz NOT NULL
);
CREATE INDEX pupil_notice_trip_idx ON pupil_notice (trip_instance_id);
