-- Parcels on the village bus (交邮融合, docs/parcels.md): post points at stop signs and township
-- stations with their keepers (role `station`), parcels with a unified number, the trips they
-- ride (legs), every hand-over (custody events), each bus's parcel room, and the county tariff.

-- A keeper account (role `station`) handles the parcels of its own post point only.
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('admin', 'dispatcher', 'operator', 'driver', 'station'));

-- Parcel texts go through the same outbox: to the sender, the recipient and the post points' keepers.
ALTER TABLE notification_outbox DROP CONSTRAINT IF EXISTS notification_outbox_recipient_role_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_recipient_role_check
  CHECK (recipient_role IN ('passenger', 'driver', 'sender', 'recipient', 'keeper'));
ALTER TABLE notification_outbox ADD COLUMN parcel_id bigint;
CREATE INDEX notification_outbox_parcel_idx ON notification_outbox (parcel_id) WHERE parcel_id IS NOT NULL;

-- 村邮站 (village) or 综合运输服务站 (station, where parcels may change buses); one per stop sign.
CREATE TABLE post_point (
  stop_code  text PRIMARY KEY REFERENCES stop (code),
  kind       text NOT NULL CHECK (kind IN ('village', 'station')),
  name       text NOT NULL,
  phone      text NOT NULL,
  -- Local opening hours, HH:MM-HH:MM.
  hours      text NOT NULL,
  hold_days  integer NOT NULL CHECK (hold_days BETWEEN 1 AND 60),
  active     boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Which post point a `station` account keeps (one each).
CREATE TABLE post_point_keeper (
  user_id    integer PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  stop_code  text NOT NULL REFERENCES post_point (stop_code)
);
CREATE INDEX post_point_keeper_point_idx ON post_point_keeper (stop_code);

-- A bus's parcel room; a vehicle without a row carries the default (packages/domain/src/parcels).
CREATE TABLE vehicle_parcel_capacity (
  vehicle_id text PRIMARY KEY REFERENCES vehicle (id),
  slots      integer NOT NULL CHECK (slots BETWEEN 0 AND 500),
  kg         real NOT NULL CHECK (kg >= 0 AND kg <= 5000),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The county tariff (one row; none = the default table).
CREATE TABLE parcel_tariff (
  id         smallint PRIMARY KEY CHECK (id = 1),
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

-- Next number of the day per county prefix: a number is never handed out twice.
CREATE TABLE parcel_number_counter (
  prefix text NOT NULL,
  day    date NOT NULL,
  last_n integer NOT NULL,
  PRIMARY KEY (prefix, day)
);

CREATE TABLE parcel (
  id              bigserial PRIMARY KEY,
  number          text NOT NULL UNIQUE,
  from_point      text NOT NULL REFERENCES post_point (stop_code),
  to_point        text NOT NULL REFERENCES post_point (stop_code),
  sender_name     text NOT NULL,
  sender_phone    text NOT NULL,
  recipient_name  text NOT NULL,
  recipient_phone text NOT NULL,
  size_class      text NOT NULL CHECK (size_class IN ('S', 'M', 'L')),
  weight_kg       real NOT NULL CHECK (weight_kg > 0),
  fee_fen         integer NOT NULL CHECK (fee_fen >= 0),
  distance_m      double precision NOT NULL,
  status          text NOT NULL CHECK (status IN ('accepted', 'loaded', 'at_transfer', 'arrived', 'collected', 'returned')),
  leg_index       integer NOT NULL DEFAULT 0,
  pickup_code     text NOT NULL,
  hold_days       integer NOT NULL,
  -- A resent consignment (weak 3G) carries the same key and gets the same parcel back.
  idempotency_key text UNIQUE,
  created_by      text NOT NULL,
  accepted_at     timestamptz NOT NULL,
  arrived_at      timestamptz,
  closed_at       timestamptz,
  updated_at      timestamptz NOT NULL,
  CHECK (from_point <> to_point)
);
CREATE INDEX parcel_from_idx ON parcel (from_point, status);
CREATE INDEX parcel_to_idx ON parcel (to_point, status);
CREATE INDEX parcel_status_idx ON parcel (status, accepted_at);
CREATE INDEX parcel_accepted_idx ON parcel (accepted_at);

-- The trips a parcel rides, in order (a second leg after a change at a township station).
CREATE TABLE parcel_leg (
  parcel_id        bigint NOT NULL REFERENCES parcel (id) ON DELETE CASCADE,
  idx              integer NOT NULL,
  trip_instance_id text NOT NULL,
  route_id         text NOT NULL,
  from_stop        text NOT NULL REFERENCES stop (code),
  to_stop          text NOT NULL REFERENCES stop (code),
  from_seq         integer NOT NULL,
  to_seq           integer NOT NULL,
  departure_at     timestamptz NOT NULL,
  arrival_at       timestamptz NOT NULL,
  vehicle_id       text,
  loaded_at        timestamptz,
  unloaded_at      timestamptz,
  PRIMARY KEY (parcel_id, idx),
  CHECK (to_seq > from_seq)
);
CREATE INDEX parcel_leg_trip_idx ON parcel_leg (trip_instance_id);

-- One row per trip instance that carries or carried parcels: a change to what rides on it locks
-- this row first, so its parcel room is counted one transaction at a time on every instance.
CREATE TABLE parcel_trip (
  trip_instance_id text PRIMARY KEY,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Every custody step: who (name and role at the time), where, on which bus, when.
CREATE TABLE parcel_event (
  id               bigserial PRIMARY KEY,
  parcel_id        bigint NOT NULL REFERENCES parcel (id) ON DELETE CASCADE,
  ts               timestamptz NOT NULL,
  action           text NOT NULL CHECK (action IN ('accept', 'assign', 'reroute', 'load', 'unload', 'collect', 'return')),
  from_status      text,
  to_status        text NOT NULL,
  by_name          text NOT NULL,
  by_role          text NOT NULL,
  place            text,
  vehicle_id       text,
  trip_instance_id text,
  lng              double precision,
  lat              double precision,
  note             text
);
CREATE INDEX parcel_event_parcel_idx ON parcel_event (parcel_id, id);
