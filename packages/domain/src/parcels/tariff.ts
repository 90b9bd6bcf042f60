/**
 * The county tariff: a fee per size class and distance band (by the buses' route distance from
 * the sending to the receiving post point). Editable by an operator; validated here.
 */
import { AppError } from '../errors.js'
import { SIZE_CLASSES, type SizeClass } from './types.js'

export interface SizeSpec {
  /** Parcel slots it takes on a bus. */
  slots: number
  /** Heaviest parcel of this class, kg. */
  maxKg: number
}

export interface Tariff {
  sizes: Record<SizeClass, SizeSpec>
  /** Upper bounds of the distance bands in km, ascending; a last band is open-ended. */
  bandsKm: number[]
  /** Fee in fen per size class, one per band (bandsKm.length + 1 entries). */
  feesFen: Record<SizeClass, number[]>
}

/** The default table (county price office figures are set by the operator at run time). */
export const DEFAULT_TARIFF: Tariff = {
  sizes: { S: { slots: 1, maxKg: 3 }, M: { slots: 2, maxKg: 10 }, L: { slots: 4, maxKg: 25 } },
  bandsKm: [10, 30],
  feesFen: { S: [300, 400, 500], M: [500, 700, 900], L: [800, 1100, 1500] },
}

/** The band a distance falls in (0-based). */
export function distanceBand(tariff: Tariff, distanceM: number): number {
  const km = distanceM / 1000
  const i = tariff.bandsKm.findIndex((b) => km <= b)
  return i === -1 ? tariff.bandsKm.length : i
}

export function feeFor(tariff: Tariff, size: SizeClass, distanceM: number): number {
  return tariff.feesFen[size][distanceBand(tariff, distanceM)] as number
}

/** Refuses a parcel heavier than its size class allows, or a weight that is no weight. */
export function checkWeight(tariff: Tariff, size: SizeClass, weightKg: number): void {
  if (!Number.isFinite(weightKg) || weightKg <= 0)
    throw new AppError('VALIDATION_FAILED', 'weightKg must be a positive number of kilograms', { field: 'weightKg' })
  const max = tariff.sizes[size].maxKg
  if (weightKg > max)
    throw new AppError(
      'VALIDATION_FAILED',
      `a size ${size} parcel weighs at most ${max} kg; this one weighs ${weightKg} kg (choose a larger size)`,
      { field: 'weightKg', maxKg: max },
    )
}

/** Problems with a tariff an operator sends (empty when it is valid). */
export function tariffProblems(t: Tariff): string[] {
  const problems: string[] = []
  if (t.bandsKm.length === 0 || t.bandsKm.length > 8) problems.push('bandsKm needs 1–8 distance bounds')
  for (let i = 0; i < t.bandsKm.length; i++) {
    const b = t.bandsKm[i] as number
    if (!(b > 0) || (i > 0 && b <= (t.bandsKm[i - 1] as number)))
      problems.push('bandsKm must be positive and ascending')
  }
  for (const s of SIZE_CLASSES) {
    const spec = t.sizes[s]
    if (!spec || !Number.isInteger(spec.slots) || spec.slots < 1 || spec.slots > 50)
      problems.push(`sizes.${s}.slots must be a whole number 1–50`)
    if (!spec || !(spec.maxKg > 0) || spec.maxKg > 200)
      problems.push(`sizes.${s}.maxKg must be above 0 and at most 200`)
    const fees = t.feesFen[s]
    if (!fees || fees.length !== t.bandsKm.length + 1)
      problems.push(`feesFen.${s} needs ${t.bandsKm.length + 1} fees (one per band)`)
    else if (fees.some((f) => !Number.isInteger(f) || f < 0 || f > 1_000_000))
      problems.push(`feesFen.${s} holds whole fen from 0 to 1000000`)
  }
  const max = (s: SizeClass): number => t.sizes[s]?.maxKg ?? 0
  if (max('S') > max('M') || max('M') > max('L')) problems.push('maxKg must grow from S to M to L')
  return [...new Set(problems)]
}

/** Yuan with two decimals, as printed on a label: 750 → "7.50". */
export const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
