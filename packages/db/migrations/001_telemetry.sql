-- Telemetry: every accepted position, vehicle events, and the latest state per vehicle.

CREATE TABLE position (
  vehicle_id  text             NOT NULL,
  ts          timestamptz      NOT NULL,
  lng         double precision NOT NULL,
  lat         double precision NOT NULL,
  speed_kmh   real             NOT NULL,
  heading_deg real             NOT NULL,
  acc_m       real,
  odo_m       double precision,
  source      text             NOT NULL DEFAULT 'mqtt',
  received_at timestamptz      NOT NULL DEFAULT now(),
  -- A resent point (at-least-once delivery) is a no-op; the same key serves track queries.
  PRIMARY KEY (vehicle_id, ts)
);

-- arrival, departure, off_route, back_on_route, overspeed, offline, online, late_start, alarm, …
CREATE TABLE vehicle_event (
  vehicle_id       text        NOT NULL,
  ts               timestamptz NOT NULL,
  type             text        NOT NULL,
  trip_instance_id text,
  stop_code        text,
  data             jsonb       NOT NULL DEFAULT '{}',
  PRIMARY KEY (vehicle_id, type, ts)
);

-- Small table of the newest position and link status per vehicle: restores the live state at start
-- without scanning `position` (DISTINCT ON over millions of rows takes seconds).
CREATE TABLE vehicle_latest (
  vehicle_id  text PRIMARY KEY,
  ts          timestamptz,
  lng         double precision,
  lat         double precision,
  speed_kmh   real,
  heading_deg real,
  acc_m       real,
  odo_m       double precision,
  source      text,
  received_at timestamptz,
  online      boolean,
  status_ts   timestamptz
);

-- Telemetry the database refused on its own (a bug, not an outage): kept for inspection and replay
-- instead of blocking the points behind it or being lost.
CREATE TABLE ingest_dead_letter (
  id          bigserial PRIMARY KEY,
  failed_at   timestamptz NOT NULL DEFAULT now(),
  error       text        NOT NULL,
  item        jsonb       NOT NULL
);
