-- One-tap repair reports (一键报修): villagers' reports of a stop sign or a road hazard at its place,
-- the repair tickets they gather on (with every status change: who, when, note), and photos.

-- A repair ticket: one problem at one stop. Reports of the same stop and dedupe key (`sign`, or
-- `road:<category>`) join the ticket while it is open or assigned; the partial unique index keeps
-- it to one such ticket, however many server instances take reports at once.
CREATE TABLE repair_ticket (
  id                 bigserial PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('sign', 'road')),
  category           text NOT NULL,
  dedupe_key         text NOT NULL,
  stop_code          text NOT NULL REFERENCES stop (code),
  -- The stop sign's place when the ticket was opened (a sign moved later does not move the problem).
  lng                double precision NOT NULL,
  lat                double precision NOT NULL,
  status             text NOT NULL CHECK (status IN ('open', 'assigned', 'fixed', 'rejected')),
  assignee           text,
  -- The last closed ticket of the same stop and key when this one was opened: the problem came back.
  previous_ticket_id bigint REFERENCES repair_ticket (id),
  report_count       integer NOT NULL DEFAULT 0,
  opened_at          timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  closed_at          timestamptz,
  CHECK ((status IN ('fixed', 'rejected')) = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX repair_ticket_one_open_idx ON repair_ticket (stop_code, dedupe_key) WHERE status IN ('open', 'assigned');
CREATE INDEX repair_ticket_stop_idx ON repair_ticket (stop_code, dedupe_key, id DESC);
CREATE INDEX repair_ticket_updated_idx ON repair_ticket (updated_at DESC, id DESC);

-- Every status change of a ticket, in order; the first is the villager's report that opened it.
CREATE TABLE repair_ticket_step (
  id          bigserial PRIMARY KEY,
  ticket_id   bigint NOT NULL REFERENCES repair_ticket (id),
  action      text NOT NULL CHECK (action IN ('open', 'assign', 'fix', 'reject', 'reopen')),
  from_status text,
  to_status   text NOT NULL,
  -- The staff user name at the time (kept if the account is renamed or disabled), or 'villager'.
  by_name     text NOT NULL,
  ts          timestamptz NOT NULL,
  note        text,
  assignee    text
);
CREATE INDEX repair_ticket_step_ticket_idx ON repair_ticket_step (ticket_id, id);

-- A villager's report. Every report is kept, also those that joined an existing ticket. The id is
-- random and unguessable: it is what the villager's phone keeps to look the status up. No name,
-- phone or client address is stored.
CREATE TABLE report (
  id              text PRIMARY KEY,
  ticket_id       bigint NOT NULL REFERENCES repair_ticket (id),
  stop_code       text NOT NULL REFERENCES stop (code),
  kind            text NOT NULL CHECK (kind IN ('sign', 'road')),
  category        text NOT NULL,
  note            text CHECK (char_length(note) <= 500),
  -- Chosen by the villager's phone; an offline queue resending the report sends the same key.
  idempotency_key text NOT NULL UNIQUE,
  -- The phone's time of the report (clamped to the week before receipt), and the server's.
  reported_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL
);
CREATE INDEX report_ticket_idx ON report (ticket_id, received_at, id);

-- A report's photo: checked by its magic bytes and structure, metadata (EXIF position, camera,
-- comments) stripped. Stored as a file under UPLOADS_DIR with a random name, or in `data`.
CREATE TABLE report_photo (
  id         text PRIMARY KEY,
  report_id  text NOT NULL UNIQUE REFERENCES report (id),
  mime       text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes      integer NOT NULL CHECK (bytes > 0),
  width      integer NOT NULL,
  height     integer NOT NULL,
  sha256     text NOT NULL,
  storage    text NOT NULL CHECK (storage IN ('file', 'db')),
  file_name  text,
  data       bytea,
  created_at timestamptz NOT NULL,
  CHECK ((storage = 'db') = (data IS NOT NULL) AND (storage = 'file') = (file_name IS NOT NULL))
);
