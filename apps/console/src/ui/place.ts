/** Where a point is, in words a dispatcher can tell a rescuer: the nearest stop sign and its township. Pure. */
import type { LngLat, Stop } from '@rb/domain'
import { t } from '../i18n/index.js'

const EARTH_M = 6_371_000
const rad = (deg: number): number => (deg * Math.PI) / 180

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1])
  const dLng = rad(b[0] - a[0])
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(s)))
}

/** "near 测试站1 XY-0191 (120 m), 测试镇 · 28.16000, 105.44000": the coordinates always, the sign when one is in use. */
export function placeName(point: LngLat, stops: readonly Stop[], township: (id: string) => string | undefined): string {
  let best: Stop | null = null
  let bestM = Infinity
  for (const s of stops) {
    if (s.status === 'removed') continue
    const m = distanceM(point, s.point)
    if (m < bestM) {
      best = s
      bestM = m
    }
  }
  const coords = `${point[1].toFixed(5)}, ${point[0].toFixed(5)}`
  if (!best) return coords
  const dist = bestM < 1000 ? `${Math.round(bestM)} m` : `${(bestM / 1000).toFixed(1)} km`
  const town = township(best.townshipId)
  return `${t('near {place}', { place: `${best.name} ${best.code}` })} (${dist})${town ? `, ${town}` : ''} · ${coords}`
}
