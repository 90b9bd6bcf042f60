/**
 * The geofence page's pure logic: a polygon being drawn (vertices added, undone, closed, moved),
 * a circle as a ring for the map, the fences as GeoJSON for a source, and the form's values
 * checked by the server's own rule (`fenceProblem`) before they are sent.
 */
import { FENCE_CATEGORIES, fenceProblem, type FenceCategory, type FenceShape, type Geofence } from '@rb/domain/geofence'
import type { LngLat, ServiceKind } from '@rb/domain'

export { FENCE_CATEGORIES }
export type { FenceCategory, FenceShape, Geofence }

/** Fill and outline colour of each category (the list's swatches use the same). */
export const CATEGORY_COLOURS: Record<FenceCategory, string> = {
  depot: '#0969da',
  school: '#bf8700',
  hospital: '#cf222e',
  market: '#1a7f37',
  danger: '#e16f24',
  corridor: '#8250df',
  other: '#6e7781',
}

export const FENCE_KINDS: readonly ServiceKind[] = ['student', 'market', 'medical', 'regular']

const EARTH_M = 6_371_008.8
const rad = (d: number): number => (d * Math.PI) / 180
const deg = (r: number): number => (r * 180) / Math.PI

export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1])
  const dLng = rad(b[0] - a[0])
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(s)))
}

/** The point `distance` metres from `from` towards `bearingDeg` (0 = north). */
export function destination(from: LngLat, distance: number, bearingDeg: number): LngLat {
  const d = distance / EARTH_M
  const b = rad(bearingDeg)
  const lat1 = rad(from[1])
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b))
  const lng2 =
    rad(from[0]) + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2))
  return [deg(lng2), deg(lat2)]
}

/** A circle as a closed ring of `steps` corners (for drawing; the server keeps the circle). */
export function circleRing(center: LngLat, radiusM: number, steps = 64): LngLat[] {
  const ring: LngLat[] = []
  for (let i = 0; i < steps; i++) ring.push(destination(center, radiusM, (360 * i) / steps))
  ring.push(ring[0]!)
  return ring
}

/** Whole metres, at least the server's 10 m. */
export const radiusBetween = (center: LngLat, edge: LngLat): number => Math.max(10, Math.round(distanceM(center, edge)))

/** A closed ring: the first position repeated at the end (once). */
export function closeRing(points: readonly LngLat[]): LngLat[] {
  const open = openRing(points)
  return open.length === 0 ? [] : [...open, open[0]!]
}

/** The corners of a ring without its closing repeat. */
export function openRing(ring: readonly LngLat[]): LngLat[] {
  const first = ring[0]
  const last = ring.at(-1)
  return ring.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]
    ? ring.slice(0, -1)
    : [...ring]
}

/** Whether two points are the same on screen (the page passes a pixel test). */
export type Near = (a: LngLat, b: LngLat) => boolean

/** What a click while drawing a polygon does: adds a corner, or closes the polygon on its first corner. */
export type ClickResult = { vertices: LngLat[]; closed: boolean }

export function clickVertex(vertices: readonly LngLat[], p: LngLat, near: Near): ClickResult {
  if (vertices.length >= 3 && near(vertices[0]!, p)) return { vertices: [...vertices], closed: true }
  // A double click sends two clicks on one spot: the second is not a corner.
  const last = vertices.at(-1)
  if (last && near(last, p)) return { vertices: [...vertices], closed: false }
  return { vertices: [...vertices, p], closed: false }
}

export const undoVertex = (vertices: readonly LngLat[]): LngLat[] => vertices.slice(0, -1)

export const canClose = (vertices: readonly LngLat[]): boolean => vertices.length >= 3

/** A polygon's outer ring with corner `i` moved to `p` (the closing repeat follows the first corner). */
export function moveVertex(ring: readonly LngLat[], i: number, p: LngLat): LngLat[] {
  const open = openRing(ring)
  if (i < 0 || i >= open.length) return [...ring]
  open[i] = p
  return closeRing(open)
}

/** A shape moved by the difference between two points (a circle's centre dragged). */
export function moveShape(shape: FenceShape, from: LngLat, to: LngLat): FenceShape {
  const d = (p: LngLat): LngLat => [p[0] + to[0] - from[0], p[1] + to[1] - from[1]]
  return shape.kind === 'circle'
    ? { ...shape, center: d(shape.center) }
    : { kind: 'polygon', rings: shape.rings.map((r) => r.map(d)) }
}

/** The corners one may drag: a polygon's outer corners, or a circle's centre and a point on its edge (east). */
export function handles(shape: FenceShape): { role: 'vertex' | 'center' | 'radius'; index: number; point: LngLat }[] {
  if (shape.kind === 'circle')
    return [
      { role: 'center', index: 0, point: shape.center },
      { role: 'radius', index: 0, point: destination(shape.center, shape.radiusM, 90) },
    ]
  return openRing(shape.rings[0] ?? []).map((point, index) => ({ role: 'vertex' as const, index, point }))
}

/** A rough middle for a label: the ring's average corner, or the circle's centre. */
export function labelPoint(shape: FenceShape): LngLat {
  if (shape.kind === 'circle') return shape.center
  const open = openRing(shape.rings[0] ?? [])
  if (open.length === 0) return [0, 0]
  return [open.reduce((s, p) => s + p[0], 0) / open.length, open.reduce((s, p) => s + p[1], 0) / open.length]
}

