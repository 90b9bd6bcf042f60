/**
 * The one map of the console: network layers (routes, numbered stop signs, townships), the live
 * fleet as ONE GeoJSON source redrawn at most once per animation frame, and a replay layer.
 */
import {
  AttributionControl,
  Map as MlMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type ExpressionSpecification,
  type GeoJSONSource,
  type LngLatBoundsLike,
} from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
// The worker is a separate file maplibre finds at run time; Vite copies it and gives its URL.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import type { LngLat, Route, Stop, Township } from '@rb/domain'
import { displayProjection, type DisplayProjection } from '../gcj02.js'
import type { Fleet, FleetFilter, NetworkIndex } from '../fleet.js'
import { EMERGENCY_COLOUR, FONT, STATUS_COLOURS, STATUS_MARKS, STOP_COLOURS, STOP_MARKS, STOP_STROKE } from './style.js'
import { baseStyle, type BasemapConfig } from './basemap-style.js'
import { t } from '../i18n/index.js'
import { markImage, markOnlyImage } from '../ui/marks.js'

setWorkerUrl(workerUrl)

type Fc = GeoJSON.FeatureCollection

export interface ReplayTrack {
  id: string
  colour: string
  line: LngLat[]
}
const empty = (): Fc => ({ type: 'FeatureCollection', features: [] })

/** Main-thread cost of the last fleet redraws (what the 16 ms budget is about). */
export interface FlushStats {
  count: number
  lastMs: number
  maxMs: number
  totalMs: number
  features: number
}

const statusColour: ExpressionSpecification = [
  'match',
  ['get', 'status'],
  ...Object.entries(STATUS_COLOURS).flat(),
  '#6e7781',
] as unknown as ExpressionSpecification
const vehicleColour: ExpressionSpecification = [
  'case',
  ['boolean', ['get', 'emergency'], false],
  EMERGENCY_COLOUR,
  statusColour,
]

/** The halo's pulse: a few steps a second (each step repaints the map; software GL pays ~100 ms for it). */
const PULSE = [
  { radius: 14, opacity: 0.45 },
  { radius: 20, opacity: 0.3 },
  { radius: 26, opacity: 0.15 },
]
const PULSE_STEP_MS = 350

/** A white arrow pointing up (north), rotated per vehicle by `icon-rotate`. */
function arrowImage(size = 24): ImageData {
  const c = document.createElement('canvas')
  c.width = c.height = size
  const g = c.getContext('2d')
  if (!g) throw new Error('no 2D canvas')
  g.fillStyle = '#ffffff'
  g.beginPath()
  g.moveTo(size / 2, 3)
  g.lineTo(size - 6, size - 5)
  g.lineTo(size / 2, size - 9)
  g.lineTo(6, size - 5)
  g.closePath()
  g.fill()
  return g.getImageData(0, 0, size, size)
}

export class MapView {
  readonly map: MlMap
  readonly project: DisplayProjection
  readonly stats: FlushStats = { count: 0, lastMs: 0, maxMs: 0, totalMs: 0, features: 0 }
  private ready: Promise<void>
  private frame = 0
  private drawnVersion = -1
  private filterKey = ''
  private selected: string | null = null
  /** While false (another view covers the map) the fleet is not redrawn. */
  visible = true

  constructor(
    container: HTMLElement,
    basemap: BasemapConfig,
    private readonly fleet: Fleet,
    private filter: () => FleetFilter,
    private index: () => NetworkIndex,
  ) {
    this.project = displayProjection(basemap.gcj02)
    this.map = new MlMap({
      container,
      style: baseStyle(basemap, location.origin),
      center: [105.44, 28.16],
      zoom: 9,
      maxZoom: 18,
      attributionControl: false,
      localIdeographFontFamily: FONT.join(', '),
      // The console runs without internet: never ask for telemetry or fonts elsewhere.
      cancelPendingTileRequestsWhileZooming: true,
    })
    // The demo county's basemap says what it is: made from the demo's data, not a survey.
    const credit = basemap.preset === 'demo' ? t('Demo county basemap, made from its own data') : basemap.attribution
    if (credit || basemap.raster.length > 0 || basemap.pmtiles)
      this.map.addControl(
        new AttributionControl({ compact: false, customAttribution: credit || undefined }),
        'bottom-right',
      )
    this.map.addControl(new NavigationControl({ showCompass: true }), 'bottom-right')
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right')
    this.ready = new Promise((resolve) =>
      this.map.once('load', () => {
        this.addLayers()
        resolve()
      }),
    )
  }

