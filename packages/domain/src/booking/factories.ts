/** Test factories (docs/design.md §5): valid objects with overridable fields. */
import { AppError } from '../errors.js'
import type { BookableTrip } from './lifecycle.js'
import type { ManifestTrip } from './manifest.js'
import type { Booking } from './types.js'

/** 08:00 on 2026-11-30 in Asia/Shanghai. */
export const DEPARTURE = Date.UTC(2026, 10, 30, 0, 0)

export type TestTrip = BookableTrip & ManifestTrip

/** A bookable 5-stop trip, 10 minutes between stops, 30 seats, cutoff 60 minutes. */
export function makeTrip(over: Partial<TestTrip> = {}): TestTrip {
  const departureTs = over.departureTs ?? DEPARTURE
  const codes = ['XY-0001', 'XY-0002', 'XY-0003', 'XY-0004', 'XY-0005']
  return {
    id: 'XY-R01-0800_20261130',
    departureTs,
    seats: 30,
    bookingPolicy: 'optional',
    minRiders: 0,
    bookingCutoffMin: 60,
    stops: codes.map((stopCode, i) => ({ seq: i + 1, stopCode, arrivalTs: departureTs + i * 600_000 })),
    status: 'scheduled',
    onDemand: null,
    ...over,
  }
}

let nextId = 1

export function makeBooking(over: Partial<Booking> = {}): Booking {
  const id = over.id ?? nextId++
  const boardSeq = over.boardSeq ?? 1
  const alightSeq = over.alightSeq ?? 5
  return {
    id,
    code: `C${String(id).padStart(5, '0')}`,
    tripInstanceId: 'XY-R01-0800_20261130',
    boardSeq,
    alightSeq,
    boardStop: `XY-000${boardSeq}`,
    alightStop: `XY-000${alightSeq}`,
    seats: 1,
    name: '张三',
    phone: '13812345678',
    status: 'confirmed',
    channel: 'web',
    createdTs: DEPARTURE - 86_400_000,
    updatedTs: DEPARTURE - 86_400_000,
    cancelReason: null,
    cancelledBy: null,
    ...over,
  }
}

/** The AppError code `fn` throws, or `ok` when it returns. */
export function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError) return err.code
    throw err
  }
  return 'ok'
}
