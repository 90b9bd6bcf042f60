/**
 * Notices to drivers (docs/engagement.md): what a notice may hold, the short text for a bus
 * terminal's screen, and when an unread notice is due its reminder. Pure: times are parameters.
 */
import { cleanText } from '../alerts/notes.js'
import { AppError } from '../errors.js'

export const NOTICE_TITLE_MAX_CHARS = 60
export const NOTICE_BODY_MAX_CHARS = 2000
export const NOTICE_LINK_MAX_CHARS = 500
/** A terminal's screen (JT/T 808 0x8300) and the MQTT `cmd` text carry at most this many characters. */
export const NOTICE_TERMINAL_MAX_CHARS = 60
export const NOTICE_REMIND_MAX_H = 720

export type NoticeAudience = 'all' | 'operator' | 'drivers'

export interface NoticeInput {
  title: string
  body: string
  link?: string | null | undefined
  audience: NoticeAudience
  operatorId?: string | null | undefined
  driverIds?: readonly string[] | undefined
  /** Hours after which the drivers who have not read it are reminded once; null: never. */
  remindAfterH?: number | null | undefined
}

export interface CleanNotice {
  title: string
  body: string
  link: string | null
  audience: NoticeAudience
  operatorId: string | null
  driverIds: string[]
  remindAfterH: number | null
}

/** The notice as stored: texts cleaned and checked, the link an http(s) address, the audience complete. */
export function cleanNotice(input: NoticeInput): CleanNotice {
  const title = cleanText(input.title, { field: 'title', maxChars: NOTICE_TITLE_MAX_CHARS, required: true }) as string
  if (title.includes('\n')) throw new AppError('VALIDATION_FAILED', 'title must be one line', { field: 'title' })
  const body = cleanText(input.body, { field: 'body', maxChars: NOTICE_BODY_MAX_CHARS, required: true }) as string
  const link = cleanText(input.link ?? null, { field: 'link', maxChars: NOTICE_LINK_MAX_CHARS, required: false })
  if (link !== null && !isWebLink(link))
    throw new AppError(
      'VALIDATION_FAILED',
      'link must be an http:// or https:// address, or a path on this server starting with /',
      { field: 'link' },
    )
  const operatorId = input.audience === 'operator' ? (input.operatorId ?? '').trim() : null
  if (input.audience === 'operator' && !operatorId)
    throw new AppError('VALIDATION_FAILED', "operatorId is required when the audience is one operator's drivers", {
      field: 'operatorId',
    })
  const driverIds =
    input.audience === 'drivers' ? [...new Set((input.driverIds ?? []).map((d) => d.trim()).filter(Boolean))] : []
  if (input.audience === 'drivers' && driverIds.length === 0)
    throw new AppError(
      'VALIDATION_FAILED',
      'choose at least one driver (driverIds) when the audience is chosen drivers',
      { field: 'driverIds' },
    )
  const remindAfterH = input.remindAfterH ?? null
  if (
    remindAfterH !== null &&
    (!Number.isInteger(remindAfterH) || remindAfterH < 1 || remindAfterH > NOTICE_REMIND_MAX_H)
  ) {
    throw new AppError(
      'VALIDATION_FAILED',
      `remindAfterH must be a whole number of hours from 1 to ${NOTICE_REMIND_MAX_H}, or null for no reminder`,
      { field: 'remindAfterH' },
    )
  }
  return { title, body, link, audience: input.audience, operatorId, driverIds, remindAfterH }
}

function isWebLink(s: string): boolean {
  if (/^\/(?!\/)\S*$/.test(s)) return true
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && !/\s/.test(s)
  } catch {
    return false
  }
}

/**
 * The notice for a terminal's small screen: `【通知】title：body`, one line, cut to `maxChars`
 * with an ellipsis (the driver reads the whole notice on the phone). A reminder says so first.
 */
export function terminalText(
  n: { title: string; body: string },
  opts: { reminder?: boolean; maxChars?: number } = {},
): string {
  const max = opts.maxChars ?? NOTICE_TERMINAL_MAX_CHARS
  const head = opts.reminder ? '【通知提醒】' : '【通知】'
  const full = `${head}${n.title}：${n.body}`.replace(/\s+/g, ' ').trim()
  const chars = [...full]
  return chars.length <= max ? full : `${chars.slice(0, max - 1).join('')}…`
}

/** The SMS a driver gets as the reminder of a notice not read in time. */
export function noticeReminderSms(n: { title: string }, hours: number | null): string {
  const since = hours ? `已发出${hours}小时，` : ''
  return `【乡村公交】调度通知"${n.title}"${since}您还没有查看，请打开驾驶员页面（/driver）阅读。`
}

/** Whether an unread notice is due its automatic reminder at `now`. */
export function reminderDue(n: { createdTs: number; remindAfterH: number | null }, now: number): boolean {
  return n.remindAfterH !== null && now >= n.createdTs + n.remindAfterH * 3_600_000
}
