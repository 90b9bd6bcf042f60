/**
 * Trips against the simulator's ground truth: how soon the engine put each bus on the trip it
 * truly ran (fixes and seconds after it left its first stop, or after it was first seen when its
 * terminal came on mid-route), and how it classified every trip of the day at the end. Pure.
 */

/** A trip truly run, and the instant from which the engine could know it. */
export interface MatchCase {
  tripInstanceId: string
  vehicleId: string
  /**
   * From when the engine could know, epoch ms: the true departure from the first stop, or — for a
   * bus the server first heard of after it had left — its first fix moving on the trip.
   */
  fromTs: number
  /** Groups this case is also counted in (`mid-route`, `other operator`). */
  groups: string[]
}

/** A run the engine started (`trip_start`), and whether it was dropped as a bad match. */
export interface RunStart {
  tripInstanceId: string
  vehicleId: string
  ts: number
  dropped: boolean
}

export interface MatchTime {
  tripInstanceId: string
  vehicleId: string
  groups: string[]
  /** False when the engine never put this bus on this trip, or dropped the match. */
  matched: boolean
  /** The engine matched it, then dropped the match as a bad one. */
  dropped: boolean
  /** Fixes received from `fromTs` up to the one that matched, both counted (0 when matched before). */
  fixes: number | null
  seconds: number | null
}

/** Time to match of each case; `fixTs` is every fix ts the server received, per vehicle, ascending. */
export function matchTimes(
  cases: readonly MatchCase[],
  starts: readonly RunStart[],
  fixTs: ReadonlyMap<string, readonly number[]>,
): MatchTime[] {
  const kept = new Map<string, number>()
  const dropped = new Map<string, number>()
  for (const s of starts) {
    const key = `${s.tripInstanceId}|${s.vehicleId}`
    if (!s.dropped) kept.set(key, s.ts)
    else if (!dropped.has(key)) dropped.set(key, s.ts)
  }
  return cases.map((c) => {
    const key = `${c.tripInstanceId}|${c.vehicleId}`
    const ts = kept.get(key) ?? dropped.get(key)
    const base = {
      tripInstanceId: c.tripInstanceId,
      vehicleId: c.vehicleId,
      groups: c.groups,
      matched: kept.has(key),
      dropped: !kept.has(key) && dropped.has(key),
    }
    if (ts === undefined) return { ...base, fixes: null, seconds: null }
    if (ts < c.fromTs) return { ...base, fixes: 0, seconds: 0 }
    const all = fixTs.get(c.vehicleId) ?? []
    return { ...base, fixes: lowerBound(all, ts + 1) - lowerBound(all, c.fromTs), seconds: (ts - c.fromTs) / 1000 }
  })
}

/** First index whose value is ≥ x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((xs[mid] as number) < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface Spread {
  n: number
  p50: number | null
  p95: number | null
  max: number | null
}

/** Nearest-rank percentiles. */
export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b)
  const at = (q: number): number | null =>
    s.length === 0 ? null : (s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number)
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: at(1) }
}

export interface MatchSummary {
  trips: number
  matched: number
  fixes: Spread
  seconds: Spread
  /** Cases matched late (more than `maxFixes`) or never. */
  slow: MatchTime[]
}

export function summarizeMatches(times: readonly MatchTime[], maxFixes: number): MatchSummary {
  const matched = times.filter((t) => t.matched)
  return {
    trips: times.length,
    matched: matched.length,
    fixes: spread(matched.map((t) => t.fixes as number)),
    seconds: spread(matched.map((t) => t.seconds as number)),
    slow: times.filter((t) => !t.matched || (t.fixes as number) > maxFixes),
  }
}

export type TripClass = 'completed' | 'partial' | 'missed' | 'cancelled'
export const TRIP_CLASSES: readonly TripClass[] = ['completed', 'partial', 'missed', 'cancelled']

/** What truly became of a trip: cancelled by the dispatcher, run to the last stop, stopped on the way, or not run. */
export function trueClass(cancelled: boolean, visitedSeqs: readonly number[], lastSeq: number): TripClass {
  if (cancelled) return 'cancelled'
  if (visitedSeqs.length === 0) return 'missed'
  return visitedSeqs.includes(lastSeq) ? 'completed' : 'partial'
}

export interface Confusion {
  /** truth → the engine's status → trips. */
  table: Record<TripClass, Record<string, number>>
  total: number
  right: number
  share: number
  wrong: { tripInstanceId: string; truth: TripClass; engine: string }[]
}

export function confusion(rows: readonly { tripInstanceId: string; truth: TripClass; engine: string }[]): Confusion {
  const table = Object.fromEntries(TRIP_CLASSES.map((c) => [c, {}])) as Confusion['table']
  const wrong: Confusion['wrong'] = []
  for (const r of rows) {
    table[r.truth][r.engine] = (table[r.truth][r.engine] ?? 0) + 1
    if (r.engine !== r.truth) wrong.push(r)
  }
  const right = rows.length - wrong.length
  return { table, total: rows.length, right, share: rows.length === 0 ? 1 : right / rows.length, wrong }
}