  whenReady(): Promise<void> {
    return this.ready
  }

  private addLayers(): void {
    const m = this.map
    m.addImage('arrow', arrowImage(), { pixelRatio: 2 })
    // Shapes as well as colours: a mark per bus status inside its dot; signs are squares with theirs.
    for (const [status, mark] of Object.entries(STATUS_MARKS))
      m.addImage(`mark-${status}`, markOnlyImage(mark), { pixelRatio: 4 })
    for (const [status, mark] of Object.entries(STOP_MARKS))
      m.addImage(
        `sign-${status}`,
        markImage(
          'square',
          STOP_COLOURS[status as keyof typeof STOP_COLOURS],
          STOP_STROKE,
          mark,
          status === 'ok' ? STOP_STROKE : '#ffffff',
        ),
        { pixelRatio: 2 },
      )
    for (const id of ['routes', 'stops', 'townships', 'replay-track', 'replay-events', 'replay-point', 'focus'])
      m.addSource(id, { type: 'geojson', data: empty() })
    // Points need no detail beyond zoom 12 (overscaled above): fewer tiles to rebuild on every tick.
    m.addSource('vehicles', { type: 'geojson', data: empty(), maxzoom: 12 })
    m.addLayer({
      id: 'routes',
      type: 'line',
      source: 'routes',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': ['get', 'color'],
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 14, 4],
        'line-opacity': ['case', ['boolean', ['get', 'dim'], false], 0.15, 0.8],
      },
    })
    m.addLayer({
      id: 'stops',
      type: 'symbol',
      source: 'stops',
      layout: {
        'icon-image': ['concat', 'sign-', ['get', 'status']],
        'icon-size': ['interpolate', ['linear'], ['zoom'], 8, 0.3, 13, 0.65, 16, 0.9],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    })
    m.addLayer({
      id: 'stop-numbers',
      type: 'symbol',
      source: 'stops',
      minzoom: 12,
      layout: {
        'text-field': ['get', 'number'],
        'text-font': FONT,
        'text-size': 11,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
      },
      paint: { 'text-color': '#24292f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    })
    m.addLayer({
      id: 'township-labels',
      type: 'symbol',
      source: 'townships',
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT,
        'text-size': 14,
        'text-allow-overlap': false,
        'text-anchor': 'bottom',
        'text-offset': [0, -0.8],
      },
      paint: { 'text-color': '#57606a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    })
    m.addLayer({
      id: 'focus',
      type: 'circle',
      source: 'focus',
      paint: {
        'circle-radius': 16,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#0969da',
        'circle-stroke-width': 3,
      },
    })
    m.addLayer({
      id: 'replay-track',
      type: 'line',
      source: 'replay-track',
      layout: { 'line-join': 'round' },
      paint: { 'line-color': ['coalesce', ['get', 'colour'], '#0969da'], 'line-width': 3, 'line-opacity': 0.7 },
    })
    // An SOS bus: a red halo under its dot, pulsing (PULSE) while any is drawn.
    m.addLayer({
      id: 'vehicle-emergency',
      type: 'circle',
      source: 'vehicles',
      filter: ['==', ['get', 'emergency'], true],
      paint: {
        'circle-radius': PULSE[0]!.radius,
        'circle-color': EMERGENCY_COLOUR,
        'circle-opacity': PULSE[0]!.opacity,
        'circle-stroke-color': EMERGENCY_COLOUR,
        'circle-stroke-width': 2,
        'circle-stroke-opacity': 0.8,
      },
    })
    m.addLayer({
      id: 'vehicles',
      type: 'circle',
      source: 'vehicles',
      paint: {
        'circle-color': vehicleColour,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 5, 14, 9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    })
    m.addLayer({
      id: 'vehicle-mark',
      type: 'symbol',
      source: 'vehicles',
      minzoom: 11,
      filter: ['!=', ['get', 'emergency'], true],
      layout: {
        'icon-image': ['concat', 'mark-', ['get', 'status']],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-size': ['interpolate', ['linear'], ['zoom'], 11, 0.75, 14, 0.95],
      },
    })
    m.addLayer({
      id: 'vehicle-heading',
      type: 'symbol',
      source: 'vehicles',
      minzoom: 10,
      layout: {
        'icon-image': 'arrow',
        'icon-rotate': ['get', 'heading'],
        'icon-rotation-alignment': 'map',
        'icon-offset': [0, -20],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-size': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 14, 0.9],
      },
    })
    m.addLayer({
      id: 'vehicle-selected',
      type: 'circle',
      source: 'vehicles',
      filter: ['==', ['get', 'id'], ''],
      paint: {
        'circle-radius': 14,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#0969da',
        'circle-stroke-width': 3,
      },
    })
    m.addLayer({
      id: 'replay-events',
      type: 'circle',
      source: 'replay-events',
      paint: {
        'circle-radius': 5,
        'circle-color': '#e16f24',
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    })
    m.addLayer({
      id: 'replay-point',
      type: 'circle',
      source: 'replay-point',
      paint: {
        'circle-radius': 9,
        'circle-color': ['coalesce', ['get', 'colour'], '#0969da'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    })
    m.addLayer({
      id: 'replay-label',
      type: 'symbol',
      source: 'replay-point',
      layout: {
        'text-field': ['get', 'id'],
        'text-font': FONT,
        'text-size': 12,
        'text-offset': [0, 1.3],
        'text-anchor': 'top',
        'text-allow-overlap': true,
      },
      paint: {
        'text-color': ['coalesce', ['get', 'colour'], '#0969da'],
        'text-halo-color': '#ffffff',
        'text-halo-width': 2,
      },
    })
    for (const layer of ['vehicles', 'stops']) {
      m.on('mouseenter', layer, () => (m.getCanvas().style.cursor = 'pointer'))
      m.on('mouseleave', layer, () => (m.getCanvas().style.cursor = ''))
    }
  }

  private source(id: string): GeoJSONSource | undefined {
    return this.map.getSource<GeoJSONSource>(id)
  }

  setNetwork(routes: Route[], stops: Stop[], townships: Township[], highlightRoute: string | null = null): void {
    const p = this.project
    void this.source('routes')?.setData({
      type: 'FeatureCollection',
      features: routes.map((r) => ({
        type: 'Feature',
        properties: { id: r.id, color: r.color, dim: highlightRoute !== null && r.id !== highlightRoute },
        geometry: { type: 'LineString', coordinates: r.geometry.map(p) },
      })),
    })
    void this.source('stops')?.setData({
      type: 'FeatureCollection',
      features: stops
        .filter((s) => s.status !== 'removed')
        .map((s) => ({
          type: 'Feature',
          properties: {
            code: s.code,
            number: String(Number(s.code.split('-').at(-1))),
            status: s.status,
            name: s.name,
          },
          geometry: { type: 'Point', coordinates: p(s.point) },
        })),
    })
    void this.source('townships')?.setData({
      type: 'FeatureCollection',
      features: townships.map((t) => ({
        type: 'Feature',
        properties: { name: t.name },
        geometry: { type: 'Point', coordinates: p(t.center) },
      })),
    })
  }

  fitTo(points: LngLat[]): void {
    if (points.length === 0) return
    let [w, s, e, n] = [180, 90, -180, -90]
    for (const pt of points.map(this.project)) {
      w = Math.min(w, pt[0])
      e = Math.max(e, pt[0])
      s = Math.min(s, pt[1])
      n = Math.max(n, pt[1])
    }
    this.map.fitBounds(
      [
        [w, s],
        [e, n],
      ] as LngLatBoundsLike,
      { padding: 40, duration: 0, maxZoom: 15 },
    )
  }

  /** Asks for a fleet redraw on the next animation frame (many ticks in one frame draw once). */
  scheduleFleet(): void {
    if (this.frame || !this.visible) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      this.flushFleet()
    })
  }

  /** Redraws the fleet now if it or the filter changed; returns the main-thread ms it took. */
  flushFleet(force = false): number {
    const source = this.source('vehicles')
    if (!source) return 0
    const filter = this.filter()
    const key = JSON.stringify({ ...filter, kinds: [...filter.kinds], statuses: [...filter.statuses] })
    if (!force && this.fleet.version === this.drawnVersion && key === this.filterKey) return 0
    const t0 = performance.now()
    const fc = this.fleet.toGeoJSON(filter, this.index(), this.project)
    void source.setData(fc)
    const ms = performance.now() - t0
    this.drawnVersion = this.fleet.version
    this.filterKey = key
    this.lastCollection = fc
    this.pulse(fc.features.some((f) => f.properties.emergency))
    const s = this.stats
    s.count++
    s.lastMs = ms
    s.maxMs = Math.max(s.maxMs, ms)
    s.totalMs += ms
    s.features = fc.features.length
    return ms
  }

  private pulseTimer = 0
  private pulseStep = 0

  /** Runs the emergency halo's pulse while an SOS bus is drawn on a visible map. */
  private pulse(on: boolean): void {
    if (on && !this.pulseTimer) {
      this.pulseTimer = window.setInterval(() => {
        if (!this.visible) return
        const p = PULSE[(this.pulseStep = (this.pulseStep + 1) % PULSE.length)]!
        this.map.setPaintProperty('vehicle-emergency', 'circle-radius', p.radius)
        this.map.setPaintProperty('vehicle-emergency', 'circle-opacity', p.opacity)
      }, PULSE_STEP_MS)
    } else if (!on && this.pulseTimer) {
      clearInterval(this.pulseTimer)
      this.pulseTimer = 0
    }
  }

  /** The FeatureCollection last handed to the vehicles source (tests read coordinates from it). */
  lastCollection: Fc = empty()

  select(vehicleId: string | null): void {
    this.selected = vehicleId
    this.map.setFilter('vehicle-selected', ['==', ['get', 'id'], vehicleId ?? ''])
  }

  get selectedVehicle(): string | null {
    return this.selected
  }

  focus(point: LngLat | null): void {
    void this.source('focus')?.setData(
      point
        ? {
            type: 'FeatureCollection',
            features: [
              { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: this.project(point) } },
            ],
          }
        : empty(),
    )
  }

  flyTo(point: LngLat, zoom = 14): void {
    this.map.flyTo({ center: this.project(point), zoom: Math.max(this.map.getZoom(), zoom), duration: 600 })
  }

  /** Replayed buses: each one's track in its colour, and the events placed on the tracks. */
  setReplay(tracks: ReplayTrack[], events: { point: LngLat; type: string }[] = []): void {
    void this.source('replay-track')?.setData({
      type: 'FeatureCollection',
      features: tracks
        .filter((t) => t.line.length > 1)
        .map((t) => ({
          type: 'Feature',
          properties: { id: t.id, colour: t.colour },
          geometry: { type: 'LineString', coordinates: t.line.map(this.project) },
        })),
    })
    void this.source('replay-events')?.setData({
      type: 'FeatureCollection',
      features: events.map((e) => ({
        type: 'Feature',
        properties: { type: e.type },
        geometry: { type: 'Point', coordinates: this.project(e.point) },
      })),
    })
    this.setReplayPoints([])
  }

  /** Where each replayed bus is at the replay's instant (in the order of the tracks). */
  setReplayPoints(points: { id: string; colour: string; point: LngLat }[]): void {
    void this.source('replay-point')?.setData({
      type: 'FeatureCollection',
      features: points.map((p) => ({
        type: 'Feature',
        properties: { id: p.id, colour: p.colour },
        geometry: { type: 'Point', coordinates: this.project(p.point) },
      })),
    })
  }

  showFleet(on: boolean): void {
    for (const id of ['vehicle-emergency', 'vehicles', 'vehicle-mark', 'vehicle-heading', 'vehicle-selected'])
      this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none')
  }

  resize(): void {
    this.map.resize()
  }
}
