/** Text a dispatcher types (alert notes, incident notes, messages to a driver): checked once, here. */
import { AppError } from '../errors.js'

/** Longest note or message, in characters (a JT/T 808 text holds about 500 Chinese characters). */
export const STAFF_NOTE_MAX_CHARS = 1000
export const MESSAGE_MAX_CHARS = 500

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export interface TextRule {
  /** The request field, for the message and `details.field`. */
  field: string
  maxChars: number
  required: boolean
  /** Said when a required text is missing: why it is needed. */
  why?: string
}

/**
 * Trims a typed text (line breaks kept as `\n`); null when empty and not required. Refuses, with
 * a message a person can act on: a missing required text, NUL and other control characters
 * (PostgreSQL cannot store NUL), broken Unicode, more than `maxChars` characters.
 */
export function cleanText(raw: string | null | undefined, rule: TextRule): string | null {
  const text = (raw ?? '').replace(/\r\n?/g, '\n').trim()
  if (text === '') {
    if (rule.required)
      throw new AppError('VALIDATION_FAILED', `${rule.field} is required${rule.why ? `: ${rule.why}` : ''}`, {
        field: rule.field,
        reason: 'required',
      })
    return null
  }
  const control = CONTROL.exec(text)
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0')
    throw new AppError(
      'VALIDATION_FAILED',
      `${rule.field} contains a control character (U+${code}${code === '0000' ? ', NUL' : ''}); send plain text`,
      { field: rule.field, reason: 'control_character' },
    )
  }
  if (LONE_SURROGATE.test(text))
    throw new AppError('VALIDATION_FAILED', `${rule.field} is not valid Unicode text (a broken surrogate pair)`, {
      field: rule.field,
      reason: 'encoding',
    })
  const chars = [...text].length
  if (chars > rule.maxChars)
    throw new AppError(
      'VALIDATION_FAILED',
      `${rule.field} may hold at most ${rule.maxChars} characters, not ${chars}`,
      { field: rule.field, reason: 'too_long', maxChars: rule.maxChars },
    )
  return text
}
