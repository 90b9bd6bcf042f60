/**
 * Ride ratings, their complaints and SMS links (migration 023, docs/engagement.md). Times are
 * epoch ms.
 */
import type { CleanRating, ComplaintDecision, ComplaintStatus, DriverRatingFacts, RatingTag } from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `(extract(epoch FROM ${column})::float8 * 1000) AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`

export type RatingChannel = 'mine' | 'sms_link'

export interface StoredRating {
  id: number
  bookingId: number
  tripInstanceId: string
  driverId: string | null
  stars: number
  tags: RatingTag[]
  channel: RatingChannel
  createdTs: number
  complaint: { id: number; status: ComplaintStatus } | null
}

interface RatingRow {
  id: string | number
  booking_id: string | number
  trip_instance_id: string
  driver_id: string | null
  stars: number
  tags: RatingTag[] | string
  channel: RatingChannel
  created_ms: number
  complaint_id: string | number | null
  complaint_status: ComplaintStatus | null
}

const tagsOf = (v: RatingTag[] | string): RatingTag[] => (typeof v === 'string' ? (JSON.parse(v) as RatingTag[]) : v)

const toRating = (r: RatingRow): StoredRating => ({
  id: Number(r.id),
  bookingId: Number(r.booking_id),
  tripInstanceId: r.trip_instance_id,
  driverId: r.driver_id,
  stars: Number(r.stars),
  tags: tagsOf(r.tags),
  channel: r.channel,
  createdTs: Math.round(r.created_ms),
  complaint:
    r.complaint_id === null || r.complaint_status === null
      ? null
      : { id: Number(r.complaint_id), status: r.complaint_status },
})

const RATING_SELECT = `SELECT r.id, r.booking_id, r.trip_instance_id, r.driver_id, r.stars, r.tags, r.channel,
    ${ms('r.created_at', 'created_ms')}, c.id AS complaint_id, c.status AS complaint_status
  FROM ride_rating r LEFT JOIN rating_complaint c ON c.rating_id = r.id`

export interface NewRating {
  bookingId: number
  tripInstanceId: string
  driverId: string | null
  phone: string
  rating: CleanRating
  channel: RatingChannel
  createdTs: number
}

/** Stores the rating and, with its text, the complaint; a second rating of a booking breaks the unique key. */
export async function insertRating(tx: Queryable, n: NewRating): Promise<StoredRating> {
  const r = await tx.query<{ id: string | number }>(
    `INSERT INTO ride_rating (booking_id, trip_instance_id, driver_id, phone, stars, tags, channel, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, ${ts(8)}) RETURNING id`,
    [
      n.bookingId,
      n.tripInstanceId,
      n.driverId,
      n.phone,
      n.rating.stars,
      JSON.stringify(n.rating.tags),
      n.channel,
      n.createdTs,
    ],
  )
  const id = Number(r.rows[0]?.id)
  if (n.rating.complaint !== null)
    await tx.query(
      `INSERT INTO rating_complaint (rating_id, driver_id, body, created_at) VALUES ($1, $2, $3, ${ts(4)})`,
      [id, n.driverId, n.rating.complaint, n.createdTs],
    )
  return (await ratingOfBooking(tx, n.bookingId)) as StoredRating
}

export async function ratingOfBooking(q: Queryable, bookingId: number): Promise<StoredRating | null> {
  const r = await q.query<RatingRow>(`${RATING_SELECT} WHERE r.booking_id = $1`, [bookingId])
  return r.rows[0] ? toRating(r.rows[0]) : null
}

export async function ratingCount(q: Queryable): Promise<number> {
  return Number((await q.query<{ n: string }>('SELECT count(*) AS n FROM ride_rating')).rows[0]?.n ?? 0)
}

/** Per driver: the ratings since `ratingsSince`, their star sum, complaints upheld about rides since `complaintsSince`. */
export async function driverFacts(
  q: Queryable,
  windows: { ratingsSince: number; complaintsSince: number },
  driverIds: readonly string[] | null = null,
): Promise<Map<string, DriverRatingFacts & { total: number; openComplaints: number }>> {
  const r = await q.query<{
    driver_id: string
    n: string | number
    star_sum: string | number | null
    total: string | number
    upheld: string | number
    open: string | number
  }>(
    `WITH rated AS (
       SELECT driver_id,
              count(*) FILTER (WHERE created_at >= ${ts(1)}) AS n,
              sum(stars) FILTER (WHERE created_at >= ${ts(1)}) AS star_sum,
              count(*) AS total
         FROM ride_rating WHERE driver_id IS NOT NULL AND ($3::text[] IS NULL OR driver_id = ANY($3::text[]))
        GROUP BY driver_id),
     complained AS (
       SELECT driver_id,
              count(*) FILTER (WHERE status = 'upheld' AND created_at >= ${ts(2)}) AS upheld,
              count(*) FILTER (WHERE status = 'open') AS open
         FROM rating_complaint WHERE driver_id IS NOT NULL AND ($3::text[] IS NULL OR driver_id = ANY($3::text[]))
        GROUP BY driver_id)
     SELECT coalesce(r.driver_id, c.driver_id) AS driver_id, coalesce(r.n, 0) AS n, coalesce(r.star_sum, 0) AS star_sum,
            coalesce(r.total, 0) AS total, coalesce(c.upheld, 0) AS upheld, coalesce(c.open, 0) AS open
       FROM rated r FULL JOIN complained c ON c.driver_id = r.driver_id`,
    [windows.ratingsSince, windows.complaintsSince, driverIds === null ? null : [...driverIds]],
  )
  return new Map(
    r.rows.map((x) => [
      x.driver_id,
      {
        count: Number(x.n),
        starSum: Number(x.star_sum ?? 0),
        upheldComplaints: Number(x.upheld),
        total: Number(x.total),
        openComplaints: Number(x.open),
      },
    ]),
  )
}