/** Every corner of a shape (for fitting the map to it). */
export const shapePoints = (shape: FenceShape): LngLat[] =>
  shape.kind === 'circle' ? circleRing(shape.center, shape.radiusM, 8) : shape.rings.flat()

/** The fences as polygons for the map (circles as rings), each with its id, name, category and colour. */
export function fenceFeatures(
  fences: readonly Geofence[],
  project: (p: LngLat) => LngLat = (p) => p,
  selected: string | null = null,
): GeoJSON.FeatureCollection<GeoJSON.Polygon> {
  return {
    type: 'FeatureCollection',
    features: fences.map((f) => ({
      type: 'Feature',
      properties: {
        id: f.id,
        name: f.name,
        category: f.category,
        colour: CATEGORY_COLOURS[f.category],
        active: f.active,
        selected: f.id === selected,
      },
      geometry: {
        type: 'Polygon',
        coordinates:
          f.shape.kind === 'circle'
            ? [circleRing(f.shape.center, f.shape.radiusM).map(project)]
            : f.shape.rings.map((r) => closeRing(r).map(project)),
      },
    })),
  }
}

/** The rules in a few words, for the list: `60 km/h · exit · 5 min`. */
export function rulesSummary(f: Pick<Geofence, 'speedLimitKmh' | 'alertOnExit' | 'dwellS'>): {
  speed: number | null
  exit: boolean
  dwellMin: number | null
} {
  return {
    speed: f.speedLimitKmh,
    exit: f.alertOnExit,
    dwellMin: f.dwellS === null ? null : Math.round((f.dwellS / 60) * 10) / 10,
  }
}

/** The form's raw values (strings as typed, checkboxes as booleans). */
export interface FenceForm {
  id: string
  name: string
  category: string
  speedLimitKmh: string
  dwellS: string
  alertOnExit: boolean
  routeKinds: string[]
  active: boolean
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** A free id like `fence-7` for a new fence. */
export function nextFenceId(taken: Iterable<string>, prefix = 'fence'): string {
  const ids = new Set(taken)
  let n = 1
  while (ids.has(`${prefix}-${n}`)) n++
  return `${prefix}-${n}`
}

/**
 * The PUT body and id from the form and the drawn shape, or the first problem with the field it is
 * about — the server's own checks (`fenceProblem`), so what the page lets through it accepts.
 */
export function fenceFromForm(
  form: FenceForm,
  shape: FenceShape | null,
): { ok: true; id: string; body: Omit<Geofence, 'id'> } | { ok: false; field: string; message: string } {
  const id = form.id.trim()
  if (!ID_PATTERN.test(id)) return { ok: false, field: 'id', message: 'letters, digits, - and _ (up to 64)' }
  const name = form.name.trim()
  if (name.length < 1 || name.length > 80) return { ok: false, field: 'name', message: '1 to 80 characters' }
  if (!(FENCE_CATEGORIES as readonly string[]).includes(form.category))
    return { ok: false, field: 'category', message: 'a category' }
  if (!shape) return { ok: false, field: 'shape', message: 'draw the fence on the map' }
  const num = (s: string): number | null => (s.trim() === '' ? null : Number(s))
  const speedLimitKmh = num(form.speedLimitKmh)
  const dwellS = num(form.dwellS)
  if (speedLimitKmh !== null && !Number.isFinite(speedLimitKmh))
    return { ok: false, field: 'speedLimitKmh', message: 'a number' }
  if (dwellS !== null && !Number.isInteger(dwellS)) return { ok: false, field: 'dwellS', message: 'whole seconds' }
  const routeKinds = FENCE_KINDS.filter((k) => form.routeKinds.includes(k))
  const body: Omit<Geofence, 'id'> = {
    name,
    category: form.category as FenceCategory,
    shape: shape.kind === 'polygon' ? { kind: 'polygon', rings: shape.rings.map((r) => closeRing(r)) } : shape,
    speedLimitKmh,
    alertOnExit: form.alertOnExit,
    routeKinds,
    dwellS,
    active: form.active,
  }
  const problem = fenceProblem(body)
  if (problem) return { ok: false, field: problem.field, message: problem.message }
  return { ok: true, id, body }
}

/** The form's values for a fence (or a new one). */
export function formOf(f: Geofence | null, id: string): FenceForm {
  return {
    id: f?.id ?? id,
    name: f?.name ?? '',
    category: f?.category ?? 'other',
    speedLimitKmh: f?.speedLimitKmh == null ? '' : String(f.speedLimitKmh),
    dwellS: f?.dwellS == null ? '' : String(f.dwellS),
    alertOnExit: f?.alertOnExit ?? false,
    routeKinds: [...(f?.routeKinds ?? [])],
    active: f?.active ?? true,
  }
}

/** Pasted or chosen GeoJSON text as an object, or why not (before anything is sent). */
export function parseGeoJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!text.trim()) return { ok: false, message: 'empty' }
  try {
    const value: unknown = JSON.parse(text)
    if (!value || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string')
      return { ok: false, message: 'not GeoJSON (no type)' }
    return { ok: true, value }
  } catch (err) {
    return { ok: false, message: (err as Error).message }
  }
}

/** The GeoJSON index of an import error's field, `geojson.2.shape.rings` → 2. */
export function importErrorIndex(field: unknown): number | null {
  const m = typeof field === 'string' ? /^geojson\.(\d+)\./.exec(field) : null
  return m ? Number(m[1]) : null
}
