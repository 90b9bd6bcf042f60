-- Alerts with a life-cycle (open → acknowledged → resolved), the dispatcher's incident log, and the
-- county's settings (lateness policy, missed-trip grace, daily driving limit).

-- `state` stays the condition itself (active / cleared); the life-cycle is who dealt with it.
-- resolved_by is 'system' when the condition cleared by itself, else the staff user name.
ALTER TABLE alert
  ADD COLUMN ack_note     text,
  ADD COLUMN resolved_by  text,
  ADD COLUMN resolved_ts  timestamptz,
  ADD COLUMN resolve_note text;

-- Conditions that cleared before this version were resolved by the system; a report's alert by
-- whoever fixed or rejected its ticket (the last closing step), with that step's note.
UPDATE alert a SET resolved_by = 'system', resolved_ts = a.cleared_ts
WHERE a.state = 'cleared' AND a.cleared_ts IS NOT NULL;
UPDATE alert a SET resolved_by = s.by_name, resolve_note = coalesce(s.note, 'ticket ' || s.to_status)
FROM (
  SELECT DISTINCT ON (ticket_id) ticket_id, by_name, note, to_status
  FROM repair_ticket_step WHERE to_status IN ('fixed', 'rejected') ORDER BY ticket_id, id DESC
) s
WHERE a.type IN ('sign_report', 'road_report') AND a.resolved_ts IS NOT NULL
  AND jsonb_typeof(a.data -> 'ticketId') = 'number' AND (a.data ->> 'ticketId')::bigint = s.ticket_id;

-- Derived, never written: resolved wins over acknowledged (an alert may be acknowledged, then resolved).
ALTER TABLE alert ADD COLUMN status text GENERATED ALWAYS AS (
  CASE WHEN resolved_ts IS NOT NULL THEN 'resolved' WHEN ack_ts IS NOT NULL THEN 'acknowledged' ELSE 'open' END
) STORED;

-- "Open" now means not resolved: the console's list and badge read these.
DROP INDEX IF EXISTS alert_open_idx;
CREATE INDEX alert_unresolved_idx ON alert (ts DESC) WHERE resolved_ts IS NULL;
CREATE INDEX alert_vehicle_idx ON alert (vehicle_id, ts DESC) WHERE vehicle_id IS NOT NULL;
CREATE INDEX alert_trip_idx ON alert (trip_instance_id, ts DESC) WHERE trip_instance_id IS NOT NULL;

-- The dispatcher's incident log per vehicle and trip: free notes, the notes given when
-- acknowledging or resolving an alert, and texts sent to a driver (with the channels that took them).
CREATE TABLE incident_note (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts               timestamptz NOT NULL,
  vehicle_id       text,
  trip_instance_id text,
  alert_id         text REFERENCES alert (id),
  kind             text NOT NULL CHECK (kind IN ('note', 'ack', 'resolve', 'message')),
  -- The staff user name at the time (kept if the account is renamed or disabled).
  author           text NOT NULL,
  text             text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 1000),
  data             jsonb NOT NULL DEFAULT '{}',
  CHECK (vehicle_id IS NOT NULL OR trip_instance_id IS NOT NULL OR alert_id IS NOT NULL)
);
CREATE INDEX incident_note_vehicle_idx ON incident_note (vehicle_id, ts DESC) WHERE vehicle_id IS NOT NULL;
CREATE INDEX incident_note_trip_idx ON incident_note (trip_instance_id, ts DESC) WHERE trip_instance_id IS NOT NULL;
CREATE INDEX incident_note_alert_idx ON incident_note (alert_id, ts DESC) WHERE alert_id IS NOT NULL;
CREATE INDEX incident_note_ts_idx ON incident_note (ts DESC);

-- County settings, one row per top-level key (`lateness`, `missedGraceS`, `dailyDrivingLimitMin`);
-- a key without a row takes its default (packages/domain/src/settings).
CREATE TABLE county_setting (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);