export interface StoredComplaint {
  id: number
  ratingId: number
  driverId: string | null
  driverName: string | null
  body: string
  status: ComplaintStatus
  stars: number
  bookingCode: string
  tripInstanceId: string
  phone: string
  createdTs: number
  decidedTs: number | null
  decidedBy: string | null
  note: string | null
}

interface ComplaintRow {
  id: string | number
  rating_id: string | number
  driver_id: string | null
  driver_name: string | null
  body: string
  status: ComplaintStatus
  stars: number
  code: string
  trip_instance_id: string
  phone: string
  created_ms: number
  decided_ms: number | null
  decided_by: string | null
  note: string | null
}

const COMPLAINT_SELECT = `SELECT c.id, c.rating_id, c.driver_id, d.name AS driver_name, c.body, c.status, r.stars,
    b.code, r.trip_instance_id, r.phone, ${ms('c.created_at', 'created_ms')}, ${ms('c.decided_at', 'decided_ms')},
    c.decided_by, c.note
  FROM rating_complaint c JOIN ride_rating r ON r.id = c.rating_id JOIN booking b ON b.id = r.booking_id
  LEFT JOIN driver d ON d.id = c.driver_id`

const toComplaint = (r: ComplaintRow): StoredComplaint => ({
  id: Number(r.id),
  ratingId: Number(r.rating_id),
  driverId: r.driver_id,
  driverName: r.driver_name,
  body: r.body,
  status: r.status,
  stars: Number(r.stars),
  bookingCode: r.code,
  tripInstanceId: r.trip_instance_id,
  phone: r.phone,
  createdTs: Math.round(r.created_ms),
  decidedTs: r.decided_ms === null ? null : Math.round(r.decided_ms),
  decidedBy: r.decided_by,
  note: r.note,
})

export async function complaints(
  q: Queryable,
  status: ComplaintStatus | null,
  limit: number,
): Promise<StoredComplaint[]> {
  const r = await q.query<ComplaintRow>(
    `${COMPLAINT_SELECT} WHERE ($1::text IS NULL OR c.status = $1) ORDER BY c.id DESC LIMIT $2`,
    [status, limit],
  )
  return r.rows.map(toComplaint)
}

/** The complaint, locked for its decision when `forUpdate`. */
export async function complaint(q: Queryable, id: number, forUpdate = false): Promise<StoredComplaint | null> {
  const r = await q.query<ComplaintRow>(`${COMPLAINT_SELECT} WHERE c.id = $1${forUpdate ? ' FOR UPDATE OF c' : ''}`, [
    id,
  ])
  return r.rows[0] ? toComplaint(r.rows[0]) : null
}

/** Decides an open complaint; null when it was decided meanwhile (another instance won). */
export async function decideComplaint(
  tx: Queryable,
  id: number,
  d: { decision: ComplaintDecision; by: string; note: string | null; ts: number },
): Promise<StoredComplaint | null> {
  const r = await tx.query(
    `UPDATE rating_complaint SET status = $2, decided_by = $3, note = $4, decided_at = ${ts(5)}
      WHERE id = $1 AND status = 'open' RETURNING id`,
    [id, d.decision, d.by, d.note, d.ts],
  )
  return r.rows.length === 0 ? null : complaint(tx, id)
}

// ── SMS links ──

export interface InviteCandidate {
  bookingId: number
  code: string
  phone: string
  tripInstanceId: string
  boardStop: string
  alightSeq: number
}

/** Bookings marked boarded since `since`, neither invited nor rated yet. */
export async function inviteCandidates(q: Queryable, since: number, limit: number): Promise<InviteCandidate[]> {
  const r = await q.query<{
    id: string | number
    code: string
    phone: string
    trip_instance_id: string
    board_stop: string
    alight_seq: number
  }>(
    `SELECT b.id, b.code, b.phone, b.trip_instance_id, b.board_stop, b.alight_seq FROM booking b
      WHERE b.status = 'boarded' AND b.updated_at >= ${ts(1)}
        AND NOT EXISTS (SELECT 1 FROM rating_invite i WHERE i.booking_id = b.id)
        AND NOT EXISTS (SELECT 1 FROM ride_rating r WHERE r.booking_id = b.id)
      ORDER BY b.id LIMIT $2`,
    [since, limit],
  )
  return r.rows.map((x) => ({
    bookingId: Number(x.id),
    code: x.code,
    phone: x.phone,
    tripInstanceId: x.trip_instance_id,
    boardStop: x.board_stop,
    alightSeq: Number(x.alight_seq),
  }))
}

/** Claims the invitation of a booking: false when another sweep (another instance) got it first. */
export async function claimInvite(tx: Queryable, bookingId: number, token: string, now: number): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO rating_invite (token, booking_id, created_at) VALUES ($1, $2, ${ts(3)})
     ON CONFLICT (booking_id) DO NOTHING RETURNING token`,
    [token, bookingId, now],
  )
  return r.rows.length > 0
}

export async function inviteBooking(q: Queryable, token: string): Promise<string | null> {
  const r = await q.query<{ code: string }>(
    'SELECT b.code FROM rating_invite i JOIN booking b ON b.id = i.booking_id WHERE i.token = $1',
    [token],
  )
  return r.rows[0]?.code ?? null
}
