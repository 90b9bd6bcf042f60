/**
 * Tracking accuracy against ground truth (`npm run bench:accuracy`): the simulator drives the demo
 * county's fleet through service days with GPS noise, jumps, dead zones (points arrive late, in a
 * batch), late starts, breakdowns and detours; the tracking engine sees the fixes as the server
 * would, when they would arrive. History days first teach it the legs' travel times (what the
 * continuous aggregate holds in production); the measured day is then scored: stop-visit
 * precision and recall, ETA mean absolute error at 5/10/20 minutes ahead, the transit-app bucket
 * score, trip-matching accuracy, and the engine's cost per position.
 *
 *   npm run bench:accuracy -- [--date 2026-07-03] [--history 3] [--faults realistic|heavy|none]
 *                             [--assigned] [--seed 7] [--out bench-results]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { addDays, demoCounty, serviceDate, TrackingEngine, type EngineInstance, type SegmentStat, type SegmentObservation } from '@rb/domain'
import { DEFAULT_BEHAVIOUR, createFleet, faultProfile, networkFromSnapshot, type FaultProfile, type SimNetwork } from '@rb/sim'
import { scoreEtas, scoreVisits, type DetectedVisit, type Prediction, type TruthVisit } from './accuracy-score.js'

const { values: args } = parseArgs({
  options: {
    date: { type: 'string', default: '2026-07-03' },
    history: { type: 'string', default: '3' },
    faults: { type: 'string', default: 'realistic' },
    assigned: { type: 'boolean', default: false },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: 'bench-results' },
    help: { type: 'boolean', default: false },
  },
})
if (args.help) {
  console.log('npm run bench:accuracy -- [--date YYYY-MM-DD] [--history N days] [--faults none|realistic|heavy] [--assigned] [--seed S] [--out dir]')
  process.exit(0)
}

const PREDICT_EVERY_MS = 30_000
const TICK_MS = 5_000
const snapshot = demoCounty()

interface DayResult {
  truth: TruthVisit[]
  detected: DetectedVisit[]
  predictions: Prediction[]
  segments: SegmentObservation[]
  positions: number
  engineMs: number
  trueTrips: Map<string, string>
  matchedTrips: Map<string, string>
  engine: TrackingEngine
}

function simulateDay(date: string, seed: string, stats: Map<string, SegmentStat>, measure: boolean): DayResult {
  const net: SimNetwork = networkFromSnapshot(snapshot, date)
  const fleet = createFleet(net, { seed: `${seed}-${date}`, faults: faultProfile(args.faults as FaultProfile), behaviour: DEFAULT_BEHAVIOUR })
  const assignedTo = new Map<string, string>()
  for (const v of fleet.vehicles) for (const t of v.trips) assignedTo.set(t.id, v.vehicle.id)

  const engine = new TrackingEngine()
  const instances: EngineInstance[] = net.trips.map((t) => {
    return {
      id: t.id, tripId: t.id.replace(/_\d{8}$/, ''), routeId: t.routeId, kind: t.kind, serviceDate: serviceDate(date), direction: t.direction, headsign: '',
      departureTs: t.departureTs, stops: t.stops, seats: 30, bookingPolicy: 'none', minRiders: 0, bookingCutoffMin: 0,
      status: 'scheduled', cancelReason: null, vehicleId: args.assigned ? (assignedTo.get(t.id) ?? null) : null, driverId: null,
    }
  })
  engine.setNetwork({ instances, routes: snapshot.routes, vehicles: snapshot.vehicles })
  engine.setSegmentStats((routeId, direction, fromSeq) => stats.get(`${routeId}|${direction}|${fromSeq}`))

  const truth: TruthVisit[] = []
  const visits = new Map<string, DetectedVisit>()
  const predictions: Prediction[] = []
  const segments: SegmentObservation[] = []
  const trueTrips = new Map<string, string>()
  const matchedTrips = new Map<string, string>()
  let positions = 0
  let engineMs = 0
  let nextTick = fleet.window ? fleet.window.fromTs - 3600_000 : 0
  let nextPredict = nextTick

  const drain = () => {
    const out = engine.drain()
    segments.push(...out.segments)
    for (const e of out.events) {
      if (e.type === 'trip_start' && e.tripInstanceId) matchedTrips.set(e.tripInstanceId, e.vehicleId)
      if ((e.type !== 'arrival' && e.type !== 'departure') || !e.tripInstanceId) continue
      const key = `${e.tripInstanceId}|${String(e.data.seq)}`
      const v = visits.get(key) ?? { tripInstanceId: e.tripInstanceId, seq: Number(e.data.seq), arrivalTs: e.ts, departureTs: null }
      if (e.type === 'departure') v.departureTs = e.ts
      visits.set(key, v)
    }
  }

  for (;;) {
    const next = fleet.nextTs()
    if (next === null) break
    const until = next + TICK_MS
    for (const ev of fleet.advance(until)) {
      if (ev.type === 'truth' && ev.record.kind === 'stop_visit') {
        const r = ev.record
        truth.push({ tripInstanceId: r.tripInstanceId, seq: r.seq, arrivalTs: r.arrivalTs, departureTs: r.departureTs })
      }
      const fixes = ev.type === 'fix' ? [ev.fix] : ev.type === 'batch' ? ev.fixes : []
      for (const f of fixes) {
        if (f.meta.tripInstanceId) trueTrips.set(f.meta.tripInstanceId, ev.vehicleId)
        const t0 = performance.now()
        engine.onPosition({ vehicleId: ev.vehicleId, ts: f.ts, lng: f.lng, lat: f.lat, speedKmh: f.speedKmh, headingDeg: f.headingDeg }, ev.ts)
        engineMs += performance.now() - t0
        positions++
      }
    }
    while (nextTick <= until) {
      const t0 = performance.now()
      engine.tick(nextTick)
      engineMs += performance.now() - t0
      nextTick += TICK_MS
    }
    drain()
    if (measure) {
      while (nextPredict <= until) {
        for (const vehicleId of engine.vehicleIds()) {
          const run = engine.runOf(vehicleId)
          if (!run) continue
          for (const e of engine.etas(vehicleId)) predictions.push({ tripInstanceId: run.instance.id, seq: e.seq, madeTs: nextPredict, etaTs: e.etaTs })
        }
        nextPredict += PREDICT_EVERY_MS
      }
    }
  }
  return { truth, detected: [...visits.values()], predictions, segments, positions, engineMs, trueTrips, matchedTrips, engine }
}

function learn(segments: readonly SegmentObservation[], into: Map<string, { travel: number; dwell: number; nDwell: number; n: number }>): void {
  for (const s of segments) {
    const k = `${s.routeId}|${s.direction}|${s.fromSeq}`
    const a = into.get(k) ?? { travel: 0, dwell: 0, nDwell: 0, n: 0 }
    a.travel += s.travelS
    a.n++
    if (s.dwellS !== null) {
      a.dwell += s.dwellS
      a.nDwell++
    }
    into.set(k, a)
  }
}

const started = Date.now()
const date = serviceDate(args.date)
const sums = new Map<string, { travel: number; dwell: number; nDwell: number; n: number }>()
const historyDays = Number(args.history)
for (let d = historyDays; d >= 1; d--) {
  const day = addDays(date, -d)
  const r = simulateDay(day, args.seed, new Map(), false)
  learn(r.segments, sums)
  console.log(`history ${day}: ${r.positions.toLocaleString()} positions, ${r.segments.length} legs learned`)
}
const stats = new Map([...sums].map(([k, a]) => [k, { travelS: a.travel / a.n, dwellS: a.nDwell === 0 ? null : a.dwell / a.nDwell, n: a.n }]))
const day = simulateDay(date, args.seed, stats, true)

const visits = scoreVisits(day.truth, day.detected)
const etas = scoreEtas(day.truth, day.predictions)
let rightTrips = 0
for (const [trip, vehicle] of day.trueTrips) if (day.matchedTrips.get(trip) === vehicle) rightTrips++
const wrongTrips = [...day.matchedTrips].filter(([trip, vehicle]) => day.trueTrips.get(trip) !== vehicle).length
const usPerPosition = (day.engineMs * 1000) / Math.max(1, day.positions)

const pct = (x: number) => `${(x * 100).toFixed(1)} %`
console.log(`\nTracking accuracy — demo county, ${date}, faults ${args.faults}, ${args.assigned ? 'trips assigned' : 'trips inferred (no assignments)'}, ${historyDays} history days`)
console.log(`  positions ${day.positions.toLocaleString()}, engine ${usPerPosition.toFixed(1)} µs per position (${(1e6 / usPerPosition).toFixed(0)} positions/s on one core)`)
console.log(`  trips run ${day.trueTrips.size}, matched to the right vehicle ${rightTrips} (${pct(rightTrips / Math.max(1, day.trueTrips.size))}), wrong matches ${wrongTrips}`)
console.log(`  stop visits: truth ${visits.truth}, detected ${visits.detected}, precision ${pct(visits.precision)}, recall ${pct(visits.recall)}; arrival MAE ${visits.arrivalMaeS.toFixed(1)} s, departure MAE ${visits.departureMaeS.toFixed(1)} s`)
console.log(`  ETA MAE: 5 min ahead ${etas.maeS['5min'].maeS.toFixed(1)} s (n ${etas.maeS['5min'].n}), 10 min ${etas.maeS['10min'].maeS.toFixed(1)} s (n ${etas.maeS['10min'].n}), 20 min ${etas.maeS['20min'].maeS.toFixed(1)} s (n ${etas.maeS['20min'].n})`)
console.log(`  bucket accuracy: ${etas.buckets.map((b) => `${b.name} ${pct(b.accuracy)} (n ${b.n})`).join(', ')}`)
console.log(`  bucket score ${pct(etas.bucketScore)}  (targets: visits ≥ 99 % precision and recall, ETA MAE ≤ 60 s at 10 min, score ≥ 90 %)`)

const outDir = resolve(args.out)
mkdirSync(outDir, { recursive: true })
const file = join(outDir, `accuracy-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`)
writeFileSync(file, JSON.stringify({ date, faults: args.faults, assigned: args.assigned, historyDays, seed: args.seed, positions: day.positions, usPerPosition, trips: { run: day.trueTrips.size, right: rightTrips, wrong: wrongTrips }, visits, etas, counters: day.engine.counters, seconds: (Date.now() - started) / 1000 }, null, 2))
console.log(`  written to ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
