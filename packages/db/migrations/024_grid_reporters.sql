-- Grid reporters (流动网格员, docs/engagement.md#grid-reporters): villagers who register their phone
-- with an SMS code, whose sign and road-hazard reports carry their id, and who earn points when
-- staff confirm a report. One award per report at most (its primary key), taken back (revoked)
-- when the confirmation is reversed.

-- A reporter: registered once per phone. While `verified_at` is null the row is a registration
-- waiting for its SMS code (the code's hash, when it was sent, how often, wrong tries — the same
-- rules as a booking's code). The token the phone keeps is stored as its SHA-256 only; a new
-- registration of the same phone replaces it (the old phone's token stops working).
CREATE TABLE grid_reporter (
  id              text PRIMARY KEY,
  phone           text NOT NULL UNIQUE,
  name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40),
  -- The township the reporter covers, chosen at registration: the leaderboard's grouping.
  township_id     text NOT NULL REFERENCES township (id),
  token_hash      text UNIQUE,
  -- The name and township given with the waiting code: they take effect when the code comes back
  -- (a stranger who types a reporter's number cannot rename them).
  pending_name        text CHECK (char_length(pending_name) BETWEEN 1 AND 40),
  pending_township_id text REFERENCES township (id),
  code_hash       text,
  code_sent_at    timestamptz,
  code_sends      integer NOT NULL DEFAULT 0,
  code_attempts   integer NOT NULL DEFAULT 0,
  code_expires_at timestamptz,
  created_at      timestamptz NOT NULL,
  verified_at     timestamptz
);
CREATE INDEX grid_reporter_township_idx ON grid_reporter (township_id);

-- The reporter who sent a report (null: an anonymous villager).
ALTER TABLE report ADD COLUMN reporter_id text REFERENCES grid_reporter (id);
CREATE INDEX report_reporter_idx ON report (reporter_id, received_at DESC) WHERE reporter_id IS NOT NULL;

-- Points for one report: written in the transaction of the ticket step (or staff confirmation)
-- that confirmed it; `revoked_at` set when a reopening or rejection reversed it. A report has one
-- row at most, so it is never paid twice, however many instances act at once.
CREATE TABLE grid_points (
  report_id    text PRIMARY KEY REFERENCES report (id),
  reporter_id  text NOT NULL REFERENCES grid_reporter (id),
  ticket_id    bigint NOT NULL REFERENCES repair_ticket (id),
  points       integer NOT NULL CHECK (points > 0),
  -- What the rule gave the points for: sign, road, critical.
  tier         text NOT NULL,
  -- The step that confirmed it: 'fix' (the ticket was fixed) or 'confirm' (staff confirmed the report).
  via          text NOT NULL CHECK (via IN ('fix', 'confirm')),
  awarded_at   timestamptz NOT NULL,
  awarded_by   text NOT NULL,
  revoked_at   timestamptz,
  revoked_by   text,
  revoke_note  text
);
CREATE INDEX grid_points_reporter_idx ON grid_points (reporter_id, awarded_at);
CREATE INDEX grid_points_awarded_idx ON grid_points (awarded_at) WHERE revoked_at IS NULL;
