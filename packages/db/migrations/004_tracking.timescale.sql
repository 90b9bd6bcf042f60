-- TimescaleDB: legs as a hypertable, and hourly means per leg as a continuous aggregate the ETA
-- reads (real-time: the newest, not yet materialised hour is included).
SELECT create_hypertable('stop_segment', by_range('ts', INTERVAL '7 days'), create_default_indexes => false);

CREATE MATERIALIZED VIEW segment_stats_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', ts) AS bucket, route_id, direction, from_seq,
       avg(travel_s) AS travel_s, avg(dwell_s) AS dwell_s, count(*) AS n, count(dwell_s) AS n_dwell
FROM stop_segment
GROUP BY bucket, route_id, direction, from_seq
WITH NO DATA;

SELECT add_continuous_aggregate_policy('segment_stats_hourly',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');
