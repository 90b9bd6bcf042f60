/**
 * Replay: the stored tracks of one or several buses over a time range, played together on the map
 * with a time slider and a speed control; their events (arrivals, departures, alerts, geofence
 * crossings) placed on the tracks and listed; under the map a timeline of each bus's speed and the
 * events, synced with the slider (`replay-dock.ts`).
 */
import type { LngLat } from '@rb/domain'
import { decodeTrack, type CompactTrack } from '@rb/protocol/track'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { PlaybackClock, sampleAt, type TrackPoint } from '../replay.js'
import { MAX_REPLAY_BUSES, REPLAY_COLOURS, playRange, type TimelineEvent } from '../replay-timeline.js'
import { clear, field, h, table } from '../ui/dom.js'
import { clockS, day, fromLocalInput, toLocalInput } from '../ui/format.js'
import { t, word } from '../i18n/index.js'
import { eventLabel, replayDock, type ReplayDock } from './replay-dock.js'

interface TrackResponse extends CompactTrack {
  count: number
  downsampled: boolean
}
interface EventItem {
  vehicleId: string
  ts: number
  type: string
  stopCode: string | null
  tripInstanceId: string | null
  data: Record<string, unknown>
}
interface AlertItem {
  id: string
  type: string
  ts: number
  vehicleId: string | null
  stopCode: string | null
}
interface Loaded {
  id: string
  colour: string
  points: TrackPoint[]
  count: number
  downsampled: boolean
  events: EventItem[]
  alerts: AlertItem[]
}

