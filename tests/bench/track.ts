/**
 * A vehicle-day of history read back: 86,400 fixes at 1 Hz stored through the real ingest
 * (`pos/batch` over MQTT), then `GET /api/vehicles/:id/track` timed in both forms (points and
 * compact), in full and with `maxPoints=2000`, several times each. Figures only. Also how far the
 * downsampled line strays from the full one (the largest distance of a stored fix from it).
 *
 *   node --import tsx tests/bench/track.ts [--targets embedded,postgres] [--repeats 5]
 *
 * `benchTrack(target)` is exported for the bench runner (`npm run bench` runs it too).
 */
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import mqtt from 'mqtt'
import { decodeTrack, topics, type CompactTrack, type TrackPoint } from '@rb/protocol'
import { parseOptions, type TargetName } from './options.js'
import { startTarget, type RunningTarget } from './server.js'
import { waitFor } from '../support/server.js'

const DAY_FIXES = 86_400
const BATCH = 1_000

export interface TrackRead {
  form: 'points' | 'compact'
  maxPoints: number | null
  count: number
  bytes: number
  /** Request → whole body read, ms, per repeat. */
  ms: number[]
  /** Largest distance of a stored fix from the answered line, m (downsampled reads). */
  strayM: number | null
}

/** A bus's day: out and back along a winding valley road, stops and a midday layover. */
export function vehicleDay(endMs: number): TrackPoint[] {
  const out: TrackPoint[] = []
  const start = endMs - DAY_FIXES * 1000
  let lng = 105.4
  let lat = 28.1
  let heading = 60
  for (let i = 0; i < DAY_FIXES; i++) {
    const phase = Math.floor(i / 3_600) % 4
    const stopped = i % 600 < 40 || phase === 3
    const speed = stopped ? 0 : 25 + 15 * Math.sin(i / 300)
    heading = (heading + (stopped ? 0 : 8 * Math.sin(i / 45))) % 360
    const d = speed / 3.6 / 111_000
    lng += d * Math.sin((heading * Math.PI) / 180)
    lat += d * Math.cos((heading * Math.PI) / 180)
    out.push([
      start + i * 1000,
      Math.round(lng * 1e7) / 1e7,
      Math.round(lat * 1e7) / 1e7,
      Math.round(speed * 10) / 10,
      Math.round((heading + 360) % 360),
    ])
  }
  return out
}

/** Metres between a point and a segment, on a local flat projection. */
function strayOf(p: TrackPoint, a: TrackPoint, b: TrackPoint): number {
  const k = Math.cos((p[2] * Math.PI) / 180) * 111_320
  const [ax, ay, bx, by, px, py] = [a[1] * k, a[2] * 111_320, b[1] * k, b[2] * 111_320, p[1] * k, p[2] * 111_320]
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2))
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy))
}

/** The largest distance of a full-track fix from the downsampled line (each fix against the segment spanning its time). */
export function maxStray(full: readonly TrackPoint[], line: readonly TrackPoint[]): number {
  let worst = 0
  let j = 0
  for (const p of full) {
    while (j < line.length - 2 && (line[j + 1] as TrackPoint)[0] <= p[0]) j++
    const a = line[j] as TrackPoint
    const b = line[Math.min(j + 1, line.length - 1)] as TrackPoint
    worst = Math.max(worst, strayOf(p, a, b))
  }
  return worst
}

async function storeDay(target: RunningTarget, vehicleId: string, points: readonly TrackPoint[]): Promise<void> {
  const client = await mqtt.connectAsync(target.mqttUrl, { clientId: `bench-track-${vehicleId}`, protocolVersion: 4 })
  try {
    for (let i = 0; i < points.length; i += BATCH) {
      const batch = points
        .slice(i, i + BATCH)
        .map(([t, lng, lat, speed, heading]) => ({ ts: new Date(t).toISOString(), lon: lng, lat, speed, heading }))
      await client.publishAsync(topics.positionBatch(vehicleId), JSON.stringify(batch), { qos: 1 })
    }
  } finally {
    await client.endAsync()
  }
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0
}

