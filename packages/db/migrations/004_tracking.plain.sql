-- Plain PostgreSQL: the same hourly means as an ordinary view over the legs.
CREATE INDEX stop_segment_ts_idx ON stop_segment (ts);

CREATE VIEW segment_stats_hourly AS
SELECT date_trunc('hour', ts) AS bucket, route_id, direction, from_seq,
       avg(travel_s) AS travel_s, avg(dwell_s) AS dwell_s, count(*) AS n, count(dwell_s) AS n_dwell
FROM stop_segment
GROUP BY 1, route_id, direction, from_seq;
