/** Valid objects for the page's tests, with overridable fields. */
import type { StopArrival, TripStop } from './model.js'

/** 2026-11-30 08:00 in China (UTC+8). */
export const T0 = Date.UTC(2026, 10, 30, 0, 0)

export function makeArrival(over: Partial<StopArrival> = {}): StopArrival {
  return {
    tripInstanceId: 'XY-R01-0800_20261130',
    routeId: 'XY-R01',
    routeName: '叙永—江门',
    routeNameEn: 'Xuyong–Jiangmen',
    kind: 'regular',
    headsign: '江门场镇',
    scheduledTs: T0 + 30 * 60_000,
    etaTs: null,
    status: 'scheduled',
    delayS: null,
    punctuality: null,
    vehicleId: null,
    stopsAway: null,
    driverCode: null,
    lastFixTs: null,
    online: null,
    freshness: null,
    ...over,
  }
}

/** `n` stops XY-0001… ten minutes apart from T0. */
export function makeStops(n: number, codes?: string[]): TripStop[] {
  return Array.from({ length: n }, (_, i) => {
    const code = codes?.[i] ?? `XY-${String(i + 1).padStart(4, '0')}`
    return { seq: i + 1, code, name: `站${i + 1}`, nameEn: `Stop ${i + 1}`, scheduledTs: T0 + i * 600_000 }
  })
}
