/**
 * WGS-84 → GCJ-02 ("Mars coordinates"), for drawing on a basemap published in GCJ-02 (AMap,
 * Tencent). Display only: positions stay WGS-84 everywhere else. Points outside China are
 * returned unchanged, as the published transform does.
 */
import type { LngLat } from '@rb/domain'

/** Krasovsky 1940 semi-major axis, metres, and eccentricity squared. */
const A = 6_378_245.0
const EE = 0.006_693_421_622_965_943

export function outOfChina([lng, lat]: LngLat): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3
  return r
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3
  return r
}

export function wgs84ToGcj02(p: LngLat): LngLat {
  const [lng, lat] = p
  if (outOfChina(p)) return [lng, lat]
  const radLat = (lat / 180) * Math.PI
  let magic = Math.sin(radLat)
  magic = 1 - EE * magic * magic
  const sqrtMagic = Math.sqrt(magic)
  const dLat = (transformLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)
  const dLng = (transformLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return [lng + dLng, lat + dLat]
}

/** The projection the map draws with: identity for WGS-84 basemaps (OSM, Tianditu) and the offline style. */
export type DisplayProjection = (p: LngLat) => LngLat

export const identity: DisplayProjection = (p) => p

export const displayProjection = (gcj02: boolean): DisplayProjection => (gcj02 ? wgs84ToGcj02 : identity)

/** GCJ-02 → WGS-84 by iterating the forward transform (well under a centimetre after a few steps). */
export function gcj02ToWgs84(p: LngLat): LngLat {
  if (outOfChina(p)) return [p[0], p[1]]
  let guess: LngLat = [p[0], p[1]]
  for (let i = 0; i < 6; i++) {
    const f = wgs84ToGcj02(guess)
    guess = [guess[0] + p[0] - f[0], guess[1] + p[1] - f[1]]
  }
  return guess
}

/** From the map's drawing coordinates back to WGS-84 (a point clicked on the map). */
export const displayInverse = (gcj02: boolean): DisplayProjection => (gcj02 ? gcj02ToWgs84 : identity)
