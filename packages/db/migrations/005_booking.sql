-- Seat bookings on trip instances, the per-trip-instance row every booking transaction locks,
-- and the notification outbox (messages written with the change they tell of, sent afterwards).

-- One row per trip instance that was ever booked or decided. A transaction that changes the
-- bookings of a trip instance first locks this row (SELECT … FOR UPDATE), so seats are counted
-- and taken one transaction at a time per trip instance, on any number of server instances.
CREATE TABLE booking_trip (
  trip_instance_id text PRIMARY KEY,
  -- On-demand (`required`) trips: pending until the cutoff, then confirmed or cancelled.
  on_demand        text CHECK (on_demand IN ('pending', 'confirmed', 'cancelled')),
  decided_at       timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE booking (
  id               bigserial PRIMARY KEY,
  -- Short code the villager shows the driver (see the booking domain for the alphabet).
  code             text NOT NULL UNIQUE,
  trip_instance_id text NOT NULL REFERENCES booking_trip (trip_instance_id),
  board_stop       text NOT NULL REFERENCES stop (code),
  alight_stop      text NOT NULL REFERENCES stop (code),
  -- Stop seqs in the trip instance's pattern: the booking holds its seats on the segments between.
  board_seq        integer NOT NULL,
  alight_seq       integer NOT NULL,
  seats            integer NOT NULL CHECK (seats BETWEEN 1 AND 6),
  passenger_name   text NOT NULL,
  -- Digits only; shown masked to everyone but dispatchers.
  phone            text NOT NULL,
  status           text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled', 'boarded', 'no_show')),
  channel          text NOT NULL CHECK (channel IN ('web', 'phone', 'driver')),
  -- A resent request (weak 3G) carries the same key and gets the same booking back.
  idempotency_key  text NOT NULL UNIQUE,
  -- Who took a phone booking (a dispatcher's user name); null for villagers.
  created_by       text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  cancel_reason    text,
  cancelled_by     text,
  CHECK (alight_seq > board_seq)
);
CREATE INDEX booking_trip_instance_idx ON booking (trip_instance_id, id);
CREATE INDEX booking_phone_idx ON booking (phone);

-- Messages to passengers and drivers (SMS through the configured notifier). Written in the
-- transaction of the change; a sender delivers them and retries with backoff until one succeeds.
CREATE TABLE notification_outbox (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  recipient        text NOT NULL,
  recipient_role   text NOT NULL CHECK (recipient_role IN ('passenger', 'driver')),
  body             text NOT NULL,
  booking_id       bigint REFERENCES booking (id),
  trip_instance_id text,
  created_at       timestamptz NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  sent_at          timestamptz,
  last_error       text
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE sent_at IS NULL;
