/** The monthly parcel report: the month's bounds in county time, and its CSV. */
import { AppError } from '../errors.js'
import { serviceDate, serviceDayStartMs, type ServiceDate } from '../calendar/index.js'
import { toCsv, type CsvColumn } from '@rb/csv'
import { yuan } from './tariff.js'

/** `2026-12` → the first instant of 1 December and of 1 January, Asia/Shanghai. */
export function monthRange(month: string): { fromTs: number; toTs: number; first: ServiceDate } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month)
  if (!m) throw new AppError('VALIDATION_FAILED', 'month is YYYY-MM, e.g. 2026-12', { field: 'month' })
  const y = Number(m[1])
  const mo = Number(m[2])
  const first = serviceDate(`${y}-${String(mo).padStart(2, '0')}-01`)
  const next = serviceDate(mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`)
  return { fromTs: serviceDayStartMs(first), toTs: serviceDayStartMs(next), first }
}

export interface ReportLine {
  /** `route` or `post_point`. */
  by: 'route' | 'post_point'
  key: string
  name: string
  parcels: number
  /** Parcels received at a post point (post point lines only). */
  received: number | null
  weightKg: number
  revenueFen: number
  collected: number
  avgDoorToDoorS: number | null
}

const hours = (s: number | null): number | null => (s === null ? null : Math.round((s / 3600) * 10) / 10)

const COLUMNS: CsvColumn<ReportLine & { month: string }>[] = [
  { header: 'month', value: (r) => r.month },
  { header: 'by', value: (r) => r.by },
  { header: 'key', value: (r) => r.key },
  { header: 'name', value: (r) => r.name },
  { header: 'parcels', value: (r) => r.parcels },
  { header: 'received', value: (r) => r.received },
  { header: 'weight_kg', value: (r) => r.weightKg },
  { header: 'revenue_yuan', value: (r) => yuan(r.revenueFen) },
  { header: 'collected', value: (r) => r.collected },
  { header: 'avg_door_to_door_h', value: (r) => hours(r.avgDoorToDoorS) },
]

export function reportCsv(month: string, lines: readonly ReportLine[]): string {
  return toCsv(
    COLUMNS,
    lines.map((l) => ({ ...l, month })),
  )
}
