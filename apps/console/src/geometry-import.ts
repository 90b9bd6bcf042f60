/**
 * Route geometry from a pasted or uploaded file: a GeoJSON LineString, a Feature holding one, a
 * FeatureCollection whose first line feature is taken, a MultiLineString with a single part, or a
 * GPX track / route (its trkpt / rtept points in order). Coordinates come back as [lng, lat].
 */
export type LngLat = [number, number]

export class GeometryImportError extends Error {}

function checkPoints(points: LngLat[]): LngLat[] {
  if (points.length < 2) throw new GeometryImportError(`a line needs at least 2 points, found ${points.length}`)
  points.forEach(([lng, lat], i) => {
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || lng < -180 || lng > 180 || lat < -90 || lat > 90)
      throw new GeometryImportError(`point ${i + 1} is not a longitude, latitude pair: ${lng}, ${lat}`)
  })
  return points
}

function coords(raw: unknown): LngLat[] {
  if (!Array.isArray(raw)) throw new GeometryImportError('coordinates are not a list')
  return raw.map((p, i) => {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number')
      throw new GeometryImportError(`point ${i + 1} is not [longitude, latitude]`)
    return [p[0], p[1]]
  })
}

function fromGeoJson(g: unknown): LngLat[] {
  const o = g as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown } | null
  if (!o || typeof o !== 'object') throw new GeometryImportError('not a GeoJSON object')
  switch (o.type) {
    case 'LineString':
      return coords(o.coordinates)
    case 'MultiLineString': {
      const parts = o.coordinates
      if (!Array.isArray(parts) || parts.length !== 1)
        throw new GeometryImportError(
          `a MultiLineString with ${Array.isArray(parts) ? parts.length : 0} parts: give one line`,
        )
      return coords(parts[0])
    }
    case 'Feature':
      return fromGeoJson(o.geometry)
    case 'FeatureCollection': {
      const features = Array.isArray(o.features) ? (o.features as { geometry?: { type?: string } | null }[]) : []
      const line = features.find((f) => f.geometry?.type === 'LineString' || f.geometry?.type === 'MultiLineString')
      if (!line) throw new GeometryImportError('the FeatureCollection has no LineString feature')
      return fromGeoJson(line.geometry)
    }
    default:
      throw new GeometryImportError(
        `GeoJSON ${String(o.type)} is not a line: give a LineString or a Feature holding one`,
      )
  }
}

function fromGpx(text: string): LngLat[] {
  const pts: LngLat[] = []
  const tag = /<(?:\w+:)?(trkpt|rtept)\b([^>]*)>/g
  const tracks = [...text.matchAll(tag)]
  const kind = tracks.some((m) => m[1] === 'trkpt') ? 'trkpt' : 'rtept'
  for (const m of tracks) {
    if (m[1] !== kind) continue
    const lat = /\blat\s*=\s*["']([^"']+)["']/.exec(m[2]!)?.[1]
    const lon = /\blon\s*=\s*["']([^"']+)["']/.exec(m[2]!)?.[1]
    if (lat === undefined || lon === undefined) throw new GeometryImportError(`a GPX ${kind} without lat and lon`)
    pts.push([Number(lon), Number(lat)])
  }
  if (!pts.length) throw new GeometryImportError('the GPX file has no track or route points')
  return pts
}

/** The line in `text` (GeoJSON or GPX); throws GeometryImportError with a reason people can act on. */
export function parseGeometry(text: string): LngLat[] {
  const t = text.trim()
  if (!t) throw new GeometryImportError('paste a GeoJSON LineString or a GPX track first')
  if (t.startsWith('<')) return checkPoints(fromGpx(t))
  let json: unknown
  try {
    json = JSON.parse(t)
  } catch {
    throw new GeometryImportError('neither GeoJSON nor GPX: the text is not valid JSON and does not start with <')
  }
  return checkPoints(fromGeoJson(json))
}

/** Length of the line in metres (haversine), for showing what was imported. */
export function lineLengthM(points: readonly LngLat[]): number {
  const R = 6_371_008.8
  const rad = Math.PI / 180
  let sum = 0
  for (let i = 1; i < points.length; i++) {
    const [lng1, lat1] = points[i - 1]!
    const [lng2, lat2] = points[i]!
    const a =
      Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2
    sum += 2 * R * Math.asin(Math.sqrt(a))
  }
  return sum
}
