/**
 * The planner: fills the trips nobody runs with new duties. First vehicle blocks, trip by trip in
 * departure order; then each block is cut where it would pass the driving limit (same bus, a
 * second driver); then a driver for each piece. Deterministic: ties go by id.
 */
import { drivingMin, tripsClash, tripsOf, tripSpan, uncoveredTrips } from './rules.js'
import type { DayTrip, DutyDraft, RosterDay, RosterVehicle } from './types.js'

const MIN_MS = 60_000

export interface RosterPlan {
  /** New duties, trips in departure order, sorted by their first departure. */
  duties: DutyDraft[]
  /** Trips the planner could not place, and why. */
  unplaced: { instanceId: string; reason: string }[]
}

const push = <T>(m: Map<string, T[]>, key: string, value: T): void => {
  const list = m.get(key)
  if (list) list.push(value)
  else m.set(key, [value])
}
const spanMs = (trips: readonly DayTrip[]): number => trips.reduce((s, t) => s + t.endTs - t.departureTs, 0)
const compareKeys = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return 0
}

/**
 * Places these trips of the day (default: those nobody runs). A trip goes to a free vehicle of
 * its route's operator — one waiting at the trip's first stop (the last to come in), else one not
 * out yet, else the one free longest; with enough seats for the trip's bookings, preferably the
 * seats it is planned for — and to another operator's vehicle only when none of its own is free. Trips already run by
 * someone keep their crew, whose vehicles and drivers are busy then.
 */
export function planRoster(
  day: RosterDay,
  instanceIds: readonly string[] = uncoveredTrips(day).map((t) => t.instanceId),
): RosterPlan {
  const { turnaroundMin, dailyDrivingMin } = day.limits
  const limitMs = dailyDrivingMin * MIN_MS
  const replanned = new Set(instanceIds)
  const vehicleHeld = new Map<string, DayTrip[]>()
  const driverHeld = new Map<string, DayTrip[]>()
  for (const a of day.assignments) {
    const t = day.trips.get(a.instanceId)
    if (replanned.has(a.instanceId) || !t || t.status !== 'scheduled') continue
    if (a.vehicleId) push(vehicleHeld, a.vehicleId, t)
    if (a.driverId) push(driverHeld, a.driverId, t)
  }
  const unplaced: RosterPlan['unplaced'] = []

  // 1. Vehicle blocks.
  const vehicles = [...day.vehicles.values()]
    .filter((v) => v.status === 'active')
    .sort((a, b) => a.id.localeCompare(b.id))
  const blocks = new Map<string, DayTrip[]>()
  for (const trip of tripsOf(day, instanceIds).filter((t) => t.status === 'scheduled')) {
    let best: { vehicle: RosterVehicle; key: number[] } | null = null
    for (const v of vehicles) {
      if (v.seats < trip.bookedSeats) continue
      const held = [...(vehicleHeld.get(v.id) ?? []), ...(blocks.get(v.id) ?? [])]
      if (held.some((o) => tripsClash(o, trip, turnaroundMin))) continue
      const before = held
        .filter((o) => o.endTs <= trip.departureTs)
        .sort((a, b) => a.endTs - b.endTs)
        .at(-1)
      const where = before ? (before.toStop === trip.fromStop ? 0 : 2) : held.length === 0 ? 1 : 2
      const key = [
        v.operatorId === trip.operatorId ? 0 : 1,
        where,
        v.seats >= trip.seats ? 0 : 1,
        // At the stop: the bus that came in last turns back (its block goes on); elsewhere: the one free longest.
        where === 0 ? -(before?.endTs ?? 0) : where === 2 ? (before?.endTs ?? 0) : 0,
        Math.abs(v.seats - trip.seats),
      ]
      if (!best || compareKeys(key, best.key) < 0) best = { vehicle: v, key }
    }
    if (best) push(blocks, best.vehicle.id, trip)
    else
      unplaced.push({
        instanceId: trip.instanceId,
        reason: `no vehicle${trip.bookedSeats > 0 ? ` with at least ${trip.bookedSeats} seats` : ''} is free for ${tripSpan(trip)}`,
      })
  }

  // 2. A block longer than the driving limit is cut into pieces of about equal length.
  const pieces: { vehicleId: string; trips: DayTrip[] }[] = []
  for (const [vehicleId, block] of [...blocks].sort(([a], [b]) => a.localeCompare(b))) {
    const count = Math.max(1, Math.ceil(spanMs(block) / limitMs))
    const target = spanMs(block) / count
    let cur: DayTrip[] = []
    let curMs = 0
    let made = 0
    for (const t of block) {
      const ms = t.endTs - t.departureTs
      if (cur.length > 0 && (curMs + ms > limitMs || (curMs >= target && made + 1 < count))) {
        pieces.push({ vehicleId, trips: cur })
        made++
        cur = []
        curMs = 0
      }
      cur.push(t)
      curMs += ms
    }
    if (cur.length > 0) pieces.push({ vehicleId, trips: cur })
  }

  // 3. A driver for each piece: one with no work that day first, else the one who drove least.
  const drivers = [...day.drivers.values()]
    .filter((d) => d.status === 'active')
    .sort((a, b) => a.id.localeCompare(b.id))
  const duties: DutyDraft[] = []
  pieces.sort(
    (a, b) =>
      (a.trips[0] as DayTrip).departureTs - (b.trips[0] as DayTrip).departureTs ||
      a.vehicleId.localeCompare(b.vehicleId),
  )
  for (const piece of pieces) {
    const pieceMs = spanMs(piece.trips)
    let best: { id: string; key: number[] } | null = null
    for (const d of drivers) {
      const held = driverHeld.get(d.id) ?? []
      if (spanMs(held) + pieceMs > limitMs) continue
      if (held.some((o) => piece.trips.some((t) => tripsClash(o, t, turnaroundMin)))) continue
      const key = [held.length === 0 ? 0 : 1, spanMs(held)]
      if (!best || compareKeys(key, best.key) < 0) best = { id: d.id, key }
    }
    if (!best) {
      const first = piece.trips[0] as DayTrip
      const last = piece.trips.at(-1) as DayTrip
      const reason = `no driver is free for ${tripSpan({ departureTs: first.departureTs, endTs: last.endTs })} within the daily limit of ${dailyDrivingMin} min (${drivingMin(piece.trips)} min of driving)`
      for (const t of piece.trips) unplaced.push({ instanceId: t.instanceId, reason })
      continue
    }
    for (const t of piece.trips) push(driverHeld, best.id, t)
    duties.push({ vehicleId: piece.vehicleId, driverId: best.id, instanceIds: piece.trips.map((t) => t.instanceId) })
  }
  return { duties, unplaced }
}
