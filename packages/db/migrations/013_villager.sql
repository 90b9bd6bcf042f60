-- The villager page's second round: "tell me when it comes" reminders, inbound SMS (phones
-- without a browser), and bookings made for someone else (the booker is told too).

-- One SMS when the bus is `stops_before` stops (or `minutes_before` minutes) from the stop.
-- The state moves once from `active`: the statement that marks it `sent` is the one that writes
-- its message to the outbox, in one transaction, so it is sent once on any number of servers.
CREATE TABLE stop_reminder (
  id               bigserial PRIMARY KEY,
  -- Unguessable: the page keeps it to look the reminder up and cancel it.
  token            text NOT NULL UNIQUE,
  trip_instance_id text NOT NULL,
  stop_code        text NOT NULL REFERENCES stop (code),
  -- Scheduled arrival of the departure at the stop.
  scheduled_at     timestamptz NOT NULL,
  -- Digits only; shown masked.
  phone            text NOT NULL,
  stops_before     integer NOT NULL CHECK (stops_before BETWEEN 0 AND 10),
  minutes_before   integer CHECK (minutes_before BETWEEN 1 AND 60),
  channel          text NOT NULL CHECK (channel IN ('web', 'sms')),
  created_at       timestamptz NOT NULL,
  state            text NOT NULL CHECK (state IN ('active', 'sent', 'cancelled', 'expired')),
  closed_at        timestamptz
);
CREATE INDEX stop_reminder_active_idx ON stop_reminder (stop_code) WHERE state = 'active';
CREATE INDEX stop_reminder_phone_idx ON stop_reminder (phone) WHERE state = 'active';

-- Every text that reached POST /api/sms/inbound, what it asked and what was answered.
CREATE TABLE sms_inbound (
  id          bigserial PRIMARY KEY,
  sender      text NOT NULL,
  body        text NOT NULL,
  received_at timestamptz NOT NULL,
  logged_at   timestamptz NOT NULL,
  command     text NOT NULL,
  outcome     text NOT NULL,
  reply       text
);
CREATE INDEX sms_inbound_sender_idx ON sms_inbound (sender, logged_at);

-- A booking made for a rider other than the booker (the child in town booking for a parent):
-- the booking's name and phone are the rider's, this is who booked. Both phones get the texts.
CREATE TABLE booking_booker (
  booking_id bigint PRIMARY KEY REFERENCES booking (id),
  name       text NOT NULL,
  phone      text NOT NULL
);
CREATE INDEX booking_booker_phone_idx ON booking_booker (phone);
