-- Limits against abuse (docs/security.md, docs/booking.md): the addresses each account signed in
-- from, every booking request the limits looked at, seats held while a phone confirms an SMS code,
-- and the phones that confirmed one.

-- An address an account signed in from successfully: its own failed sign-ins aside, it never has
-- to wait for failures strangers caused elsewhere.
CREATE TABLE login_known_address (
  user_id   integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  addr      text NOT NULL,
  first_at  timestamptz NOT NULL,
  last_at   timestamptz NOT NULL,
  PRIMARY KEY (user_id, addr)
);

-- One row per booking request (its idempotency key), written before the booking transaction under
-- advisory locks on its phone, address and account, so the per-phone, per-address and per-account
-- caps hold across instances. `refused` says which limit refused it, or why the booking failed
-- afterwards (then it no longer counts); null = it went on to become a booking.
CREATE TABLE booking_attempt (
  idempotency_key  text PRIMARY KEY,
  trip_instance_id text NOT NULL,
  phone            text NOT NULL,
  seats            integer NOT NULL,
  client_addr      text,
  -- The signed-in account's user name (staff and drivers), null for villagers.
  account          text,
  channel          text NOT NULL,
  created_at       timestamptz NOT NULL,
  refused          text
);
CREATE INDEX booking_attempt_phone_idx ON booking_attempt (phone, created_at);
CREATE INDEX booking_attempt_addr_idx ON booking_attempt (client_addr, created_at) WHERE client_addr IS NOT NULL;
CREATE INDEX booking_attempt_account_idx ON booking_attempt (account, created_at) WHERE account IS NOT NULL;
CREATE INDEX booking_attempt_created_idx ON booking_attempt (created_at);

-- A booking request whose phone must confirm an SMS code (written with its attempt, before the
-- booking exists; `booking_id` once it does). The booking's seats are held until `expires_at`; a
-- sweep cancels it then unless the code came back (`confirmed_at`). Its "booked" message waits.
CREATE TABLE booking_hold (
  idempotency_key text PRIMARY KEY REFERENCES booking_attempt (idempotency_key),
  booking_id      bigint REFERENCES booking (id),
  phone           text NOT NULL,
  -- SHA-256 of the 6-digit code with the key (the code itself is only in the SMS).
  code_hash       text NOT NULL,
  expires_at      timestamptz NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  confirmed_at    timestamptz,
  released_at     timestamptz
);
CREATE INDEX booking_hold_booking_idx ON booking_hold (booking_id);
CREATE INDEX booking_hold_open_idx ON booking_hold (expires_at) WHERE confirmed_at IS NULL AND released_at IS NULL;

-- Phones that confirmed a code: not asked again for BOOKING_VERIFY_REMEMBER_DAYS.
CREATE TABLE phone_verified (
  phone       text PRIMARY KEY,
  verified_at timestamptz NOT NULL
);
