/**
 * Parcels, their legs and custody events, the per-trip lock row, parcel texts in the outbox, and
 * the monthly report. Times are epoch ms; they travel as float8 and become timestamptz in SQL.
 */
import type { CustodyEvent, Parcel, ParcelLeg, ParcelStatus, SizeClass } from '@rb/domain'
import type { Queryable } from '../../port.js'

const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const num = (v: number | null): number | null => (v === null ? null : Math.round(v))

interface ParcelRow {
  id: string | number
  number: string
  from_point: string
  to_point: string
  sender_name: string
  sender_phone: string
  recipient_name: string
  recipient_phone: string
  size_class: SizeClass
  weight_kg: number
  fee_fen: number
  distance_m: number
  status: ParcelStatus
  leg_index: number
  pickup_code: string
  hold_days: number
  created_by: string
  accepted_ms: number
  arrived_ms: number | null
  closed_ms: number | null
}

interface LegRow {
  parcel_id: string | number
  idx: number
  trip_instance_id: string
  route_id: string
  from_stop: string
  to_stop: string
  from_seq: number
  to_seq: number
  departure_ms: number
  arrival_ms: number
  vehicle_id: string | null
  loaded_ms: number | null
  unloaded_ms: number | null
}

const PARCEL = `SELECT id, number, from_point, to_point, sender_name, sender_phone, recipient_name, recipient_phone, size_class, weight_kg, fee_fen, distance_m, status, leg_index,
  pickup_code, hold_days, created_by, ${ms('accepted_at', 'accepted_ms')}, ${ms('arrived_at', 'arrived_ms')}, ${ms('closed_at', 'closed_ms')} FROM parcel`
const LEG = `SELECT parcel_id, idx, trip_instance_id, route_id, from_stop, to_stop, from_seq, to_seq, ${ms('departure_at', 'departure_ms')}, ${ms('arrival_at', 'arrival_ms')},
  vehicle_id, ${ms('loaded_at', 'loaded_ms')}, ${ms('unloaded_at', 'unloaded_ms')} FROM parcel_leg`

const toLeg = (r: LegRow): ParcelLeg => ({
  idx: r.idx,
  tripInstanceId: r.trip_instance_id,
  routeId: r.route_id,
  fromStop: r.from_stop,
  toStop: r.to_stop,
  fromSeq: r.from_seq,
  toSeq: r.to_seq,
  departureTs: Math.round(r.departure_ms),
  arrivalTs: Math.round(r.arrival_ms),
  vehicleId: r.vehicle_id,
  loadedTs: num(r.loaded_ms),
  unloadedTs: num(r.unloaded_ms),
})

const toParcel = (r: ParcelRow, legs: ParcelLeg[]): Parcel => ({
  id: Number(r.id),
  number: r.number,
  fromPoint: r.from_point,
  toPoint: r.to_point,
  sender: { name: r.sender_name, phone: r.sender_phone },
  recipient: { name: r.recipient_name, phone: r.recipient_phone },
  sizeClass: r.size_class,
  weightKg: Number(r.weight_kg),
  feeFen: r.fee_fen,
  distanceM: r.distance_m,
  status: r.status,
  legIndex: r.leg_index,
  legs,
  pickupCode: r.pickup_code,
  acceptedTs: Math.round(r.accepted_ms),
  arrivedTs: num(r.arrived_ms),
  closedTs: num(r.closed_ms),
  holdDays: r.hold_days,
  createdBy: r.created_by,
})

async function withLegs(q: Queryable, rows: ParcelRow[]): Promise<Parcel[]> {
  if (rows.length === 0) return []
  const legs = await q.query<LegRow>(`${LEG} WHERE parcel_id = ANY($1::bigint[]) ORDER BY parcel_id, idx`, [
    rows.map((r) => Number(r.id)),
  ])
  const byParcel = new Map<number, ParcelLeg[]>()
  for (const l of legs.rows) byParcel.set(Number(l.parcel_id), [...(byParcel.get(Number(l.parcel_id)) ?? []), toLeg(l)])
  return rows.map((r) => toParcel(r, byParcel.get(Number(r.id)) ?? []))
}

/** The next number of the day for a county prefix (1, 2, …); never the same twice. */
export async function nextNumber(q: Queryable, prefix: string, day: string): Promise<number> {
  const r = await q.query<{ last_n: number }>(
    `INSERT INTO parcel_number_counter (prefix, day, last_n) VALUES ($1, $2::date, 1)
     ON CONFLICT (prefix, day) DO UPDATE SET last_n = parcel_number_counter.last_n + 1 RETURNING last_n`,
    [prefix, day],
  )
  return r.rows[0]?.last_n as number
}

export type NewParcel = Omit<Parcel, 'id' | 'legs' | 'arrivedTs' | 'closedTs'> & { idempotencyKey: string | null }

