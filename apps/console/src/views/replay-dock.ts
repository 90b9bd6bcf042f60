/**
 * The replay's timeline, docked under the map: each bus's speed over time in its colour, the
 * events of every bus in lanes (alerts, geofence crossings, stop visits, trips), a time axis, and
 * a cursor at the replay's instant. A click or drag on it seeks the replay there.
 */
import { t, word } from '../i18n/index.js'
import {
  MARK_KINDS,
  markAt,
  placeMarks,
  speedPath,
  speedScaleKmh,
  ticks,
  timeAxis,
  type MarkKind,
  type PlacedMark,
  type TimelineEvent,
} from '../replay-timeline.js'
import type { TrackPoint } from '../replay.js'
import { s as svg } from '../ui/chart.js'
import { h } from '../ui/dom.js'
import { clock, clockS } from '../ui/format.js'

export interface DockBus {
  id: string
  colour: string
  points: TrackPoint[]
}

const LANE_WORDS = {
  alert: 'Alerts',
  geofence: 'Geofences',
  stop: 'Stops',
  trip: 'Trips',
  other: 'Other',
} as const satisfies Record<MarkKind, string>
const MARK_COLOURS: Record<MarkKind, string> = {
  alert: '#cf222e',
  geofence: '#8250df',
  stop: '#57606a',
  trip: '#1a7f37',
  other: '#8c959f',
}

const LABEL_PX = 64
/** Room above the speed scale's top label, the speed chart's height, and a gap before the lanes. */
const TOP_PX = 7
const SPEED_PX = 84
const CHART_PX = TOP_PX + SPEED_PX + 6
const LANE_PX = 13
const AXIS_PX = 16

export interface ReplayDock {
  el: HTMLElement
  /** Moves the cursor (and the speed read-outs) to `ts`. */
  setTime(ts: number, speeds: (number | null)[]): void
  destroy(): void
}

