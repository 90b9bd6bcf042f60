/**
 * What a villager's report must be before it is stored: a known category, a note of at most 500
 * characters, a device time that cannot rewrite history, a reportable stop, an unguessable id.
 */
import { AppError } from '../errors.js'
import type { RandomInt } from '../booking/codes.js'
import type { StopStatus } from '../network/types.js'
import { HAZARD_CATEGORIES, REPORT_CATEGORIES, type ReportCategory, type ReportKind } from './types.js'

export const REPORT_NOTE_MAX_CHARS = 500
/** A report queued on a phone longer than this is still taken, dated this far back at most. */
export const REPORT_MAX_AGE_MS = 7 * 86_400_000

export const isReportCategory = (value: unknown): value is ReportCategory =>
  typeof value === 'string' && (REPORT_CATEGORIES as readonly string[]).includes(value)

export function kindOf(category: ReportCategory): ReportKind {
  return (HAZARD_CATEGORIES as readonly string[]).includes(category) ? 'road' : 'sign'
}

/**
 * Reports of one stop gather on one open ticket per key: every sign report of a stop shares one
 * (a sign both faded and blocked gets one visit), while road hazards are kept apart by category
 * (a pothole and a flood at the same place go to different crews).
 */
export function dedupeKey(category: ReportCategory): string {
  return kindOf(category) === 'sign' ? 'sign' : `road:${category}`
}

/**
 * The note as stored: trimmed, control characters (but not line breaks) removed, empty → null.
 * Counted in characters as a person sees them (a Chinese character is one).
 */
export function normalizeReportNote(note: string | null | undefined): string | null {
  if (note === null || note === undefined) return null
  const clean = note
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .trim()
  if (clean === '') return null
  const chars = [...clean].length
  if (chars > REPORT_NOTE_MAX_CHARS)
    throw new AppError(
      'VALIDATION_FAILED',
      `the note may hold at most ${REPORT_NOTE_MAX_CHARS} characters, not ${chars}`,
      { field: 'note' },
    )
  return clean
}

/**
 * When the report was made: the device's time when given, but never after the server received
 * it (a phone's clock may run fast) nor more than REPORT_MAX_AGE_MS before.
 */
export function reportedAt(deviceTs: number | null | undefined, receivedTs: number): number {
  if (deviceTs === null || deviceTs === undefined || !Number.isFinite(deviceTs)) return receivedTs
  return Math.min(receivedTs, Math.max(receivedTs - REPORT_MAX_AGE_MS, Math.round(deviceTs)))
}

/** Throws unless a report of `kind` may be made at a stop with this status. */
export function checkReportable(stop: { code: string; status: StopStatus }, kind: ReportKind): void {
  // A retired sign is no longer served; the road at its place still is.
  if (kind === 'sign' && stop.status === 'removed') {
    throw new AppError('CONFLICT', `stop ${stop.code} was retired: its sign is no longer in service`, {
      stopCode: stop.code,
      reason: 'removed',
    })
  }
}

/** No 0/O, 1/I/L, U/V: read over the phone without confusion. */
export const REPORT_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ'
/** 16 characters of 29: about 78 bits, so a report's status cannot be found by guessing. */
export const REPORT_ID_LENGTH = 16
export const REPORT_ID_PATTERN = `^R[${REPORT_ID_ALPHABET}]{${REPORT_ID_LENGTH}}$`

export function generateReportId(randomInt: RandomInt): string {
  let id = 'R'
  for (let i = 0; i < REPORT_ID_LENGTH; i++) {
    const k = randomInt(REPORT_ID_ALPHABET.length)
    if (!Number.isInteger(k) || k < 0 || k >= REPORT_ID_ALPHABET.length)
      throw new RangeError(`random source gave ${k}, not an integer in [0, ${REPORT_ID_ALPHABET.length})`)
    id += REPORT_ID_ALPHABET[k]
  }
  return id
}