export async function benchTrack(target: RunningTarget, opts: { repeats?: number } = {}): Promise<TrackRead[]> {
  const repeats = opts.repeats ?? 5
  const vehicleId = `BT-${Date.now().toString(36)}`
  // Ends an hour ago: every fix is in the past when it arrives.
  const endMs = Math.floor((Date.now() - 3_600_000) / 1000) * 1000
  const day = vehicleDay(endMs)
  const range = `from=${new Date(endMs - DAY_FIXES * 1000).toISOString()}&to=${new Date(endMs + 1000).toISOString()}`
  const url = (q: string): string => `${target.baseUrl}/api/vehicles/${vehicleId}/track?${range}${q}`
  const headers = { authorization: `Bearer ${target.token}` }
  await storeDay(target, vehicleId, day)
  await waitFor(
    async () => {
      const r = await fetch(url('&maxPoints=2'), { headers })
      const body = (await r.json()) as { downsampled?: boolean; count?: number }
      // Two points answered, and downsampled: every point of the day is stored (count from the database).
      return (
        body.downsampled === true &&
        ((await (await fetch(url('&format=compact'), { headers })).json()) as { count: number }).count === DAY_FIXES
      )
    },
    300_000,
    500,
  )

  const out: TrackRead[] = []
  for (const form of ['points', 'compact'] as const) {
    for (const maxPoints of [null, 2000]) {
      const q = `${form === 'compact' ? '&format=compact' : ''}${maxPoints ? `&maxPoints=${maxPoints}` : ''}`
      const ms: number[] = []
      let text = ''
      for (let i = 0; i < repeats + 1; i++) {
        const t0 = performance.now()
        const res = await fetch(url(q), { headers })
        text = await res.text()
        if (res.status !== 200) throw new Error(`track ${q}: ${res.status} ${text.slice(0, 200)}`)
        // The first read warms caches (and the JIT); it is not counted.
        if (i > 0) ms.push(performance.now() - t0)
      }
      const body = JSON.parse(text) as { count: number; points?: TrackPoint[] } & Partial<CompactTrack>
      const line = form === 'compact' ? decodeTrack(body as CompactTrack) : (body.points ?? [])
      out.push({
        form,
        maxPoints,
        count: body.count,
        bytes: Buffer.byteLength(text),
        ms,
        strayM: maxPoints ? maxStray(day, line) : null,
      })
    }
  }
  return out
}

export function trackTable(target: string, reads: readonly TrackRead[]): string {
  const head = `Vehicle-day read — ${target}: ${DAY_FIXES.toLocaleString('en-US')} fixes at 1 Hz, GET /api/vehicles/:id/track`
  const rows = reads.map(
    (r) =>
      `  ${r.form.padEnd(7)} ${r.maxPoints ? `maxPoints=${r.maxPoints}` : 'full          '}: ${r.count.toLocaleString('en-US').padStart(6)} points, ` +
      `${(r.bytes / 1024).toFixed(0).padStart(5)} KiB; p50 ${Math.round(quantile(r.ms, 0.5))} ms, best ${Math.round(Math.min(...r.ms))} ms, worst ${Math.round(Math.max(...r.ms))} ms` +
      (r.strayM === null ? '' : `; line strays ≤ ${r.strayM.toFixed(1)} m from the fixes`),
  )
  return [head, ...rows].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { targets: { type: 'string' }, repeats: { type: 'string', default: '5' } },
    strict: true,
  })
  const opts = parseOptions(values.targets ? ['--targets', values.targets] : [], process.env)
  for (const name of opts.targets.filter((t): t is TargetName => !t.endsWith('+mqtt'))) {
    console.log(`  … starting the server: ${name}`)
    const target = await startTarget(name, opts)
    try {
      console.log(
        trackTable(`${name} (${target.describe})`, await benchTrack(target, { repeats: Number(values.repeats) })),
      )
    } finally {
      await target.stop()
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
