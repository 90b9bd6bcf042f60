/** Unified numbers printed on stop signs, vehicles and driver cards, and masking for the public. */
import { AppError } from '../errors.js'

const PREFIX = /^[A-Z]{2,4}$/

/** `XY` + 421 → `XY-0421`. */
export function formatStopCode(prefix: string, n: number): string {
  if (!PREFIX.test(prefix))
    throw new AppError('VALIDATION_FAILED', `county prefix must be 2–4 capital letters, not ${JSON.stringify(prefix)}`)
  if (!Number.isInteger(n) || n < 1 || n > 99_999)
    throw new AppError('VALIDATION_FAILED', `stop number must be 1–99999, not ${n}`)
  return `${prefix}-${String(n).padStart(4, '0')}`
}

export const STOP_CODE_PATTERN = '^[A-Z]{2,4}-[0-9]{4,5}$'
export const VEHICLE_NUMBER_PATTERN = '^[A-Z]{2,4}-V[0-9]{3,5}$'
export const DRIVER_NUMBER_PATTERN = '^[A-Z]{2,4}-D[0-9]{3,5}$'

export function parseStopCode(code: string): { prefix: string; n: number } | null {
  const m = /^([A-Z]{2,4})-([0-9]{4,5})$/.exec(code)
  return m ? { prefix: m[1] as string, n: Number(m[2]) } : null
}

export const formatVehicleNumber = (prefix: string, n: number): string => `${prefix}-V${String(n).padStart(3, '0')}`
export const formatDriverNumber = (prefix: string, n: number): string => `${prefix}-D${String(n).padStart(3, '0')}`

/** `13812345678` → `138****5678`; shorter numbers keep only their last 2 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length >= 7) return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`
  if (digits.length <= 2) return '*'.repeat(digits.length)
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`
}
