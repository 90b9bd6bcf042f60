/**
 * The geofences on the shared map: each fence filled and outlined in its category's colour and
 * labelled with its name, the selected one bolder; and the shape being drawn or edited (its
 * outline, corners and drag handles). Added when the geofence page first opens, emptied when it
 * closes. Positions are WGS-84 in, drawn in the map's display projection.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl'
import type { LngLat } from '@rb/domain'
import { FONT } from './style.js'
import { circleRing, fenceFeatures, handles, type FenceShape, type Geofence } from '../geofence-model.js'

type Fc = GeoJSON.FeatureCollection
const empty = (): Fc => ({ type: 'FeatureCollection', features: [] })

export const FENCE_LAYERS = ['fences-fill', 'fences-line', 'fences-label', 'fence-draft-line', 'fence-handles'] as const
/** Layers a click may hit: a fence, or a handle of the one being edited. */
export const FENCE_HIT = 'fences-fill'
export const HANDLE_HIT = 'fence-handles'

/** What is being drawn: corners so far (open), an optional rubber-band point, or a whole shape being edited. */
export interface Draft {
  vertices?: LngLat[]
  cursor?: LngLat | null
  shape?: FenceShape | null
  /** Show drag handles on `shape`. */
  editable?: boolean
}

export class FenceLayers {
  constructor(
    private readonly map: MlMap,
    private readonly project: (p: LngLat) => LngLat,
  ) {
    const m = map
    if (m.getSource('fences')) return
    m.addSource('fences', { type: 'geojson', data: empty() })
    m.addSource('fence-labels', { type: 'geojson', data: empty() })
    m.addSource('fence-draft', { type: 'geojson', data: empty() })
    m.addSource('fence-handles', { type: 'geojson', data: empty() })
    // Under the routes and buses: a fence is a place, the buses move across it.
    const below = m.getLayer('routes') ? 'routes' : undefined
    m.addLayer(
      {
        id: 'fences-fill',
        type: 'fill',
        source: 'fences',
        paint: {
          'fill-color': ['get', 'colour'],
          'fill-opacity': ['case', ['get', 'selected'], 0.35, ['get', 'active'], 0.18, 0.06],
        },
      },
      below,
    )
    m.addLayer(
      {
        id: 'fences-line',
        type: 'line',
        source: 'fences',
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': ['get', 'colour'],
          'line-width': ['case', ['get', 'selected'], 3.5, 2],
          'line-dasharray': ['case', ['get', 'active'], ['literal', [1, 0]], ['literal', [2, 2]]],
        },
      },
      below,
    )
    m.addLayer({
      id: 'fences-label',
      type: 'symbol',
      source: 'fence-labels',
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT,
        'text-size': 12,
        'text-allow-overlap': false,
      },
      paint: { 'text-color': ['get', 'colour'], 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
    })
    m.addLayer({
      id: 'fence-draft-line',
      type: 'line',
      source: 'fence-draft',
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#0969da', 'line-width': 2.5, 'line-dasharray': [2, 1] },
    })
    m.addLayer({
      id: 'fence-handles',
      type: 'circle',
      source: 'fence-handles',
      paint: {
        'circle-radius': ['case', ['==', ['get', 'first'], true], 7, 5],
        'circle-color': '#ffffff',
        'circle-stroke-color': '#0969da',
        'circle-stroke-width': 2.5,
      },
    })
  }

  private set(id: string, data: Fc): void {
    void this.map.getSource<GeoJSONSource>(id)?.setData(data)
  }

  /** The fences (WGS-84), the selected one drawn bolder. */
  setFences(fences: readonly Geofence[], selected: string | null): void {
    const fc = fenceFeatures(fences, this.project, selected)
    this.set('fences', fc)
    // One label per fence at the middle of its outer ring (a point: symbol placement on a polygon repeats).
    this.set('fence-labels', {
      type: 'FeatureCollection',
      features: fc.features.map((f) => {
        const ring = f.geometry.coordinates[0] ?? []
        const n = Math.max(1, ring.length - 1)
        const mid = [
          ring.slice(0, n).reduce((s, p) => s + p[0]!, 0) / n,
          ring.slice(0, n).reduce((s, p) => s + p[1]!, 0) / n,
        ]
        return { type: 'Feature', properties: f.properties, geometry: { type: 'Point', coordinates: mid } }
      }),
    })
  }

  /** The shape being drawn or edited (null: none). */
  setDraft(d: Draft | null): void {
    const p = this.project
    const lines: GeoJSON.Feature[] = []
    const points: GeoJSON.Feature[] = []
    if (d?.vertices && d.vertices.length > 0) {
      const line = [...d.vertices, ...(d.cursor ? [d.cursor] : [])].map(p)
      if (line.length > 1)
        lines.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: line } })
      d.vertices.forEach((v, i) =>
        points.push({
          type: 'Feature',
          properties: { first: i === 0, role: 'draft', index: i },
          geometry: { type: 'Point', coordinates: p(v) },
        }),
      )
    }
    if (d?.shape) {
      const ring = d.shape.kind === 'circle' ? circleRing(d.shape.center, d.shape.radiusM) : (d.shape.rings[0] ?? [])
      lines.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ring.map(p) } })
      if (d.editable)
        for (const h of handles(d.shape))
          points.push({
            type: 'Feature',
            properties: { first: false, role: h.role, index: h.index },
            geometry: { type: 'Point', coordinates: p(h.point) },
          })
    }
    this.set('fence-draft', { type: 'FeatureCollection', features: lines })
    this.set('fence-handles', { type: 'FeatureCollection', features: points })
  }

  clear(): void {
    this.setFences([], null)
    this.setDraft(null)
  }
}
