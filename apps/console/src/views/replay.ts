/**
 * Replay: a vehicle's stored track in a time range, played on the map with a time slider and a
 * speed control, with its events (arrivals, departures, alerts) placed on the track.
 */
import type { LngLat } from '@rb/domain'
import { decodeTrack, type CompactTrack } from '@rb/protocol/track'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { PlaybackClock, sampleAt, type TrackPoint } from '../replay.js'
import { clear, field, h, table } from '../ui/dom.js'
import { clockS, day, fromLocalInput, toLocalInput } from '../ui/format.js'
import { t, word } from '../i18n/index.js'

interface TrackResponse extends CompactTrack {
  count: number
  downsampled: boolean
}
interface EventItem {
  ts: number
  type: string
  stopCode: string | null
  tripInstanceId: string | null
}

const SPEEDS = [1, 10, 30, 60, 120, 300, 600, 1200]

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const ids = [...new Set([...ctx.network.vehicles.map((v) => v.id), ...ctx.fleet.vehicles.keys()])].sort()
  const vehicle = h('select', { name: 'vehicle' }, ids.map((id) => h('option', { value: id, selected: id === params.get('vehicle') }, id)))
  // Default range: the three hours up to the vehicle's newest fix (or up to now).
  const lastFix = (id: string): number => ctx.fleet.vehicles.get(id)?.ts ?? Date.now()
  const from = h('input', { type: 'datetime-local', name: 'from' })
  const to = h('input', { type: 'datetime-local', name: 'to' })
  const setRange = (): void => {
    const end = lastFix(vehicle.value) + 60_000
    to.value = toLocalInput(end)
    from.value = toLocalInput(end - 3 * 3_600_000)
  }
  setRange()
  vehicle.addEventListener('change', setRange)
  const load = h('button', { class: 'primary' }, t('Load track'))
  const status = h('p', { class: 'status' })
  const player = h('div', { class: 'player' })
  const eventsBox = h('div', { class: 'events' })
  el.append(h('aside', { class: 'panel side replay-panel' }, h('h2', null, t('Replay')), field(t('Vehicle'), vehicle), h('div', { class: 'row' }, field(t('From (UTC+8)'), from), field(t('To'), to)), load, status, player, eventsBox))

  let frame = 0
  let clock: PlaybackClock | null = null
  ctx.map.showFleet(false)

  const stop = (): void => {
    cancelAnimationFrame(frame)
    frame = 0
  }

  async function loadTrack(): Promise<string> {
    stop()
    const id = vehicle.value
    const fromMs = fromLocalInput(from.value)
    const toMs = fromLocalInput(to.value)
    if (!(fromMs < toMs)) throw new Error(t('“From” must be before “To”'))
    const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }
    const [track, events] = await Promise.all([
      api.get<TrackResponse>(`/api/vehicles/${encodeURIComponent(id)}/track${qs({ ...range, maxPoints: 50_000, format: 'compact' })}`),
      api.get<{ items: EventItem[] }>(`/api/events${qs({ ...range, vehicleId: id, limit: 2000 })}`).catch(() => ({ items: [] })),
    ])
    const pts: TrackPoint[] = decodeTrack(track)
    if (pts.length === 0) {
      ctx.map.setReplay(null, null)
      clear(player)
      clear(eventsBox)
      return t('No positions of {id} in this range.', { id })
    }
    const line: LngLat[] = pts.map((p) => [p[1], p[2]])
    const placed = events.items.map((e) => ({ ...e, at: sampleAt(pts, e.ts)?.point ?? null }))
    ctx.map.setReplay(line, line[0] ?? null, placed.filter((e) => e.at).map((e) => ({ point: e.at as LngLat, type: e.type })))
    ctx.map.fitTo(line)
    clock = new PlaybackClock(pts[0]![0], pts.at(-1)![0], 60)
    buildPlayer(pts, clock)
    clear(eventsBox, h('h3', null, `${t('Events')} (${events.items.length})`), table([t('Time'), t('Event'), t('Stop')], placed, (e) => [clockS(e.ts), word(e.type), e.stopCode ?? ''], { onRow: (e) => seekTo(e.ts) }))
    return `${t('{n} points', { n: track.count })}${track.downsampled ? ` (${t('downsampled')})` : ''}, ${day(pts[0]![0])} ${clockS(pts[0]![0])} – ${clockS(pts.at(-1)![0])}`
  }

  let seekTo = (_ts: number): void => {}

  function buildPlayer(pts: TrackPoint[], c: PlaybackClock): void {
    const slider = h('input', { type: 'range', min: String(c.startMs), max: String(c.endMs), step: '1000', value: String(c.startMs), attrs: { 'aria-label': t('Time') } })
    const play = h('button', { class: 'primary play' }, '▶')
    const speed = h('select', { attrs: { 'aria-label': t('Speed') } }, SPEEDS.map((s) => h('option', { value: String(s), selected: s === c.speed }, `${s}×`)))
    const time = h('b', { class: 'replay-time' }, clockS(c.startMs))
    const readout = h('span', { class: 'muted' })
    const draw = (ts: number): void => {
      const s = sampleAt(pts, ts)
      ctx.map.setReplayPoint(s?.point ?? null)
      slider.value = String(Math.round(ts))
      time.textContent = clockS(ts)
      readout.textContent = s ? `${Math.round(s.speedKmh)} km/h` : ''
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
    slider.addEventListener('input', () => {
      c.seek(Number(slider.value), performance.now())
      draw(c.now(performance.now()))
    })
    speed.addEventListener('change', () => c.setSpeed(Number(speed.value), performance.now()))
    seekTo = (ts) => {
      c.seek(ts, performance.now())
      draw(c.now(performance.now()))
    }
    clear(player, h('div', { class: 'controls' }, play, time, speed, readout), h('div', { class: 'controls' }, slider))
    draw(c.startMs)
  }

  load.addEventListener('click', () => {
    load.disabled = true
    status.className = 'status'
    status.textContent = t('Loading…')
    loadTrack().then(
      (msg) => {
        status.textContent = msg ?? ''
      },
      (err: Error) => {
        status.className = 'status error'
        status.textContent = err.message
      },
    ).finally(() => (load.disabled = false))
  })
  if (params.get('vehicle')) load.click()

  return () => {
    stop()
    ctx.map.setReplay(null, null)
    ctx.map.showFleet(true)
  }
}

export const replayView: View = { path: 'replay', title: 'Replay', roles: ['dispatcher', 'operator'], map: true, mount }
