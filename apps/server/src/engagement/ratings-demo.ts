/**
 * The demo county's ride ratings, loaded once with the county: six weeks of ratings of past
 * rides (each on a boarded booking of its own, one rating per booking), so that the drivers the
 * fleet marks 先锋 earn the badge by the county's default rule (at least 4.8 over at least 50
 * ratings, no upheld complaint) and nobody else does; one complaint upheld, two open for the
 * dispatcher, one dismissed.
 */
import { DEFAULT_COUNTY_SETTINGS, earnsPioneer, mulberry32, RATING_TAGS, type RatingTag } from '@rb/domain'
import { ratingsRepo, type Db, type Queryable } from '@rb/db'

const DAY = 86_400_000
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ'
const COMPLAINTS = [
  '车开得太快，弯道也不减速，老人坐着害怕',
  '说好在村口等，没等我们就开走了',
  '司机开车时一直打电话',
  '车里有烟味，司机在车上抽烟',
]

/** A booking code of the demo's own (`Z` first: the live ones are drawn at random). */
const demoCode = (i: number): string => {
  let s = ''
  for (let n = i, k = 0; k < 5; k++, n = Math.floor(n / ALPHABET.length)) s = ALPHABET[n % ALPHABET.length] + s
  return `Z${s}`
}

interface Ride {
  tripId: string
  board: { code: string; seq: number }
  alight: { code: string; seq: number }
}

export async function seedDemoRatings(
  db: Db,
  now: number,
  log: { info(obj: object, msg: string): void },
): Promise<boolean> {
  if ((await ratingsRepo.ratingCount(db)) > 0) return false
  const rng = mulberry32(20261208)
  const drivers = (
    await db.query<{ id: string; pioneer: boolean }>(
      "SELECT id, pioneer FROM driver WHERE status = 'active' ORDER BY id",
    )
  ).rows
  const rides = await demoRides(db)
  if (drivers.length === 0 || rides.length === 0) return false
  const rule = DEFAULT_COUNTY_SETTINGS.pioneer
  let n = 0
  let badges = 0
  await db.transaction(async (tx) => {
    for (const [di, d] of drivers.entries()) {
      // Pioneers: 52–70 ratings. The rest: fewer, or not as good.
      const count = d.pioneer ? 52 + Math.floor(rng.next() * 19) : 6 + Math.floor(rng.next() * (di % 5 === 0 ? 60 : 30))
      const ratings: number[] = []
      // Pioneers: at most one in ten a 4 (an average of 4.9 or more).
      const fours = d.pioneer ? Math.floor(count * 0.1 * rng.next()) : 0
      for (let i = 0; i < count; i++) {
        const r = rng.next()
        ratings.push(d.pioneer ? (i < fours ? 4 : 5) : r < 0.4 ? 5 : r < 0.75 ? 4 : r < 0.92 ? 3 : r < 0.97 ? 2 : 1)
      }
      const stars = ratings.reduce((a, b) => a + b, 0)
      // Not a pioneer by the fleet, yet good enough by the numbers: an upheld complaint keeps it off.
      const needsUpheld = !d.pioneer && earnsPioneer({ count, starSum: stars, upheldComplaints: 0 }, rule)
      for (const [i, s] of ratings.entries()) {
        const ride = rides[Math.floor(rng.next() * rides.length)] as Ride
        const ts = now - Math.round((1 + rng.next() * 41) * DAY)
        const complaint =
          needsUpheld && i === 0
            ? (COMPLAINTS[0] as string)
            : !d.pioneer && s <= 2 && rng.next() < 0.5
              ? (COMPLAINTS[Math.floor(rng.next() * COMPLAINTS.length)] as string)
              : null
        const k = n++
        const bookingId = await demoBooking(tx, k, ride, ts)
        if (bookingId === null) continue
        const tags = RATING_TAGS.filter(() => rng.next() < (s >= 4 ? 0.45 : 0.05)) as RatingTag[]
        const rating = await ratingsRepo.insertRating(tx, {
          bookingId,
          tripInstanceId: `${ride.tripId}_${ymd(ts)}`,
          driverId: d.id,
          phone: demoPhone(k),
          rating: { stars: s, tags, complaint },
          channel: rng.next() < 0.6 ? 'mine' : 'sms_link',
          createdTs: ts,
        })
        const c = rating.complaint
        if (!c) continue
        // The older complaints were decided; the newest stay open for the dispatcher.
        const decided = needsUpheld && i === 0 ? 'upheld' : ts < now - 10 * DAY ? 'dismissed' : null
        if (decided)
          await ratingsRepo.decideComplaint(tx, c.id, {
            decision: decided,
            by: 'dispatcher',
            note: decided === 'upheld' ? '已调取车载视频核实，已对驾驶员进行教育' : '核实当日行车记录，未发现问题',
            ts: ts + DAY,
          })
      }
      if (d.pioneer && earnsPioneer({ count, starSum: stars, upheldComplaints: 0 }, rule)) badges++
      else if (d.pioneer) log.info({ driver: d.id }, 'demo ratings: a pioneer short of the rule')
    }
  })
  log.info({ ratings: n, drivers: drivers.length, badges }, 'demo ride ratings loaded')
  return true
}

/** Made-up numbers, one per demo booking. */
const demoPhone = (i: number): string => `1398800${String(i % 10_000).padStart(4, '0')}`

const ymd = (ts: number): string => new Date(ts + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '')

/** Rides on the demo's routes: a trip running the route forwards, from its first stop to its third. */
async function demoRides(db: Queryable): Promise<Ride[]> {
  const r = await db.query<{ trip_id: string; stops: { code: string; seq: number }[] | string }>(
    `SELECT t.id AS trip_id,
            (SELECT jsonb_agg(jsonb_build_object('code', rs.stop_code, 'seq', rs.seq) ORDER BY rs.seq)
               FROM route_stop rs WHERE rs.route_id = t.route_id) AS stops
       FROM trip t WHERE t.direction = 0 ORDER BY t.id LIMIT 40`,
  )
  return r.rows.flatMap((row) => {
    const stops = typeof row.stops === 'string' ? (JSON.parse(row.stops) as { code: string; seq: number }[]) : row.stops
    const board = stops?.[0]
    const alight = stops?.[Math.min(2, stops.length - 1)]
    return board && alight && alight.seq > board.seq ? [{ tripId: row.trip_id, board, alight }] : []
  })
}

async function demoBooking(tx: Queryable, i: number, ride: Ride, ts: number): Promise<number | null> {
  const trip = `${ride.tripId}_${ymd(ts)}`
  await tx.query('INSERT INTO booking_trip (trip_instance_id) VALUES ($1) ON CONFLICT DO NOTHING', [trip])
  const r = await tx.query<{ id: string | number }>(
    `INSERT INTO booking (code, trip_instance_id, board_stop, alight_stop, board_seq, alight_seq, seats, passenger_name,
       phone, status, channel, idempotency_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 1, '乘客', $7, 'boarded', 'web', $8, to_timestamp($9::float8 / 1000.0),
       to_timestamp($9::float8 / 1000.0))
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      demoCode(i),
      trip,
      ride.board.code,
      ride.alight.code,
      ride.board.seq,
      ride.alight.seq,
      demoPhone(i),
      `demo-rating-${i}`,
      ts - 3_600_000,
    ],
  )
  return r.rows[0] ? Number(r.rows[0].id) : null
}
