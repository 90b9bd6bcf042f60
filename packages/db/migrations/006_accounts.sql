-- Accounts, sessions, the audit log, and the secrets MQTT devices sign in with (docs/security.md).

CREATE TABLE app_user (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'dispatcher', 'operator', 'driver')),
  -- The driver's unified number; a driver account is always one driver.
  driver_code   text REFERENCES driver (id),
  -- scrypt, encoded with its parameters ($scrypt$ln=15,r=8,p=1$salt$hash) so they can be raised.
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  -- Seeded with a published demo password: refused in production mode whatever its hash says.
  demo          boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'driver') = (driver_code IS NOT NULL))
);

CREATE TABLE app_session (
  -- SHA-256 of the token: a leaked table does not hand out sessions.
  token_hash   text PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_session_user_idx ON app_session (user_id);
CREATE INDEX app_session_expires_idx ON app_session (expires_at);

CREATE TABLE audit_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts        timestamptz NOT NULL DEFAULT now(),
  -- The account (null once deleted, or for the server itself) and its name at the time.
  user_id   integer REFERENCES app_user (id) ON DELETE SET NULL,
  username  text NOT NULL,
  action    text NOT NULL,
  target    text NOT NULL,
  before    jsonb,
  after     jsonb,
  ip        text
);
CREATE INDEX audit_log_ts_idx ON audit_log (ts DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target, ts DESC);

-- Per-vehicle MQTT secrets (username = vehicle id). 256 random bits, so SHA-256 is enough here and
-- a reconnect storm of thousands of devices costs microseconds each, not a memory-hard KDF's 50 ms.
CREATE TABLE device_credential (
  vehicle_id  text PRIMARY KEY REFERENCES vehicle (id) ON DELETE CASCADE,
  secret_hash text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL
);