export async function insertParcel(q: Queryable, p: NewParcel, now: number): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO parcel (number, from_point, to_point, sender_name, sender_phone, recipient_name, recipient_phone, size_class, weight_kg, fee_fen, distance_m, status, leg_index,
       pickup_code, hold_days, idempotency_key, created_by, accepted_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, ${ts(18)}, ${ts(19)}) RETURNING id`,
    [
      p.number,
      p.fromPoint,
      p.toPoint,
      p.sender.name,
      p.sender.phone,
      p.recipient.name,
      p.recipient.phone,
      p.sizeClass,
      p.weightKg,
      p.feeFen,
      p.distanceM,
      p.status,
      p.legIndex,
      p.pickupCode,
      p.holdDays,
      p.idempotencyKey,
      p.createdBy,
      p.acceptedTs,
      now,
    ],
  )
  return Number(r.rows[0]?.id)
}

/** A parcel by number; `forUpdate` locks its row (every change to a parcel holds it). */
export async function getParcel(
  q: Queryable,
  number: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Parcel | null> {
  const r = await q.query<ParcelRow>(`${PARCEL} WHERE number = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [number])
  return (await withLegs(q, r.rows))[0] ?? null
}

export async function parcelByKey(q: Queryable, key: string): Promise<Parcel | null> {
  const r = await q.query<ParcelRow>(`${PARCEL} WHERE idempotency_key = $1`, [key])
  return (await withLegs(q, r.rows))[0] ?? null
}

export interface ParcelFilter {
  /** Sent from or going to this post point. */
  point?: string | undefined
  status?: readonly ParcelStatus[] | undefined
  /** Riding (or due to ride) this trip instance. */
  tripInstanceId?: string | undefined
  /** Accepted at or after. */
  fromTs?: number | undefined
  limit: number
}

/** Newest first. */
export async function listParcels(q: Queryable, f: ParcelFilter): Promise<Parcel[]> {
  const r = await q.query<ParcelRow>(
    `${PARCEL} WHERE ($1::text IS NULL OR from_point = $1 OR to_point = $1) AND ($2::text[] IS NULL OR status = ANY($2::text[]))
       AND ($3::text IS NULL OR id IN (SELECT parcel_id FROM parcel_leg WHERE trip_instance_id = $3))
       AND ($4::float8 IS NULL OR accepted_at >= to_timestamp($4::float8 / 1000.0))
     ORDER BY accepted_at DESC, id DESC LIMIT $5`,
    [f.point ?? null, f.status ? [...f.status] : null, f.tripInstanceId ?? null, f.fromTs ?? null, f.limit],
  )
  return withLegs(q, r.rows)
}

/** Parcels with a leg on any of these trips that has not been unloaded yet. */
export async function parcelsRiding(q: Queryable, tripInstanceIds: readonly string[]): Promise<Parcel[]> {
  if (tripInstanceIds.length === 0) return []
  const r = await q.query<ParcelRow>(
    `${PARCEL} WHERE status IN ('accepted', 'loaded', 'at_transfer')
       AND id IN (SELECT parcel_id FROM parcel_leg WHERE trip_instance_id = ANY($1::text[]) AND unloaded_at IS NULL) ORDER BY id`,
    [tripInstanceIds],
  )
  return withLegs(q, r.rows)
}

/** Trip instances with a leg not loaded yet, among these. */
export async function tripsWithWaitingLegs(q: Queryable, tripInstanceIds: readonly string[]): Promise<string[]> {
  if (tripInstanceIds.length === 0) return []
  const r = await q.query<{ trip_instance_id: string }>(
    `SELECT DISTINCT l.trip_instance_id FROM parcel_leg l JOIN parcel p ON p.id = l.parcel_id
     WHERE l.trip_instance_id = ANY($1::text[]) AND l.loaded_at IS NULL AND p.status IN ('accepted', 'at_transfer') AND l.idx >= p.leg_index`,
    [tripInstanceIds],
  )
  return r.rows.map((x) => x.trip_instance_id)
}

export async function updateState(
  q: Queryable,
  id: number,
  s: { status: ParcelStatus; legIndex: number; arrivedTs: number | null; closedTs: number | null },
  now: number,
): Promise<void> {
  await q.query(
    `UPDATE parcel SET status = $2, leg_index = $3, arrived_at = ${ts(4)}, closed_at = ${ts(5)}, updated_at = ${ts(6)} WHERE id = $1`,
    [id, s.status, s.legIndex, s.arrivedTs, s.closedTs, now],
  )
}

export async function updateLeg(q: Queryable, parcelId: number, l: ParcelLeg): Promise<void> {
  await q.query(
    `UPDATE parcel_leg SET vehicle_id = $3, loaded_at = ${ts(4)}, unloaded_at = ${ts(5)} WHERE parcel_id = $1 AND idx = $2`,
    [parcelId, l.idx, l.vehicleId, l.loadedTs, l.unloadedTs],
  )
}

