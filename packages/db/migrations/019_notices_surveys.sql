-- Notices to drivers and surveys (docs/engagement.md). A notice goes to a set of drivers fixed
-- when it is sent, one receipt row each: when the driver's page got it, when the driver opened
-- it, what reached the bus terminal, and the reminders sent. A survey's answers are one per
-- driver or one per phone, kept by unique keys so two instances cannot both store a second one.

CREATE TABLE notice (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title           text NOT NULL,
  body            text NOT NULL,
  link            text,
  -- Who it was written to: every active driver, one operator's drivers, or chosen drivers.
  audience        text NOT NULL CHECK (audience IN ('all', 'operator', 'drivers')),
  operator_id     text REFERENCES operator (id),
  -- Unread after this many hours: one automatic reminder (null: none).
  remind_after_h  integer CHECK (remind_after_h BETWEEN 1 AND 720),
  created_by      text NOT NULL,
  created_by_name text NOT NULL,
  created_at      timestamptz NOT NULL,
  CHECK ((audience = 'operator') = (operator_id IS NOT NULL))
);
CREATE INDEX notice_created_idx ON notice (created_at DESC);

CREATE TABLE notice_receipt (
  notice_id      bigint NOT NULL REFERENCES notice (id) ON DELETE CASCADE,
  driver_id      text NOT NULL REFERENCES driver (id),
  -- The driver's page received it (listed it for the driver).
  delivered_at   timestamptz,
  read_at        timestamptz,
  -- The bus it went to on the terminal and what became of it: { vehicleId, channels, ts }.
  terminal       jsonb,
  reminders      integer NOT NULL DEFAULT 0,
  reminded_at    timestamptz,
  -- The automatic reminder was claimed (by one instance: the update that sets it wins).
  auto_reminded  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (notice_id, driver_id)
);
CREATE INDEX notice_receipt_driver_idx ON notice_receipt (driver_id, notice_id DESC);
CREATE INDEX notice_receipt_unreminded_idx ON notice_receipt (notice_id) WHERE read_at IS NULL AND NOT auto_reminded;

CREATE TABLE survey (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title       text NOT NULL,
  intro       text,
  audience    text NOT NULL CHECK (audience IN ('drivers', 'villagers')),
  -- [{ id, kind: single|multiple|rating|text, text, options?, required }] (packages/domain/src/engagement).
  questions   jsonb NOT NULL,
  opens_at    timestamptz NOT NULL,
  closes_at   timestamptz NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL,
  CHECK (opens_at < closes_at)
);
CREATE INDEX survey_closes_idx ON survey (closes_at DESC);

CREATE TABLE survey_answer (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  survey_id  bigint NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  -- A driver's answer (drivers' surveys) or a villager's phone (villagers' surveys), never both.
  driver_id  text REFERENCES driver (id),
  phone      text,
  answers    jsonb NOT NULL,
  channel    text NOT NULL CHECK (channel IN ('driver_page', 'stop_page', 'sms_link')),
  stop_code  text,
  created_at timestamptz NOT NULL,
  CHECK ((driver_id IS NULL) <> (phone IS NULL)),
  UNIQUE (survey_id, driver_id),
  UNIQUE (survey_id, phone)
);

-- The SMS invitations: the link's token stands for the phone it was sent to.
CREATE TABLE survey_invite (
  token      text PRIMARY KEY,
  survey_id  bigint NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  phone      text NOT NULL,
  stop_code  text REFERENCES stop (code),
  created_at timestamptz NOT NULL,
  UNIQUE (survey_id, phone)
);
