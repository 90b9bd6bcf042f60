/** Reads the server's Prometheus text (/metrics) into snapshots that can be subtracted. */

export class Snapshot {
  constructor(
    readonly at: number,
    readonly series: ReadonlyMap<string, number>,
  ) {}

  /** Sum over every label set of `name` (or only those containing each `labels` pair). */
  sum(name: string, labels: Record<string, string> = {}): number {
    let n = 0
    for (const [key, v] of this.series) {
      const brace = key.indexOf('{')
      const base = brace < 0 ? key : key.slice(0, brace)
      if (base !== name) continue
      if (Object.entries(labels).every(([k, val]) => key.includes(`${k}="${val}"`))) n += v
    }
    return n
  }

  /** Value per label value of `label` for `name` (e.g. dropped by reason). */
  byLabel(name: string, label: string): Record<string, number> {
    const out: Record<string, number> = {}
    const re = new RegExp(`${label}="([^"]*)"`)
    for (const [key, v] of this.series) {
      if (!key.startsWith(`${name}{`)) continue
      const m = re.exec(key)
      if (m?.[1] !== undefined) out[m[1]] = (out[m[1]] ?? 0) + v
    }
    return out
  }
}

export async function scrape(baseUrl: string): Promise<Snapshot> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const series = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line)
    if (m?.[1] && m[2]) series.set(m[1], Number(m[2]))
  }
  return new Snapshot(Date.now(), series)
}

/** Difference of one series between two snapshots. */
export const delta = (a: Snapshot, b: Snapshot, name: string, labels?: Record<string, string>): number =>
  b.sum(name, labels) - a.sum(name, labels)

export interface HistogramDelta {
  count: number
  /** Mean, in the histogram's unit. */
  mean: number
  sum: number
  /** Upper bound of the bucket holding the quantile (Prometheus-style estimate, no interpolation). */
  p50: number
  p99: number
}

export function histogramDelta(a: Snapshot, b: Snapshot, name: string): HistogramDelta {
  const count = delta(a, b, `${name}_count`)
  const sum = delta(a, b, `${name}_sum`)
  const buckets: { le: number; n: number }[] = []
  for (const key of b.series.keys()) {
    const m = new RegExp(`^${name}_bucket\\{.*le="([^"]+)"`).exec(key)
    if (!m?.[1]) continue
    buckets.push({
      le: m[1] === '+Inf' ? Infinity : Number(m[1]),
      n: (b.series.get(key) ?? 0) - (a.series.get(key) ?? 0),
    })
  }
  buckets.sort((x, y) => x.le - y.le)
  const q = (p: number): number => buckets.find((bk) => bk.n >= p * count)?.le ?? NaN
  return { count, sum, mean: count > 0 ? sum / count : NaN, p50: q(0.5), p99: q(0.99) }
}
