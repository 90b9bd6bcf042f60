-- JT/T 808 terminals the gateway has registered (0x0100 → 0x8100): the auth code it issued, so a
-- terminal that stored its code keeps authenticating (0x0102) across server restarts.

CREATE TABLE jt808_terminal (
  -- Terminal phone without its zero padding (the same SIM under 2013 and 2019 headers).
  phone           text PRIMARY KEY,
  vehicle_id      text NOT NULL REFERENCES vehicle (id) ON DELETE CASCADE,
  auth_code       text NOT NULL,
  registered_at   timestamptz NOT NULL DEFAULT now(),
  -- What the terminal said about itself in 0x0100, for the people who fit and replace terminals.
  manufacturer_id text NOT NULL DEFAULT '',
  terminal_model  text NOT NULL DEFAULT '',
  terminal_id     text NOT NULL DEFAULT '',
  protocol        text NOT NULL DEFAULT '' CHECK (protocol IN ('', '2011', '2013', '2019'))
);
CREATE INDEX jt808_terminal_vehicle_idx ON jt808_terminal (vehicle_id);