export function replayDock(
  buses: DockBus[],
  events: TimelineEvent[],
  range: [number, number],
  seek: (ts: number) => void,
): ReplayDock {
  const readouts = buses.map(() => h('b', { class: 'dock-speed' }, '—'))
  const legend = h(
    'div',
    { class: 'dock-legend' },
    h('span', { class: 'muted' }, t('Speed (km/h)')),
    buses.map((b, i) =>
      h(
        'span',
        { class: 'dock-bus', dataset: { vehicle: b.id } },
        h('i', { style: `background:${b.colour}` }),
        b.id,
        ' ',
        readouts[i] ?? null,
      ),
    ),
  )
  const box = h('div', { class: 'dock-chart' })
  const el = h(
    'div',
    { class: 'replay-dock panel', attrs: { role: 'group', 'aria-label': t('Speed and events over time') } },
    legend,
    box,
  )
  const laneCount = MARK_KINDS.length
  const heightPx = CHART_PX + laneCount * LANE_PX + AXIS_PX
  let cursor: SVGLineElement | null = null
  let axisOf = timeAxis(range[0], range[1], 600)
  let marks: PlacedMark[] = []
  let lastTs = range[0]

  const draw = (): void => {
    const widthPx = Math.max(200, box.clientWidth - LABEL_PX - 8)
    axisOf = timeAxis(range[0], range[1], widthPx)
    const top = speedScaleKmh(buses.map((b) => b.points))
    marks = placeMarks(events, axisOf)
    const root = svg('svg', { width: widthPx + LABEL_PX, height: heightPx, class: 'dock-svg', 'data-top-kmh': top })
    const plot = svg('g', { transform: `translate(${LABEL_PX},0)` })
    // Speed grid and scale.
    for (const v of [0, top / 2, top]) {
      const y = TOP_PX + SPEED_PX - (v / top) * SPEED_PX
      plot.append(svg('line', { x1: 0, x2: widthPx, y1: y, y2: y, class: 'dock-grid' }))
      root.append(svg('text', { x: LABEL_PX - 6, y: y + 4, 'text-anchor': 'end', class: 'dock-tick' }, String(v)))
    }
    const speeds = svg('g', { transform: `translate(0,${TOP_PX})` })
    for (const b of buses)
      speeds.append(
        svg('path', {
          d: speedPath(b.points, axisOf, SPEED_PX, top),
          fill: 'none',
          stroke: b.colour,
          'stroke-width': 1.5,
          'data-vehicle': b.id,
          class: 'dock-speed-line',
        }),
      )
    plot.append(speeds)
    // Event lanes.
    MARK_KINDS.forEach((kind, lane) => {
      const y = CHART_PX + lane * LANE_PX
      root.append(
        svg(
          'text',
          { x: LABEL_PX - 6, y: y + LANE_PX - 3, 'text-anchor': 'end', class: 'dock-tick' },
          t(LANE_WORDS[kind]),
        ),
      )
      plot.append(svg('line', { x1: 0, x2: widthPx, y1: y + LANE_PX / 2, y2: y + LANE_PX / 2, class: 'dock-lane' }))
    })
    const busColour = new Map(buses.map((b) => [b.id, b.colour]))
    for (const m of marks) {
      const cy = CHART_PX + m.lane * LANE_PX + LANE_PX / 2
      const title = svg('title', {}, `${clockS(m.ts)} ${m.vehicleId} · ${m.label}`)
      const common = {
        class: 'dock-mark',
        'data-kind': m.kind,
        'data-ts': m.ts,
        'data-vehicle': m.vehicleId,
        fill: MARK_COLOURS[m.kind],
        stroke: busColour.get(m.vehicleId) ?? '#fff',
        'stroke-width': 1.2,
      }
      // A shape per lane, so the kinds read without their colour.
      const shape =
        m.kind === 'alert'
          ? svg('path', { ...common, d: `M${m.x} ${cy - 5}L${m.x + 5} ${cy + 4}L${m.x - 5} ${cy + 4}Z` }, title)
          : m.kind === 'geofence'
            ? svg(
                'path',
                { ...common, d: `M${m.x} ${cy - 5}L${m.x + 5} ${cy}L${m.x} ${cy + 5}L${m.x - 5} ${cy}Z` },
                title,
              )
            : m.kind === 'trip'
              ? svg('rect', { ...common, x: m.x - 1.5, y: cy - 5, width: 3, height: 10 }, title)
              : svg('circle', { ...common, cx: m.x, cy, r: 3 }, title)
      plot.append(shape)
    }
    // Time axis.
    const axisY = CHART_PX + laneCount * LANE_PX
    plot.append(svg('line', { x1: 0, x2: widthPx, y1: axisY, y2: axisY, class: 'dock-axis' }))
    for (const ts of ticks(axisOf)) {
      const x = axisOf.x(ts)
      plot.append(
        svg('line', { x1: x, x2: x, y1: axisY, y2: axisY + 4, class: 'dock-axis' }),
        svg('text', { x, y: axisY + 14, 'text-anchor': 'middle', class: 'dock-tick' }, clock(ts)),
      )
    }
    cursor = svg('line', { x1: 0, x2: 0, y1: 0, y2: axisY, class: 'dock-cursor' })
    plot.append(cursor)
    root.append(plot)
    box.replaceChildren(root)
    placeCursor(lastTs)
  }

  const placeCursor = (ts: number): void => {
    const x = axisOf.x(ts)
    cursor?.setAttribute('x1', String(x))
    cursor?.setAttribute('x2', String(x))
    el.dataset.cursorX = String(Math.round(x))
  }

  // Click or drag: a mark's own time when the pointer is on one, else the time under the pointer.
  let dragging = false
  const seekAt = (e: PointerEvent, exact: boolean): void => {
    const rect = box.getBoundingClientRect()
    const x = e.clientX - rect.left - LABEL_PX
    const y = e.clientY - rect.top - CHART_PX
    const lane = Math.floor(y / LANE_PX)
    const mark = exact && lane >= 0 && lane < laneCount ? markAt(marks, x, lane) : null
    seek(mark ? mark.ts : axisOf.ts(x))
  }
  box.addEventListener('pointerdown', (e) => {
    dragging = true
    box.setPointerCapture(e.pointerId)
    seekAt(e, true)
  })
  box.addEventListener('pointermove', (e) => dragging && seekAt(e, false))
  box.addEventListener('pointerup', () => (dragging = false))
  const resize = new ResizeObserver(() => draw())
  resize.observe(box)

  return {
    el,
    setTime(ts, speeds) {
      lastTs = ts
      placeCursor(ts)
      speeds.forEach((v, i) => {
        const r = readouts[i]
        if (r) r.textContent = v === null ? '—' : `${Math.round(v)}`
      })
    },
    destroy() {
      resize.disconnect()
      el.remove()
    },
  }
}

/** A stored event as the timeline shows it: what, and where (the stop, or the fence by name). */
export function eventLabel(type: string, stopCode: string | null, data: Record<string, unknown> = {}): string {
  const where = stopCode ?? (typeof data.fence === 'string' ? data.fence : null)
  return where ? `${word(type)} ${where}` : word(type)
}
