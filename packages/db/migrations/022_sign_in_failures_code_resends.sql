-- Failed sign-ins per user name and per client address (docs/security.md#public-endpoints), kept
-- in the database so every instance makes the next attempt wait the same: a guesser spreading
-- attempts over instances behind a load balancer gains nothing. A row is forgotten a day after its
-- last failure (pruned), and cleared by a successful sign-in.
CREATE TABLE login_failure (
  kind     text NOT NULL CHECK (kind IN ('user', 'addr')),
  key      text NOT NULL,
  failures integer NOT NULL,
  last_at  timestamptz NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX login_failure_last_idx ON login_failure (last_at);

-- SMS codes of held bookings can be sent again (a lost text) after a cooldown, a few times at
-- most: when the code was last sent and how many times, so every instance applies the same.
ALTER TABLE booking_hold ADD COLUMN code_sent_at timestamptz;
ALTER TABLE booking_hold ADD COLUMN code_sends integer NOT NULL DEFAULT 1;
