/**
 * Report rows as the API gives them: counts as integers, shares and means rounded, derived
 * figures (on-time share, no-show rate, kilometres) computed here from the repository's sums.
 */

const round = (v: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

/** `part / whole` rounded to 4 digits, or null when there is nothing to divide. */
const share = (part: number, whole: number): number | null => (whole > 0 ? round(part / whole, 4) : null)

export interface OnTimeSums {
  day: string
  routeId: string
  routeName: string
  departures: number
  onTime: number
  early: number
  late: number
  delaySumS: number
  tripsStarted: number
  tripsCompleted: number
}
export interface OnTimeRow extends Omit<OnTimeSums, 'delaySumS'> {
  /** onTime / departures, 0–1, or null with no departures. */
  onTimeShare: number | null
  meanDelayS: number | null
}
export const onTimeRow = (s: OnTimeSums): OnTimeRow => ({
  day: s.day,
  routeId: s.routeId,
  routeName: s.routeName,
  departures: s.departures,
  onTime: s.onTime,
  early: s.early,
  late: s.late,
  onTimeShare: share(s.onTime, s.departures),
  meanDelayS: s.departures > 0 ? round(s.delaySumS / s.departures, 1) : null,
  tripsStarted: s.tripsStarted,
  tripsCompleted: s.tripsCompleted,
})

export interface RidershipSums {
  day: string
  kind: string
  bookings: number
  seatsBooked: number
  seatsBoarded: number
  seatsNoShow: number
  seatsCancelled: number
  seatsOpen: number
}
export interface RidershipRow extends RidershipSums {
  /** No-show seats of the seats that were decided (boarded or no-show), 0–1. */
  noShowRate: number | null
}
export const ridershipRow = (s: RidershipSums): RidershipRow => ({
  ...s,
  noShowRate: share(s.seatsNoShow, s.seatsBoarded + s.seatsNoShow),
})

export interface KilometresSums {
  day: string
  vehicleId: string
  plate: string | null
  metres: number
  points: number
}
export interface KilometresRow {
  day: string
  vehicleId: string
  plate: string | null
  km: number
  points: number
}
export const kilometresRow = (s: KilometresSums): KilometresRow => ({
  day: s.day,
  vehicleId: s.vehicleId,
  plate: s.plate,
  km: round(s.metres / 1000, 3),
  points: s.points,
})

export interface TurnaroundSums {
  kind: string
  category: string
  fixed: number
  medianS: number
  meanS: number
  maxS: number
}
export interface TurnaroundRow {
  kind: string
  category: string
  fixed: number
  medianHours: number
  meanHours: number
  maxHours: number
}
export const turnaroundRow = (s: TurnaroundSums): TurnaroundRow => ({
  kind: s.kind,
  category: s.category,
  fixed: s.fixed,
  medianHours: round(s.medianS / 3600, 2),
  meanHours: round(s.meanS / 3600, 2),
  maxHours: round(s.maxS / 3600, 2),
})
