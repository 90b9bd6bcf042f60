-- GTFS imports (docs/network.md#gtfs): each import as one change that can be undone, which feed
-- rows became which of ours (so the same feed imported again lands on the same rows and the
-- county's own rows are told apart from imported ones), and the trips a feed's headways were
-- expanded into (so the export says them as headways again).

-- One import: what it wrote and what was there before, row by row (`changes`), enough to undo it.
CREATE TABLE gtfs_import (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source      text NOT NULL,
  feed_sha256 text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  summary     jsonb NOT NULL,
  changes     jsonb NOT NULL,
  undone_at   timestamptz,
  undone_by   text
);
CREATE INDEX gtfs_import_source_idx ON gtfs_import (source, id DESC);

-- A feed's id (per source and kind) → our id. Written by imports, removed by their undo.
CREATE TABLE gtfs_external_id (
  source      text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('operator', 'township', 'stop', 'route', 'calendar', 'trip')),
  external_id text NOT NULL,
  local_id    text NOT NULL,
  import_id   bigint NOT NULL REFERENCES gtfs_import (id),
  PRIMARY KEY (source, kind, external_id)
);
CREATE INDEX gtfs_external_id_local_idx ON gtfs_external_id (kind, local_id);

-- A timed trip made from a GTFS frequency-based trip: the feed's trip and the headway window.
CREATE TABLE trip_frequency (
  trip_id     text PRIMARY KEY REFERENCES trip (id) ON DELETE CASCADE,
  template_id text NOT NULL,
  start_s     integer NOT NULL CHECK (start_s >= 0),
  end_s       integer NOT NULL,
  headway_s   integer NOT NULL CHECK (headway_s > 0),
  exact_times boolean NOT NULL DEFAULT false,
  CHECK (end_s > start_s)
);
