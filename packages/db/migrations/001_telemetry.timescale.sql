-- TimescaleDB: hypertables partitioned on ts; the primary keys include ts as required.
SELECT create_hypertable('position', by_range('ts', INTERVAL '1 day'), create_default_indexes => false);
SELECT create_hypertable('vehicle_event', by_range('ts', INTERVAL '7 days'), create_default_indexes => false);
CREATE INDEX vehicle_event_ts_idx ON vehicle_event (ts DESC);

ALTER TABLE position SET (timescaledb.compress, timescaledb.compress_segmentby = 'vehicle_id', timescaledb.compress_orderby = 'ts DESC');
ALTER TABLE vehicle_event SET (timescaledb.compress, timescaledb.compress_segmentby = 'vehicle_id', timescaledb.compress_orderby = 'ts DESC');
