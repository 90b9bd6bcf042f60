/** Scheduled time at a distance along a trip, from its stops' scheduled arrivals. */
import type { InstanceStop } from '../network/timetable.js'

/**
 * Scheduled instant at `distM`, epoch ms: linear in distance between the surrounding stops'
 * scheduled arrivals; before the first stop its time, past the last stop the last one's.
 * A bus standing at a stop therefore falls behind as the clock runs.
 */
export function scheduledTsAt(stops: readonly InstanceStop[], distM: number): number {
  const first = stops[0]
  if (!first) throw new Error('a trip instance needs at least one stop')
  if (distM <= first.distM) return first.arrivalTs
  for (let i = 1; i < stops.length; i++) {
    const a = stops[i - 1] as InstanceStop
    const b = stops[i] as InstanceStop
    if (distM <= b.distM) {
      const span = b.distM - a.distM
      return span <= 0 ? b.arrivalTs : a.arrivalTs + ((distM - a.distM) / span) * (b.arrivalTs - a.arrivalTs)
    }
  }
  return (stops.at(-1) as InstanceStop).arrivalTs
}
