-- migrate:no-transaction (the TimescaleDB variant creates a continuous aggregate)
-- Tracking: alerts a dispatcher acts on, and the legs driven between stops (ETA history).

-- One row per alert; re-sent states (cleared, acknowledged) update it. The id is deterministic
-- (type:subject:raised-ms), so the engine raising the same alert again after a restart is a no-op.
CREATE TABLE alert (
  id               text PRIMARY KEY,
  type             text        NOT NULL,
  severity         text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state            text        NOT NULL CHECK (state IN ('active', 'cleared')),
  ts               timestamptz NOT NULL,
  cleared_ts       timestamptz,
  vehicle_id       text,
  trip_instance_id text,
  stop_code        text,
  message          text        NOT NULL,
  data             jsonb       NOT NULL DEFAULT '{}',
  ack_by           text,
  ack_ts           timestamptz
);
CREATE INDEX alert_ts_idx ON alert (ts DESC);
CREATE INDEX alert_open_idx ON alert (ts DESC) WHERE ack_ts IS NULL;

-- A leg driven: leaving stop from_seq of a trip pattern to arriving at the next one.
CREATE TABLE stop_segment (
  ts         timestamptz NOT NULL,
  route_id   text        NOT NULL,
  direction  smallint    NOT NULL,
  from_seq   integer     NOT NULL,
  travel_s   real        NOT NULL,
  dwell_s    real,
  PRIMARY KEY (route_id, direction, from_seq, ts)
);
