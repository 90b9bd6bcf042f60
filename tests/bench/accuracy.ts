/**
 * Tracking accuracy against ground truth (`npm run bench:accuracy`): the simulator drives the demo
 * county's fleet through service days with GPS noise, jumps, dead zones (points arrive late, in a
 * batch), late starts, breakdowns and detours; the tracking engine sees the fixes as the server
 * would, when they would arrive. History days first teach it the legs' travel times (what the
 * continuous aggregate holds in production); the measured day adds field cases (a bus kept in the
 * depot, a stand-in of another operator, a breakdown for good, terminals switched on late, a
 * cancelled trip; accuracy-cases.ts) and is scored: alerts per kind and how many were false,
 * how soon each bus is matched to its trip, every trip's final state, stop-visit precision and
 * recall, ETA error and the transit-app bucket score, and the engine's cost per position.
 *
 *   npm run bench:accuracy -- [--date 2026-07-03] [--days 3] [--history 3] [--faults realistic|heavy|none]
 *                             [--assigned] [--plain] [--seed 7] [--out bench-results]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { addDays, serviceDate, type EngineCounters, type SegmentObservation, type SegmentStat } from '@rb/domain'
import { DEFAULT_BEHAVIOUR, FAULT_PROFILES, type FaultProfile } from '@rb/sim'
import { scoreAlerts, type AlertRules } from './accuracy-alerts.js'
import { engineCost, simulateDay, type DayRun } from './accuracy-day.js'
import { printReport } from './accuracy-report.js'
import { scoreEtas, scoreVisits } from './accuracy-score.js'
import { dayTruth, mergeTruths, type DayTruth } from './accuracy-truth.js'
import { confusion, matchTimes, summarizeMatches } from './accuracy-trips.js'
import { machineInfo } from './machine.js'

const { values: args } = parseArgs({
  options: {
    date: { type: 'string', default: '2026-07-03' },
    history: { type: 'string', default: '3' },
    days: { type: 'string', default: '3' },
    faults: { type: 'string', default: 'realistic' },
    assigned: { type: 'boolean', default: false },
    plain: { type: 'boolean', default: false },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: 'bench-results' },
    help: { type: 'boolean', default: false },
  },
})
if (args.help) {
  console.log('npm run bench:accuracy -- [--date YYYY-MM-DD (first measured day)] [--days N measured] [--history N days before] [--faults none|realistic|heavy] [--assigned] [--plain (no field cases)] [--seed S] [--out dir]')
  process.exit(0)
}
if (!FAULT_PROFILES.includes(args.faults as FaultProfile)) {
  console.error(`--faults must be one of ${FAULT_PROFILES.join(', ')}`)
  process.exit(1)
}
const faults = args.faults as FaultProfile

/** The targets. */
const TARGETS = { falseLateStart: 0, falseOffline: 0, falseOffRoutePer100h: 1, classifiedRight: 1, maxFixesToMatch: 3 } as const
/** Alert kinds the engine raises, listed even when none was raised. */
const KINDS = ['off_route', 'overspeed', 'late_start', 'early_departure', 'offline', 'trip_missed', 'driver_mismatch', 'driver_alarm']

const started = Date.now()
const date = serviceDate(args.date)
const sums = new Map<string, { travel: number; dwell: number; nDwell: number; n: number }>()
const learn = (segments: readonly SegmentObservation[]): void => {
  for (const s of segments) {
    const k = `${s.routeId}|${s.direction}|${s.fromSeq}`
    const a = sums.get(k) ?? { travel: 0, dwell: 0, nDwell: 0, n: 0 }
    a.travel += s.travelS
    a.n++
    if (s.dwellS !== null) {
      a.dwell += s.dwellS
      a.nDwell++
    }
    sums.set(k, a)
  }
}
const learned = (): Map<string, SegmentStat> => new Map([...sums].map(([k, a]) => [k, { travelS: a.travel / a.n, dwellS: a.nDwell === 0 ? null : a.dwell / a.nDwell, n: a.n }]))
const historyDays = Number(args.history)
for (let d = historyDays; d >= 1; d--) {
  const day = addDays(date, -d)
  const r = simulateDay({ date: day, seed: args.seed, faults, assigned: args.assigned, cases: false, stats: new Map(), measure: false })
  learn(r.segments)
  console.log(`history ${day}: ${r.positions.toLocaleString()} positions, ${r.segments.length} legs learned`)
}
// Each measured day is scored; what it drove teaches the next one, as the aggregate would.
const days: { run: DayRun; truth: DayTruth }[] = []
const firstStats = learned()
for (let d = 0; d < Number(args.days); d++) {
  const day = addDays(date, d)
  const run = simulateDay({ date: day, seed: args.seed, faults, assigned: args.assigned, cases: !args.plain, stats: d === 0 ? firstStats : learned(), measure: true })
  learn(run.segments)
  days.push({ run, truth: dayTruth(run) })
  console.log(`measured ${day}: ${run.positions.toLocaleString()} positions, ${run.instances.length} trips`)
}

