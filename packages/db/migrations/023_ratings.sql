-- Ride ratings (docs/engagement.md): one per ridden booking, its complaint as a ticket for the
-- dispatcher, and the SMS links that stand for a booking.

CREATE TABLE ride_rating (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- One rating per booking: a second one breaks this key on any number of instances.
  booking_id       bigint NOT NULL UNIQUE REFERENCES booking (id),
  trip_instance_id text NOT NULL,
  -- The driver of the trip when it was rated; null for a trip nobody was assigned to.
  driver_id        text REFERENCES driver (id),
  phone            text NOT NULL,
  stars            smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  tags             jsonb NOT NULL DEFAULT '[]',
  channel          text NOT NULL CHECK (channel IN ('mine', 'sms_link')),
  created_at       timestamptz NOT NULL
);
CREATE INDEX ride_rating_driver_idx ON ride_rating (driver_id, created_at);

-- A rating's complaint: open until a dispatcher upholds or dismisses it; upheld ones count against
-- the 先锋司机 badge.
CREATE TABLE rating_complaint (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rating_id   bigint NOT NULL UNIQUE REFERENCES ride_rating (id),
  driver_id   text REFERENCES driver (id),
  body        text NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'dismissed')),
  created_at  timestamptz NOT NULL,
  decided_at  timestamptz,
  decided_by  text,
  note        text
);
CREATE INDEX rating_complaint_status_idx ON rating_complaint (status, id DESC);
CREATE INDEX rating_complaint_driver_idx ON rating_complaint (driver_id, created_at);

-- The SMS after a ride: its link's token stands for the booking (and so its phone).
CREATE TABLE rating_invite (
  token      text PRIMARY KEY,
  booking_id bigint NOT NULL UNIQUE REFERENCES booking (id),
  created_at timestamptz NOT NULL
);
