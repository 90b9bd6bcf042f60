/**
 * A stored track in its compact wire form: one array per field, integers only, each position
 * field as the difference from the point before (the first value is absolute). A day at 1 Hz
 * is ~1.5 MB of JSON this way instead of ~7 MB of `[ts, lng, lat, speed, heading]` tuples, and
 * the database writes it as text without the server touching each point.
 *
 *   t        epoch milliseconds, delta-encoded
 *   lng, lat micro-degrees (1e-6°, ~0.1 m), delta-encoded
 *   speed    tenths of km/h, absolute
 *   heading  whole degrees, absolute
 */
import type { TrackPoint } from './position.js'

export const TRACK_ENCODING = 'delta-int-v1' as const

/** Field order and scale of the compact form. */
export const TRACK_SCALE = { lng: 1e6, lat: 1e6, speed: 10 } as const

export interface CompactTrackColumns {
  t: number[]
  lng: number[]
  lat: number[]
  speed: number[]
  heading: number[]
}

export interface CompactTrack extends CompactTrackColumns {
  encoding: typeof TRACK_ENCODING
}

const cumulative = (deltas: readonly number[]): number[] => {
  const out = new Array<number>(deltas.length)
  let acc = 0
  for (let i = 0; i < deltas.length; i++) out[i] = acc += deltas[i] as number
  return out
}

const deltas = (values: readonly number[]): number[] =>
  values.map((v, i) => (i === 0 ? v : v - (values[i - 1] as number)))

/** Points (oldest first) → compact columns; positions round to the encoding's scale. */
export function encodeTrack(points: readonly TrackPoint[]): CompactTrackColumns {
  return {
    t: deltas(points.map((p) => Math.round(p[0]))),
    lng: deltas(points.map((p) => Math.round(p[1] * TRACK_SCALE.lng))),
    lat: deltas(points.map((p) => Math.round(p[2] * TRACK_SCALE.lat))),
    speed: points.map((p) => Math.round(p[3] * TRACK_SCALE.speed)),
    heading: points.map((p) => Math.round(p[4])),
  }
}

/** Compact columns → points, oldest first. Throws on columns of different lengths. */
export function decodeTrack(c: CompactTrackColumns): TrackPoint[] {
  const n = c.t.length
  if (c.lng.length !== n || c.lat.length !== n || c.speed.length !== n || c.heading.length !== n)
    throw new Error('compact track columns differ in length')
  const t = cumulative(c.t)
  const lng = cumulative(c.lng)
  const lat = cumulative(c.lat)
  return t.map((ts, i) => [
    ts,
    (lng[i] as number) / TRACK_SCALE.lng,
    (lat[i] as number) / TRACK_SCALE.lat,
    (c.speed[i] as number) / TRACK_SCALE.speed,
    c.heading[i] as number,
  ])
}
