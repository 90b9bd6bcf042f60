/** Checking what a post point or a dispatcher enters: post points, people, a consignment. */
import { AppError } from '../errors.js'
import { normalizePhone } from '../booking/codes.js'
import type { Person, PostPoint, SizeClass } from './types.js'
import { checkWeight, type Tariff } from './tariff.js'

const HOURS = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/

/** Opening hours `HH:MM-HH:MM` → minutes after local midnight, or a 400 naming the field. */
export function parseHours(hours: string): { open: number; close: number } {
  const m = HOURS.exec(hours.trim())
  if (!m)
    throw new AppError('VALIDATION_FAILED', 'hours are HH:MM-HH:MM local time, e.g. 08:00-18:00', { field: 'hours' })
  const open = Number(m[1]) * 60 + Number(m[2])
  const close = Number(m[3]) * 60 + Number(m[4])
  if (close <= open || close > 24 * 60)
    throw new AppError('VALIDATION_FAILED', 'hours must close after they open, on the same day', { field: 'hours' })
  return { open, close }
}

/** Whether the post point is open at `ts` (Asia/Shanghai, UTC+8 all year). */
export function isOpenAt(hours: string, ts: number): boolean {
  const { open, close } = parseHours(hours)
  const minute = Math.floor((((ts / 60_000 + 8 * 60) % 1440) + 1440) % 1440)
  return minute >= open && minute < close
}

function withField<T>(field: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof AppError && err.code === 'VALIDATION_FAILED')
      throw new AppError('VALIDATION_FAILED', `${field}: ${err.message}`, { ...err.details, field })
    throw err
  }
}

export function cleanPerson(p: { name: string; phone: string }, field: 'sender' | 'recipient'): Person {
  const name = p.name.trim().replace(/\s+/g, ' ')
  if (name.length === 0 || [...name].length > 40)
    throw new AppError('VALIDATION_FAILED', `${field}.name needs 1–40 characters`, { field: `${field}.name` })
  return { name, phone: withField(`${field}.phone`, () => normalizePhone(p.phone)) }
}

export function cleanPostPoint(p: PostPoint): PostPoint {
  const name = p.name.trim()
  if (name.length === 0 || [...name].length > 60)
    throw new AppError('VALIDATION_FAILED', 'name needs 1–60 characters', { field: 'name' })
  parseHours(p.hours)
  if (!Number.isInteger(p.holdDays) || p.holdDays < 1 || p.holdDays > 60)
    throw new AppError('VALIDATION_FAILED', 'holdDays is a whole number of days, 1–60', { field: 'holdDays' })
  return { ...p, name, hours: p.hours.trim(), phone: withField('phone', () => normalizePhone(p.phone)) }
}

export interface ConsignmentInput {
  fromPoint: string
  toPoint: string
  sender: { name: string; phone: string }
  recipient: { name: string; phone: string }
  sizeClass: SizeClass
  weightKg: number
}

export interface CleanConsignment extends Omit<ConsignmentInput, 'sender' | 'recipient'> {
  sender: Person
  recipient: Person
}

/** The consignment as stored, or the first problem with it. Post points are checked by the caller. */
export function cleanConsignment(input: ConsignmentInput, tariff: Tariff): CleanConsignment {
  if (input.fromPoint === input.toPoint)
    throw new AppError('VALIDATION_FAILED', 'the parcel must go to another post point', { field: 'toPoint' })
  checkWeight(tariff, input.sizeClass, input.weightKg)
  return {
    ...input,
    weightKg: Math.round(input.weightKg * 100) / 100,
    sender: cleanPerson(input.sender, 'sender'),
    recipient: cleanPerson(input.recipient, 'recipient'),
  }
}
