-- Geofences (docs/geofences.md): polygons and circles with their rules. What vehicles do with them
-- (geofence_enter, geofence_exit, geofence_dwell) is stored in vehicle_event like every other event;
-- their alerts (type geofence) in alert.

CREATE TABLE geofence (
  id              text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name            text NOT NULL,
  category        text NOT NULL CHECK (category IN ('depot', 'school', 'hospital', 'market', 'danger', 'corridor', 'other')),
  -- {"kind":"circle","center":[lng,lat],"radiusM":300} or {"kind":"polygon","rings":[[[lng,lat],…]]}, WGS-84.
  shape           jsonb NOT NULL,
  speed_limit_kmh double precision,
  alert_on_exit   boolean NOT NULL DEFAULT false,
  route_kinds     text[] NOT NULL DEFAULT '{}',
  dwell_s         integer,
  active          boolean NOT NULL DEFAULT true,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
