/**
 * Scoring of the tracking engine against the simulator's ground truth: stop-visit precision and
 * recall, ETA mean absolute error at fixed horizons, and the bucket score a widely used public
 * transit-app benchmark uses. Pure.
 */

export interface TruthVisit {
  tripInstanceId: string
  seq: number
  arrivalTs: number
  departureTs: number
  /** The bus drove through without stopping. */
  passed?: boolean
}

export interface DetectedVisit {
  tripInstanceId: string
  seq: number
  arrivalTs: number
  departureTs: number | null
  /** The engine's judgement, on leaving. */
  passedWithoutStopping?: boolean
}

export interface PassByScore {
  /** True pass-bys the engine saw a visit of, and of them those it flagged. */
  truth: number
  flaggedRight: number
  /** Visits flagged, and of them those truly passed. */
  flagged: number
  recall: number
  precision: number
}

/** "Passed without stopping" against the truth, over the visits both have. */
export function scorePassBys(truth: readonly TruthVisit[], detected: readonly DetectedVisit[]): PassByScore {
  const byKey = new Map(truth.map((t) => [`${t.tripInstanceId}|${t.seq}`, t]))
  let n = 0
  let right = 0
  let flagged = 0
  let flaggedTrue = 0
  for (const d of detected) {
    const t = byKey.get(`${d.tripInstanceId}|${d.seq}`)
    if (!t || d.departureTs === null) continue
    if (t.passed) n++
    if (d.passedWithoutStopping) {
      flagged++
      if (t.passed) flaggedTrue++
    }
    if (t.passed && d.passedWithoutStopping) right++
  }
  return {
    truth: n,
    flaggedRight: right,
    flagged,
    recall: n === 0 ? 1 : right / n,
    precision: flagged === 0 ? 1 : flaggedTrue / flagged,
  }
}

export interface VisitScore {
  truth: number
  detected: number
  matched: number
  precision: number
  recall: number
  /** Mean |detected − true| of matched arrivals and departures, seconds. */
  arrivalMaeS: number
  departureMaeS: number
}

/** A detected visit matches the true visit of the same trip and stop within `toleranceS` of its arrival. */
export function scoreVisits(
  truth: readonly TruthVisit[],
  detected: readonly DetectedVisit[],
  toleranceS = 120,
): VisitScore {
  const byKey = new Map(truth.map((t) => [`${t.tripInstanceId}|${t.seq}`, t]))
  let matched = 0
  let arrErr = 0
  let depErr = 0
  let depN = 0
  const used = new Set<string>()
  for (const d of detected) {
    const key = `${d.tripInstanceId}|${d.seq}`
    const t = byKey.get(key)
    if (!t || used.has(key) || Math.abs(d.arrivalTs - t.arrivalTs) > toleranceS * 1000) continue
    used.add(key)
    matched++
    arrErr += Math.abs(d.arrivalTs - t.arrivalTs) / 1000
    if (d.departureTs !== null) {
      depErr += Math.abs(d.departureTs - t.departureTs) / 1000
      depN++
    }
  }
  return {
    truth: truth.length,
    detected: detected.length,
    matched,
    precision: detected.length === 0 ? 0 : matched / detected.length,
    recall: truth.length === 0 ? 0 : matched / truth.length,
    arrivalMaeS: matched === 0 ? 0 : arrErr / matched,
    departureMaeS: depN === 0 ? 0 : depErr / depN,
  }
}

export interface Prediction {
  tripInstanceId: string
  seq: number
  /** When the prediction was made, epoch ms. */
  madeTs: number
  /** Predicted arrival, epoch ms. */
  etaTs: number
}

/** The buckets: horizon (true time to arrival) and how early / late the bus may be against the prediction. */
export const BUCKETS = [
  { name: '0-3 min', fromS: 0, toS: 180, earlyS: 30, lateS: 90 },
  { name: '3-6 min', fromS: 180, toS: 360, earlyS: 60, lateS: 150 },
  { name: '6-10 min', fromS: 360, toS: 600, earlyS: 60, lateS: 210 },
  { name: '10-15 min', fromS: 600, toS: 900, earlyS: 90, lateS: 270 },
] as const

export interface EtaScore {
  predictions: number
  /** Predictions whose stop visit is in the truth (the rest were for trips matched wrongly or not run). */
  verifiable: number
  maeS: Record<'5min' | '10min' | '20min', { n: number; maeS: number }>
  buckets: { name: string; n: number; accuracy: number }[]
  /** Mean of the four buckets' accuracy. */
  bucketScore: number
}

/** Horizons for the MAE figures: predictions whose true horizon is within ±1 min of it. */
const HORIZONS = { '5min': 300, '10min': 600, '20min': 1200 } as const

export function scoreEtas(truth: readonly TruthVisit[], predictions: readonly Prediction[]): EtaScore {
  const arrival = new Map(truth.map((t) => [`${t.tripInstanceId}|${t.seq}`, t.arrivalTs]))
  const mae = Object.fromEntries(Object.keys(HORIZONS).map((k) => [k, { n: 0, sum: 0 }])) as Record<
    keyof typeof HORIZONS,
    { n: number; sum: number }
  >
  const buckets = BUCKETS.map((b) => ({ ...b, n: 0, ok: 0 }))
  let verifiable = 0
  for (const p of predictions) {
    const actual = arrival.get(`${p.tripInstanceId}|${p.seq}`)
    if (actual === undefined || actual < p.madeTs) continue
    verifiable++
    const horizonS = (actual - p.madeTs) / 1000
    const lateS = (actual - p.etaTs) / 1000 // positive: the bus came after the prediction
    for (const [k, h] of Object.entries(HORIZONS) as [keyof typeof HORIZONS, number][]) {
      if (Math.abs(horizonS - h) <= 60) {
        mae[k].n++
        mae[k].sum += Math.abs(lateS)
      }
    }
    const b = buckets.find((x) => horizonS >= x.fromS && horizonS < x.toS)
    if (b) {
      b.n++
      if (lateS >= -b.earlyS && lateS <= b.lateS) b.ok++
    }
  }
  const bucketList = buckets.map((b) => ({ name: b.name, n: b.n, accuracy: b.n === 0 ? 0 : b.ok / b.n }))
  return {
    predictions: predictions.length,
    verifiable,
    maeS: Object.fromEntries(
      Object.entries(mae).map(([k, v]) => [k, { n: v.n, maeS: v.n === 0 ? 0 : v.sum / v.n }]),
    ) as EtaScore['maeS'],
    buckets: bucketList,
    bucketScore: bucketList.reduce((s, b) => s + b.accuracy, 0) / bucketList.length,
  }
}
