-- Plain PostgreSQL: the app deletes old rows itself (see maintenance.ts), by time.
CREATE INDEX position_ts_idx ON position (ts);
CREATE INDEX vehicle_event_ts_idx ON vehicle_event (ts DESC);