const SPEEDS = [1, 10, 30, 60, 120, 300, 600, 1200]
/** Delay events come with every fix of a running trip: too many marks to read. */
const NOT_ON_TIMELINE = new Set(['delay'])

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const ids = [...new Set([...ctx.network.vehicles.map((v) => v.id), ...ctx.fleet.vehicles.keys()])].sort()
  const asked = (params.get('vehicle') ?? '')
    .split(',')
    .filter((id) => ids.includes(id))
    .slice(0, MAX_REPLAY_BUSES)
  const picker = (value: string): HTMLSelectElement =>
    h(
      'select',
      { name: 'vehicle' },
      ids.map((id) => h('option', { value: id, selected: id === value }, id)),
    )
  const rows = h('div', { class: 'replay-buses' })
  const selects: HTMLSelectElement[] = []
  const addBus = h('button', { type: 'button', class: 'add-bus' }, `+ ${t('Add a bus')}`)
  const drawRows = (): void => {
    clear(
      rows,
      selects.map((sel, i) =>
        h(
          'div',
          { class: 'row replay-bus' },
          h('i', { class: 'swatch', style: `background:${REPLAY_COLOURS[i]}` }),
          sel,
          i > 0
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'remove-bus',
                  title: t('Remove'),
                  onclick: () => {
                    selects.splice(i, 1)
                    drawRows()
                  },
                },
                '×',
              )
            : null,
        ),
      ),
    )
    addBus.disabled = selects.length >= MAX_REPLAY_BUSES
  }
  for (const id of asked.length > 0 ? asked : [ids[0] ?? '']) selects.push(picker(id))
  addBus.addEventListener('click', () => {
    const taken = new Set(selects.map((s) => s.value))
    selects.push(picker(ids.find((id) => !taken.has(id)) ?? ids[0] ?? ''))
    drawRows()
  })
  drawRows()

  // Default range: the three hours up to the first bus's newest fix (or up to now).
  const lastFix = (id: string): number => ctx.fleet.vehicles.get(id)?.ts ?? Date.now()
  const from = h('input', { type: 'datetime-local', name: 'from' })
  const to = h('input', { type: 'datetime-local', name: 'to' })
  const setRange = (): void => {
    const end = lastFix(selects[0]?.value ?? '') + 60_000
    to.value = toLocalInput(end)
    from.value = toLocalInput(end - 3 * 3_600_000)
  }
  setRange()
  selects[0]?.addEventListener('change', setRange)
  const load = h('button', { class: 'primary' }, t('Load track'))
  const status = h('p', { class: 'status' })
  const player = h('div', { class: 'player' })
  const eventsBox = h('div', { class: 'events' })
  el.append(
    h(
      'aside',
      { class: 'panel side replay-panel' },
      h('h2', null, t('Replay')),
      field(t('Vehicles'), h('div', null, rows, addBus)),
      h('div', { class: 'row' }, field(t('From (UTC+8)'), from), field(t('To'), to)),
      load,
      status,
      player,
      eventsBox,
    ),
  )

  let frame = 0
  let dock: ReplayDock | null = null
  ctx.map.showFleet(false)

  const stop = (): void => {
    cancelAnimationFrame(frame)
    frame = 0
  }

  async function loadOne(id: string, colour: string, range: { from: string; to: string }): Promise<Loaded> {
    const [track, events, alerts] = await Promise.all([
      api.get<TrackResponse>(
        `/api/vehicles/${encodeURIComponent(id)}/track${qs({ ...range, maxPoints: 50_000, format: 'compact' })}`,
      ),
      api
        .get<{ items: EventItem[] }>(`/api/events${qs({ ...range, vehicleId: id, limit: 2000 })}`)
        .catch(() => ({ items: [] })),
      api
        .get<{ items: AlertItem[] }>(`/api/alerts${qs({ ...range, vehicleId: id, limit: 1000 })}`)
        .catch(() => ({ items: [] })),
    ])
    return {
      id,
      colour,
      points: decodeTrack(track),
      count: track.count,
      downsampled: track.downsampled,
      events: events.items,
      alerts: alerts.items,
    }
  }

  async function loadTracks(): Promise<string> {
    stop()
    dock?.destroy()
    dock = null
    const chosen = [...new Set(selects.map((s) => s.value))]
    const fromMs = fromLocalInput(from.value)
    const toMs = fromLocalInput(to.value)
    if (!(fromMs < toMs)) throw new Error(t('“From” must be before “To”'))
    const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }
    const loaded = await Promise.all(chosen.map((id, i) => loadOne(id, REPLAY_COLOURS[i] ?? REPLAY_COLOURS[0], range)))
    const span = playRange(loaded.map((l) => l.points))
    if (!span) {
      ctx.map.setReplay([])
      clear(player)
      clear(eventsBox)
      return t('No positions of {id} in this range.', { id: chosen.join(', ') })
    }
    const withFixes = loaded.filter((l) => l.points.length > 0)
    const listed = loaded.flatMap((l) =>
      l.events.map((e) => ({
        ...e,
        vehicleId: l.id,
        label: eventLabel(e.type, e.stopCode, e.data),
        at: sampleAt(l.points, e.ts)?.point ?? null,
      })),
    )
    const alerts = loaded.flatMap((l) =>
      l.alerts.map((a) => ({
        ts: a.ts,
        vehicleId: l.id,
        type: 'alert',
        label: word(a.type),
        stopCode: a.stopCode,
        at: sampleAt(l.points, a.ts)?.point ?? null,
      })),
    )
    ctx.map.setReplay(
      withFixes.map((l) => ({ id: l.id, colour: l.colour, line: l.points.map((p): LngLat => [p[1], p[2]]) })),
      [...listed, ...alerts].filter((e) => e.at).map((e) => ({ point: e.at as LngLat, type: e.type })),
    )
    ctx.map.fitTo(withFixes.flatMap((l) => l.points.map((p): LngLat => [p[1], p[2]])))
    const timeline: TimelineEvent[] = [...listed.filter((e) => !NOT_ON_TIMELINE.has(e.type)), ...alerts].map(
      ({ ts, vehicleId, type, label }) => ({ ts, vehicleId, type, label }),
    )
    // The play range covers the events too: a bus's first event (coming online) may stamp just before its first stored fix.
    const eventTimes = timeline.map((e) => e.ts)
    const clock = new PlaybackClock(Math.min(span[0], ...eventTimes), Math.max(span[1], ...eventTimes), 60)
    buildPlayer(loaded, clock, timeline)
    const rowsOf = [...listed, ...alerts].sort((a, b) => a.ts - b.ts)
    clear(
      eventsBox,
      h('h3', null, `${t('Events')} (${rowsOf.length})`),
      table([t('Time'), t('Vehicle'), t('Event')], rowsOf, (e) => [clockS(e.ts), e.vehicleId, e.label], {
        onRow: (e) => seekTo(e.ts),
      }),
    )
    const points = loaded.reduce((n, l) => n + l.count, 0)
    const missing = loaded.filter((l) => l.points.length === 0).map((l) => l.id)
    return [
      `${t('{n} points', { n: points })}${loaded.some((l) => l.downsampled) ? ` (${t('downsampled')})` : ''}, ${day(span[0])} ${clockS(span[0])} – ${clockS(span[1])}`,
      missing.length > 0 ? t('No positions of {id} in this range.', { id: missing.join(', ') }) : '',
    ]
      .filter(Boolean)
      .join(' · ')
  }

  let seekTo = (_ts: number): void => {}

  function buildPlayer(buses: Loaded[], c: PlaybackClock, timeline: TimelineEvent[]): void {
    const slider = h('input', {
      type: 'range',
      min: String(c.startMs),
      max: String(c.endMs),
      step: '1000',
      value: String(c.startMs),
      attrs: { 'aria-label': t('Time') },
    })
    const play = h('button', { class: 'primary play' }, '▶')
    const speed = h(
      'select',
      { attrs: { 'aria-label': t('Speed') } },
      SPEEDS.map((s) => h('option', { value: String(s), selected: s === c.speed }, `${s}×`)),
    )
    const time = h('b', { class: 'replay-time' }, clockS(c.startMs))
    const readout = h('span', { class: 'muted' })
    const draw = (ts: number): void => {
      const samples = buses.map((b) => sampleAt(b.points, ts))
      ctx.map.setReplayPoints(
        buses.flatMap((b, i) => {
          const s = samples[i]
          return s ? [{ id: b.id, colour: b.colour, point: s.point }] : []
        }),
      )
      slider.value = String(Math.round(ts))
      time.textContent = clockS(ts)
      const first = samples[0]
      readout.textContent = buses.length === 1 && first ? `${Math.round(first.speedKmh)} km/h` : ''
      dock?.setTime(
        ts,
        samples.map((s) => s?.speedKmh ?? null),
      )
      el.dataset.replayTs = String(Math.round(ts))
    }
    const tick = (): void => {
      const ts = c.now(performance.now())
      draw(ts)
      if (c.playing) frame = requestAnimationFrame(tick)
      else {
        frame = 0
        play.textContent = '▶'
      }
    }
    play.addEventListener('click', () => {
      if (c.playing) {
        c.pause(performance.now())
        play.textContent = '▶'
      } else {
        c.play(performance.now())
        play.textContent = '⏸'
        if (!frame) frame = requestAnimationFrame(tick)
      }
    })
    seekTo = (ts) => {
      c.seek(ts, performance.now())
      draw(c.now(performance.now()))
    }
    slider.addEventListener('input', () => seekTo(Number(slider.value)))
    speed.addEventListener('change', () => c.setSpeed(Number(speed.value), performance.now()))
    clear(player, h('div', { class: 'controls' }, play, time, speed, readout), h('div', { class: 'controls' }, slider))
    dock = replayDock(
      buses.filter((b) => b.points.length > 0),
      timeline,
      [c.startMs, c.endMs],
      (ts) => seekTo(ts),
    )
    el.append(dock.el)
    draw(c.startMs)
  }

  load.addEventListener('click', () => {
    load.disabled = true
    status.className = 'status'
    status.textContent = t('Loading…')
    loadTracks()
      .then(
        (msg) => {
          status.textContent = msg ?? ''
        },
        (err: Error) => {
          status.className = 'status error'
          status.textContent = err.message
        },
      )
      .finally(() => (load.disabled = false))
  })
  if (asked.length > 0) load.click()

  return () => {
    stop()
    dock?.destroy()
    ctx.map.setReplay([])
    ctx.map.showFleet(true)
  }
}

export const replayView: View = { path: 'replay', title: 'Replay', roles: ['dispatcher', 'operator'], map: true, mount }
