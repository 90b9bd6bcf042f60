/** Percentiles of a sample (nearest rank) and process CPU time: the figures a load report carries. */

/** Percentiles of a sample, in the unit of the sample; NaN when it is empty. */
export interface Summary {
  n: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** A growable sample of numbers without boxing. */
export class Sample {
  #data = new Float64Array(1024)
  #n = 0

  add(v: number): void {
    if (this.#n === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2)
      bigger.set(this.#data)
      this.#data = bigger
    }
    this.#data[this.#n++] = v
  }

  get size(): number {
    return this.#n
  }

  summary(): Summary {
    return summarize(this.#data.subarray(0, this.#n))
  }
}

export function summarize(values: Float64Array | number[]): Summary {
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN }
  const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? NaN
  let sum = 0
  for (const v of sorted) sum += v
  return { n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] ?? NaN, mean: sum / n }
}

/** CPU time of this process, ms (user + system, every thread). */
export function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