/** Replaces the legs from `fromIdx` on (a new assignment, or a move off a cancelled trip). */
export async function replaceLegs(
  q: Queryable,
  parcelId: number,
  fromIdx: number,
  legs: readonly ParcelLeg[],
): Promise<void> {
  await q.query('DELETE FROM parcel_leg WHERE parcel_id = $1 AND idx >= $2', [parcelId, fromIdx])
  for (const l of legs) {
    await q.query(
      `INSERT INTO parcel_leg (parcel_id, idx, trip_instance_id, route_id, from_stop, to_stop, from_seq, to_seq, departure_at, arrival_at, vehicle_id, loaded_at, unloaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${ts(9)}, ${ts(10)}, $11, ${ts(12)}, ${ts(13)})`,
      [
        parcelId,
        l.idx,
        l.tripInstanceId,
        l.routeId,
        l.fromStop,
        l.toStop,
        l.fromSeq,
        l.toSeq,
        l.departureTs,
        l.arrivalTs,
        l.vehicleId,
        l.loadedTs,
        l.unloadedTs,
      ],
    )
  }
}

/** Locks the per-trip rows (created when missing), in a fixed order so two transactions never deadlock. */
export async function lockTrips(q: Queryable, tripInstanceIds: readonly string[]): Promise<void> {
  const ids = [...new Set(tripInstanceIds)].sort()
  if (ids.length === 0) return
  await q.query('INSERT INTO parcel_trip (trip_instance_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [ids])
  await q.query(
    'SELECT trip_instance_id FROM parcel_trip WHERE trip_instance_id = ANY($1::text[]) ORDER BY trip_instance_id FOR UPDATE',
    [ids],
  )
}

export interface RidingRow {
  tripInstanceId: string
  fromSeq: number
  toSeq: number
  sizeClass: SizeClass
  weightKg: number
}

/** What rides (or is due to ride) each trip: legs not unloaded of parcels still on their way. */
export async function ridingOn(
  q: Queryable,
  tripInstanceIds: readonly string[],
  exceptParcelId: number | null = null,
): Promise<RidingRow[]> {
  if (tripInstanceIds.length === 0) return []
  const r = await q.query<{
    trip_instance_id: string
    from_seq: number
    to_seq: number
    size_class: SizeClass
    weight_kg: number
  }>(
    `SELECT l.trip_instance_id, l.from_seq, l.to_seq, p.size_class, p.weight_kg FROM parcel_leg l JOIN parcel p ON p.id = l.parcel_id
     WHERE l.trip_instance_id = ANY($1::text[]) AND l.unloaded_at IS NULL AND l.idx >= p.leg_index AND p.status IN ('accepted', 'loaded', 'at_transfer')
       AND ($2::bigint IS NULL OR p.id <> $2)`,
    [tripInstanceIds, exceptParcelId],
  )
  return r.rows.map((x) => ({
    tripInstanceId: x.trip_instance_id,
    fromSeq: x.from_seq,
    toSeq: x.to_seq,
    sizeClass: x.size_class,
    weightKg: Number(x.weight_kg),
  }))
}

export async function insertEvent(q: Queryable, parcelId: number, e: CustodyEvent): Promise<void> {
  await q.query(
    `INSERT INTO parcel_event (parcel_id, ts, action, from_status, to_status, by_name, by_role, place, vehicle_id, trip_instance_id, lng, lat, note)
     VALUES ($1, ${ts(2)}, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      parcelId,
      e.ts,
      e.action,
      e.fromStatus,
      e.toStatus,
      e.byName,
      e.byRole,
      e.place,
      e.vehicleId,
      e.tripInstanceId,
      e.lng,
      e.lat,
      e.note,
    ],
  )
}

export async function eventsOf(q: Queryable, parcelId: number): Promise<CustodyEvent[]> {
  const r = await q.query<{
    ts_ms: number
    action: CustodyEvent['action']
    from_status: ParcelStatus | null
    to_status: ParcelStatus
    by_name: string
    by_role: string
    place: string | null
    vehicle_id: string | null
    trip_instance_id: string | null
    lng: number | null
    lat: number | null
    note: string | null
  }>(
    `SELECT ${ms('ts', 'ts_ms')}, action, from_status, to_status, by_name, by_role, place, vehicle_id, trip_instance_id, lng, lat, note FROM parcel_event WHERE parcel_id = $1 ORDER BY id`,
    [parcelId],
  )
  return r.rows.map((x) => ({
    ts: Math.round(x.ts_ms),
    action: x.action,
    fromStatus: x.from_status,
    toStatus: x.to_status,
    byName: x.by_name,
    byRole: x.by_role,
    place: x.place,
    vehicleId: x.vehicle_id,
    tripInstanceId: x.trip_instance_id,
    lng: x.lng,
    lat: x.lat,
    note: x.note,
  }))
}

/** A text about a parcel (SMS through the notifier outbox). */
export interface ParcelText {
  kind: string
  recipient: string
  recipientRole: 'sender' | 'recipient' | 'keeper'
  body: string
  tripInstanceId: string | null
}

/** Parcel texts, written in the transaction of the step they tell of; the outbox sender delivers them. */
export async function enqueueParcelMessages(
  q: Queryable,
  parcelId: number,
  messages: readonly ParcelText[],
  now: number,
): Promise<void> {
  for (const m of messages) {
    await q.query(
      `INSERT INTO notification_outbox (kind, recipient, recipient_role, body, booking_id, trip_instance_id, parcel_id, created_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, NULL, $5, $6, ${ts(7)}, ${ts(7)})`,
      [m.kind, m.recipient, m.recipientRole, m.body, m.tripInstanceId, parcelId, now],
    )
  }
}

export interface ParcelMessage {
  id: number
  kind: string
  recipient: string
  recipientRole: string
  body: string
  tripInstanceId: string | null
  createdTs: number
  sentTs: number | null
}

export async function messagesOf(q: Queryable, parcelId: number): Promise<ParcelMessage[]> {
  const r = await q.query<{
    id: string
    kind: string
    recipient: string
    recipient_role: string
    body: string
    trip_instance_id: string | null
    created_ms: number
    sent_ms: number | null
  }>(
    `SELECT id, kind, recipient, recipient_role, body, trip_instance_id, ${ms('created_at', 'created_ms')}, ${ms('sent_at', 'sent_ms')} FROM notification_outbox WHERE parcel_id = $1 ORDER BY id`,
    [parcelId],
  )
  return r.rows.map((x) => ({
    id: Number(x.id),
    kind: x.kind,
    recipient: x.recipient,
    recipientRole: x.recipient_role,
    body: x.body,
    tripInstanceId: x.trip_instance_id,
    createdTs: Math.round(x.created_ms),
    sentTs: num(x.sent_ms),
  }))
}

export interface ReportRow {
  /** A route id (`byRoute`) or a post point's stop code (`byPoint`). */
  key: string
  parcels: number
  weightKg: number
  revenueFen: number
  collected: number
  /** Mean accepted → collected, seconds; null when none was collected. */
  avgDoorToDoorS: number | null
}

/**
 * Parcels accepted in [fromTs, toTs): by the route of their first trip, and by the post point they
 * were sent from (the fees are taken there); door-to-door time over the collected ones.
 */
export async function report(
  q: Queryable,
  fromTs: number,
  toTs: number,
): Promise<{ byRoute: ReportRow[]; byPoint: ReportRow[]; received: Map<string, number> }> {
  const agg = `count(*)::int AS parcels, coalesce(sum(p.weight_kg), 0)::float8 AS weight_kg, coalesce(sum(p.fee_fen), 0)::int AS revenue_fen,
    count(*) FILTER (WHERE p.status = 'collected')::int AS collected,
    avg(extract(epoch FROM p.closed_at - p.accepted_at)) FILTER (WHERE p.status = 'collected')::float8 AS avg_s`
  const where = `p.accepted_at >= ${ts(1)} AND p.accepted_at < ${ts(2)}`
  type Row = {
    key: string
    parcels: number
    weight_kg: number
    revenue_fen: number
    collected: number
    avg_s: number | null
  }
  const toRow = (x: Row): ReportRow => ({
    key: x.key,
    parcels: x.parcels,
    weightKg: Math.round(x.weight_kg * 100) / 100,
    revenueFen: x.revenue_fen,
    collected: x.collected,
    avgDoorToDoorS: x.avg_s === null ? null : Math.round(x.avg_s),
  })
  const byRoute = await q.query<Row>(
    `SELECT l.route_id AS key, ${agg} FROM parcel p JOIN parcel_leg l ON l.parcel_id = p.id AND l.idx = 0 WHERE ${where} GROUP BY l.route_id ORDER BY l.route_id`,
    [fromTs, toTs],
  )
  const byPoint = await q.query<Row>(
    `SELECT p.from_point AS key, ${agg} FROM parcel p WHERE ${where} GROUP BY p.from_point ORDER BY p.from_point`,
    [fromTs, toTs],
  )
  const received = await q.query<{ key: string; n: number }>(
    `SELECT p.to_point AS key, count(*)::int AS n FROM parcel p WHERE ${where} GROUP BY p.to_point`,
    [fromTs, toTs],
  )
  return {
    byRoute: byRoute.rows.map(toRow),
    byPoint: byPoint.rows.map(toRow),
    received: new Map(received.rows.map((x) => [x.key, x.n])),
  }
}