const first = days[0]
if (!first) throw new RangeError('--days must be 1 or more')
const truth = mergeTruths(days.map((d) => d.truth))
const cfg = first.run.engine.config
const rules: AlertRules = {
  lateStartS: cfg.alerts.lateStartS,
  earlyDepartureS: cfg.alerts.earlyDepartureS,
  offRouteM: cfg.tracker.offRouteM,
  offRouteMinS: cfg.alerts.offRouteMinS,
  overspeedMinS: cfg.alerts.overspeedMinS,
  fixIntervalS: DEFAULT_BEHAVIOUR.intervalS,
  slackMs: 15_000,
}
const allAlerts = days.flatMap(({ run }) => [...run.alerts.values()].map((a) => ({ ...a, seenTs: run.alertSeenTs.get(a.id) })))
const alerts = scoreAlerts(allAlerts, truth.alerts, rules, truth.tripHours, KINDS)
const times = days.flatMap(({ run, truth: t }) => matchTimes(t.matchCases, run.starts, run.fixTs))
const sum = (f: (r: DayRun) => number): number => days.reduce((n, d) => n + f(d.run), 0)
const movingFixes = sum((r) => r.moving.fixes)
const groups = ['mid-route', 'other operator']
const matching = {
  movingMatchedShare: movingFixes === 0 ? 1 : sum((r) => r.moving.right) / movingFixes,
  movingFixes,
  all: summarizeMatches(times, TARGETS.maxFixesToMatch),
  ...Object.fromEntries(groups.map((g) => [g, summarizeMatches(times.filter((t) => t.groups.includes(g)), TARGETS.maxFixesToMatch)])),
}
const classification = confusion(days.flatMap(({ run, truth: t }) => run.instances.map((i) => ({ tripInstanceId: i.id, truth: t.classOf.get(i.id) ?? 'missed', engine: run.statuses.get(i.id) ?? 'scheduled' }))))
const visits = scoreVisits(truth.observableVisits, days.flatMap((d) => d.run.detected))
const etas = scoreEtas(truth.observableVisits, days.flatMap((d) => d.run.predictions))
let runTrips = 0
let rightTrips = 0
let wrongTrips = 0
for (const { run } of days) {
  runTrips += run.trueTrips.size
  for (const [trip, vehicle] of run.trueTrips) if (run.matchedTrips.get(trip) === vehicle) rightTrips++
  wrongTrips += [...run.matchedTrips].filter(([trip, vehicle]) => run.trueTrips.get(trip) !== vehicle).length
}
const positions = sum((r) => r.positions)
const cost = engineCost(first.run, firstStats)
const counterKeys = Object.keys(first.run.engine.counters) as (keyof EngineCounters)[]
const counters = Object.fromEntries(counterKeys.map((k) => [k, sum((r) => r.engine.counters[k])])) as Record<keyof EngineCounters, number>
const measured: Record<keyof typeof TARGETS, number> = {
  falseLateStart: alerts.late_start?.false ?? 0,
  falseOffline: alerts.offline?.false ?? 0,
  falseOffRoutePer100h: alerts.off_route?.falsePer100TripHours ?? 0,
  classifiedRight: classification.share,
  // A bus never matched (or only by a match dropped later) took forever.
  maxFixesToMatch: matching.all.slow.some((t) => !t.matched) ? Infinity : (matching.all.fixes.max ?? 0),
}
const targets = Object.fromEntries(
  (Object.entries(TARGETS) as [keyof typeof TARGETS, number][]).map(([k, target]) => [k, { target, measured: measured[k], met: k === 'classifiedRight' ? measured[k] >= target : measured[k] <= target }]),
)

const result = {
  dates: days.map((d) => d.run.date), faults, assigned: args.assigned, fieldCases: days.map((d) => d.run.cases).filter((c) => c !== null), historyDays, seed: args.seed,
  machine: machineInfo(), startedAt: new Date(started).toISOString(),
  positions, cost, tripHours: truth.tripHours,
  trips: { run: runTrips, right: rightTrips, wrong: wrongTrips },
  alerts, matching, classification, targets,
  visits, etas, counters, seconds: 0,
}
printReport(result)
const outDir = resolve(args.out)
mkdirSync(outDir, { recursive: true })
const file = join(outDir, `accuracy-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`)
result.seconds = (Date.now() - started) / 1000
writeFileSync(file, JSON.stringify(result, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v), 2))
console.log(`  written to ${file} in ${result.seconds.toFixed(0)} s`)
