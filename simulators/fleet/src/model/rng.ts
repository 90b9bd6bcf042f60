/**
 * Seeded randomness. Every stream is derived from the run's seed and a label (`fork`), so one
 * vehicle's draws never depend on how many other vehicles run or in which order they are asked.
 */

/** 32-bit string hash (cyrb53's mixing, low half): label → seed word. */
function hash32(text: string, salt: number): number {
  let h1 = 0xdeadbeef ^ salt
  let h2 = 0x41c6ce57 ^ salt
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h1 ^ h2) >>> 0
}

export class Rng {
  readonly label: string
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(seed: string | number, label = '') {
    this.label = `${seed}/${label}`
    this.#a = hash32(this.label, 1)
    this.#b = hash32(this.label, 2)
    this.#c = hash32(this.label, 3)
    this.#d = hash32(this.label, 4)
    for (let i = 0; i < 12; i++) this.next()
  }

  /** An independent stream for `label` (same seed and label → same stream). */
  fork(label: string): Rng {
    return new Rng(this.label, label)
  }

  /** Uniform in [0, 1) — sfc32. */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return (t >>> 0) / 4294967296
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return Math.floor(this.range(min, max + 1))
  }

  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability
  }

  /** Standard normal draw (Box–Muller), scaled. */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next()
    const v = this.next()
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[Math.floor(this.next() * items.length)] as T
  }
}
