/** The accuracy bench's printed report: the figures against the issue's targets, then the detail. */
import type { EngineCounters } from '@rb/domain'
import type { FieldCases } from './accuracy-cases.js'
import type { KindScore } from './accuracy-alerts.js'
import type { ShownCheck } from './accuracy-day.js'
import type { EtaScore, PassByScore, VisitScore } from './accuracy-score.js'
import type { Confusion, MatchSummary, Spread } from './accuracy-trips.js'

/** The figures a profile is compared by (the table of `--profile all`). */
export interface ProfileFigures {
  profile: string
  intervalS: number
  bucketScore: number
  worstRoute: { routeId: string; score: number } | null
  routeScoreMin: number
  mae: Record<'5min' | '10min' | '20min', number>
  /** Trips of the slow drivers alone (late-driver profile). */
  slowDriverMae10S: number | null
  slowDriverScore: number | null
  passBys: PassByScore
  shown: ShownCheck
  visits: { precision: number; recall: number }
  classifiedRight: number
}

export interface AccuracyResult {
  profile: string
  intervalS: number
  checks: Record<string, { target: string; measured: string; met: boolean }>
  figures: ProfileFigures
  routes: Record<string, EtaScore>
  slowDrivers: EtaScore | null
  seconds: number
  seed: string
  machine: unknown
  startedAt: string
  dates: string[]
  faults: string
  assigned: boolean
  fieldCases: FieldCases[]
  historyDays: number
  positions: number
  /** The engine alone, replaying the first measured day. */
  cost: { positions: number; cpuUsPerPosition: number; wallUsPerPosition: number }
  tripHours: number
  trips: { run: number; right: number; wrong: number }
  alerts: Record<string, KindScore>
  matching: { movingMatchedShare: number; movingFixes: number; all: MatchSummary } & Record<string, unknown>
  classification: Confusion
  targets: Record<string, { target: number; measured: number; met: boolean }>
  visits: VisitScore
  etas: EtaScore
  counters: Record<keyof EngineCounters, number>
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`
const num = (x: number | null): string => (x === null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(1))
const spread = (s: Spread, unit = ''): string =>
  `p50 ${num(s.p50)}${unit} / p95 ${num(s.p95)}${unit} / max ${num(s.max)}${unit}`
const clock = (ts: number): string => new Date(ts + 8 * 3600_000).toISOString().slice(11, 19)

export function printReport(r: AccuracyResult): void {
  const log = console.log
  log(
    `\nTracking accuracy — profile ${r.profile} (faults ${r.faults}, a fix every ${r.intervalS} s) — demo county, ${r.dates.join(', ')}, ${r.assigned ? 'roster given (trips assigned)' : 'trips inferred (no roster)'}, ${r.historyDays} history days`,
  )
  for (const c of r.fieldCases) {
    log(
      `  field cases: ${c.withheld ?? '–'} kept in the depot (${c.lent.map((l) => `${l.tripInstanceId} run by ${l.vehicleId}`).join(', ')}; not run: ${c.unrun.join(', ')})`,
    )
    log(
      `    breaks down for good: ${c.strandings.map((s) => `${s.vehicleId} on ${s.tripInstanceId} at ${Math.round(s.atShare * 100)} %`).join(', ')}; terminals on late: ${c.lateTerminals.map((l) => `${l.vehicleId} ${clock(l.fromTs)}`).join(', ')}; cancelled: ${c.cancelled.join(', ')}`,
    )
  }
  log(
    `  positions ${r.positions.toLocaleString()}, ${r.tripHours.toFixed(1)} trip-hours; engine alone (replaying ${r.cost.positions.toLocaleString()} positions): ${r.cost.cpuUsPerPosition.toFixed(1)} µs CPU, ${r.cost.wallUsPerPosition.toFixed(1)} µs wall per position`,
  )

  log('\n  against the targets')
  const shown = (k: string, x: number): string => (k === 'classifiedRight' ? pct(x) : num(x))
  for (const [k, t] of Object.entries(r.targets))
    log(
      `    ${t.met ? 'met   ' : 'MISSED'} ${k}: ${shown(k, t.measured)} (target ${k === 'falseLateStart' || k === 'falseOffline' ? '' : k === 'classifiedRight' ? '' : '≤ '}${shown(k, t.target)})`,
    )
  for (const [k, t] of Object.entries(r.checks))
    log(`    ${t.met ? 'met   ' : 'MISSED'} ${k}: ${t.measured} (target ${t.target})`)

  log('\n  alerts            raised  /100 h   false  false/100 h  (of the false: bus sent nothing then)')
  for (const [kind, s] of Object.entries(r.alerts)) {
    log(
      `    ${kind.padEnd(16)} ${String(s.raised).padStart(6)}  ${s.per100TripHours.toFixed(1).padStart(6)}  ${num(s.false).padStart(6)}  ${s.falsePer100TripHours === null ? '   no truth' : s.falsePer100TripHours.toFixed(1).padStart(11)}${s.blind > 0 ? `  (${s.blind})` : ''}`,
    )
    for (const e of s.examples.slice(0, 5))
      log(`      false: ${e.vehicleId ?? '–'} ${e.tripInstanceId ?? ''} ${clock(e.ts)} — ${e.why}`)
    if ((s.false ?? 0) > 5) log(`      … ${(s.false ?? 0) - 5} more in the JSON`)
  }

  const m = r.matching
  log(
    `\n  matching: ${pct(m.movingMatchedShare)} of ${m.movingFixes.toLocaleString()} fixes of buses moving on a trip were on the right trip`,
  )
  for (const [name, s] of Object.entries(m).filter(
    (e): e is [string, MatchSummary] =>
      typeof e[1] === 'object' && e[1] !== null && 'fixes' in e[1] && (e[1] as MatchSummary).trips > 0,
  )) {
    log(
      `    ${name.padEnd(15)} ${s.matched}/${s.trips} matched; fixes after leaving (or first seen) ${spread(s.fixes)}; seconds ${spread(s.seconds, ' s')}`,
    )
  }
  for (const t of m.all.slow) {
    const how = t.matched
      ? `${t.fixes} fixes, ${num(t.seconds)} s`
      : t.dropped
        ? `matched after ${t.fixes} fixes, then dropped as a bad match`
        : 'never matched'
    log(
      `      slow: ${t.vehicleId} ${t.tripInstanceId} ${how}${t.groups.length > 0 ? ` (${t.groups.join(', ')})` : ''}`,
    )
  }

  const k = r.classification
  const engineStates = [...new Set(Object.values(k.table).flatMap((row) => Object.keys(row)))].sort()
  log(`\n  trips at the end of the day: ${k.right}/${k.total} classified right (${pct(k.share)})`)
  log(`    truth \\ engine ${engineStates.map((s) => s.padStart(11)).join('')}`)
  for (const [truth, row] of Object.entries(k.table))
    log(`    ${truth.padEnd(15)} ${engineStates.map((s) => String(row[s] ?? 0).padStart(11)).join('')}`)
  for (const w of k.wrong) log(`      wrong: ${w.tripInstanceId} truly ${w.truth}, engine ${w.engine}`)

  const v = r.visits
  const e = r.etas
  log(
    `\n  trips run ${r.trips.run}, last match right ${r.trips.right}, wrong ${r.trips.wrong}; counters ${JSON.stringify(r.counters)}`,
  )
  log(
    `  stop visits: truth ${v.truth}, detected ${v.detected}, precision ${pct(v.precision)}, recall ${pct(v.recall)}; arrival MAE ${v.arrivalMaeS.toFixed(1)} s, departure MAE ${v.departureMaeS.toFixed(1)} s`,
  )
  log(
    `  ETA MAE: 5 min ahead ${e.maeS['5min'].maeS.toFixed(1)} s (n ${e.maeS['5min'].n}), 10 min ${e.maeS['10min'].maeS.toFixed(1)} s (n ${e.maeS['10min'].n}), 20 min ${e.maeS['20min'].maeS.toFixed(1)} s (n ${e.maeS['20min'].n})`,
  )
  log(
    `  bucket accuracy: ${e.buckets.map((b) => `${b.name} ${pct(b.accuracy)} (n ${b.n})`).join(', ')}; score ${pct(e.bucketScore)}`,
  )
  const f = r.figures
  log(
    `  passed without stopping: ${f.passBys.flaggedRight}/${f.passBys.truth} true pass-bys flagged (recall ${pct(f.passBys.recall)}), ${f.passBys.flagged} flagged (precision ${pct(f.passBys.precision)})`,
  )
  log(
    `  shown to riders (next two stops of every running bus, once a minute): ${f.shown.rows.toLocaleString()} rows of a tracked bus, ${f.shown.noPosition.toLocaleString()} without live position; an ETA past the grace ${f.shown.etaPastGrace}, "due" past the grace ${f.shown.duePastGrace}; oldest fix behind an ETA ${f.shown.maxAgeBehindEtaS} s`,
  )
  const routes = Object.entries(r.routes)
    .filter(([, e]) => e.verifiable > 0)
    .sort(([, a], [, b]) => a.bucketScore - b.bucketScore)
  log(
    `  bucket score per route (worst five): ${routes
      .slice(0, 5)
      .map(([id, e]) => `${id} ${pct(e.bucketScore)}`)
      .join(', ')}`,
  )
  if (r.slowDrivers)
    log(
      `  slow drivers' trips: ETA MAE 5 / 10 / 20 min ${r.slowDrivers.maeS['5min'].maeS.toFixed(1)} / ${r.slowDrivers.maeS['10min'].maeS.toFixed(1)} / ${r.slowDrivers.maeS['20min'].maeS.toFixed(1)} s, bucket score ${pct(r.slowDrivers.bucketScore)}`,
    )
}

/** The profiles side by side. */
export function printProfileTable(rows: readonly ProfileFigures[]): void {
  const log = console.log
  const s = (x: number | null, unit = ' s'): string => (x === null ? '–' : `${x.toFixed(0)}${unit}`)
  log(
    '\n  profile       fix   bucket score  worst route         ETA MAE 5/10/20 min   slow drivers MAE 10   pass-by recall  "due" past grace  rows w/o position',
  )
  for (const f of rows) {
    log(
      `  ${f.profile.padEnd(13)} ${String(f.intervalS).padStart(2)} s  ${pct(f.bucketScore).padStart(12)}  ${(f.worstRoute ? `${f.worstRoute.routeId} ${pct(f.worstRoute.score)}` : '–').padEnd(18)}  ${`${s(f.mae['5min'], '')} / ${s(f.mae['10min'], '')} / ${s(f.mae['20min'])}`.padEnd(20)}  ${s(f.slowDriverMae10S).padStart(19)}  ${pct(f.passBys.recall).padStart(14)}  ${String(f.shown.duePastGrace).padStart(16)}  ${String(f.shown.noPosition).padStart(17)}`,
    )
  }
}
