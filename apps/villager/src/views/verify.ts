/**
 * The held seat while the phone confirms its SMS code (BOOKING_VERIFY): what is held and for how
 * long (a countdown), the code field (the phone's number keypad, the text's code offered by the
 * keyboard), confirm, and send the code again after a cooldown. Its words live here, in the lazy
 * chunk, not in the first load's word table.
 */
import { Html, html } from '../html.js'
import type { BookingView, Lang } from '../model.js'
import { clock } from '../words.js'

/** The server's answer when a phone must confirm a code (POST /api/bookings, …/verify/resend). */
export interface HoldVerification {
  required: true
  expiresAt: string
  /** The soonest the code may be sent again; null: no more. */
  resendAt: string | null
}

/** What went wrong, shown under the field and in the toast. */
export type VerifyProblem =
  | { kind: 'need_code' }
  | { kind: 'wrong'; triesLeft: number | null }
  | { kind: 'too_soon'; seconds: number }
  | { kind: 'no_more_sends' }
  | { kind: 'offline' }
  | { kind: 'other'; text: string }

export interface VerifyPhase {
  kind: 'verify'
  booking: BookingView
  /** The phone the booking was made for (the code went there): it confirms the code. */
  phone: string
  expiresTs: number
  resendTs: number | null
  typed: string
  busy: 'confirm' | 'resend' | null
  problem: VerifyProblem | null
  /** A new code was sent (said once, politely). */
  resent: boolean
  /** The seats are no longer held: why. */
  closed: 'expired' | 'too_many_tries' | null
}

const WORDS = {
  zh: {
    title: '座位已为您保留',
    sentTo: '验证码短信已发到 {phone}，请在下面输入短信里的 6 位数字，确认后预约才算成功。',
    heldFor: '保留时间还剩',
    label: '短信验证码（6 位数字）',
    confirm: '确认预约',
    confirming: '正在确认…',
    resend: '重新发送验证码',
    resendIn: '{s} 秒后可重新发送',
    resending: '正在发送…',
    resent: '新验证码已发送，之前的验证码不再有效',
    needCode: '请输入短信里的 6 位数字',
    wrong: '验证码不对，还可以试 {n} 次',
    wrongNoCount: '验证码不对，请再看一下短信',
    tooSoon: '刚发过验证码，请 {s} 秒后再发',
    noMoreSends: '验证码已经发了 3 次，请查看短信；收不到请打客运电话',
    expired: '保留时间已过，座位已释放，请重新预约',
    tooManyTries: '验证码错了太多次，座位已释放，请重新预约',
    bookAgain: '重新预约',
    offline: '网络已断开，请有网时再试',
    held: '座位已保留，请输入短信验证码',
    heldLine: '座位保留中，输入短信验证码后预约才算成功',
    enterCode: '输入短信验证码',
  },
  en: {
    title: 'Your seat is held',
    sentTo: 'We texted a code to {phone}. Enter its 6 digits below to confirm the booking.',
    heldFor: 'Held for',
    label: 'Code from the text (6 digits)',
    confirm: 'Confirm booking',
    confirming: 'Confirming…',
    resend: 'Send the code again',
    resendIn: 'Send again in {s} s',
    resending: 'Sending…',
    resent: 'A new code is on its way; the earlier one no longer works',
    needCode: 'Enter the 6 digits from the text',
    wrong: 'That code is wrong; {n} tries left',
    wrongNoCount: 'That code is wrong; please check the text',
    tooSoon: 'A code was just sent; ask again in {s} s',
    noMoreSends: 'The code was sent 3 times; please check your texts, or call the hotline',
    expired: 'The hold ran out and the seat was released. Please book again.',
    tooManyTries: 'Too many wrong codes; the seat was released. Please book again.',
    bookAgain: 'Book again',
    offline: 'No connection; try again when you are online',
    held: 'Seat held — enter the code from the text',
    heldLine: 'Seat held: the booking stands once you enter the code from the text',
    enterCode: 'Enter the code from the text',
  },
} as const satisfies Record<Lang, Record<string, string>>

export type VerifyWord = keyof (typeof WORDS)['zh']

export function vt(lang: Lang, key: VerifyWord, vars: Record<string, string | number> = {}): string {
  return WORDS[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''))
}

export function problemText(lang: Lang, p: VerifyProblem): string {
  switch (p.kind) {
    case 'need_code':
      return vt(lang, 'needCode')
    case 'wrong':
      return p.triesLeft === null ? vt(lang, 'wrongNoCount') : vt(lang, 'wrong', { n: p.triesLeft })
    case 'too_soon':
      return vt(lang, 'tooSoon', { s: p.seconds })
    case 'no_more_sends':
      return vt(lang, 'noMoreSends')
    case 'offline':
      return vt(lang, 'offline')
    case 'other':
      return p.text
  }
}

/** "4:05" — minutes and seconds left, never below zero. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** The resend button's words and whether it may be pressed now. */
export function resendState(p: VerifyPhase, lang: Lang, now: number): { label: string; enabled: boolean } {
  if (p.busy === 'resend') return { label: vt(lang, 'resending'), enabled: false }
  if (p.resendTs === null) return { label: vt(lang, 'resend'), enabled: false }
  const wait = Math.ceil((p.resendTs - now) / 1000)
  return wait > 0
    ? { label: vt(lang, 'resendIn', { s: wait }), enabled: false }
    : { label: vt(lang, 'resend'), enabled: p.busy === null }
}

export function verifyCard(p: VerifyPhase, lang: Lang, now: number): Html {
  const b = p.booking
  const trip = `${clock(Date.parse(b.boardTime))} ${b.boardStopName} → ${clock(Date.parse(b.alightTime))} ${b.alightStopName}`
  if (p.closed) {
    return html`<section class="card result tone-warn" data-verify="closed">
  <h2>${vt(lang, p.closed === 'expired' ? 'expired' : 'tooManyTries')}</h2>
  <p>${trip}</p>
  <a class="btn btn-primary btn-wide" href="#" data-action="book-again">${vt(lang, 'bookAgain')}</a>
</section>`
  }
  const busy = p.busy !== null
  const problem = p.problem ? problemText(lang, p.problem) : null
  const resend = resendState(p, lang, now)
  return html`<section class="card result tone-warn" data-verify="held" data-booking="${b.code}">
  <h2>${vt(lang, 'title')}</h2>
  <p>${trip}</p>
  <p class="hold-left">${vt(lang, 'heldFor')} <strong class="countdown" role="timer" data-countdown>${countdown(p.expiresTs - now)}</strong></p>
  <p>${vt(lang, 'sentTo', { phone: b.phoneMasked })}</p>
</section>
<form class="card verify" data-form="verify" novalidate>
  <label for="sms-code">${vt(lang, 'label')}</label>
  <input id="sms-code" name="smsCode" class="sms-code" inputmode="numeric" pattern="[0-9]*" autocomplete="one-time-code" maxlength="6" value="${p.typed}"${busy ? new Html(' disabled') : ''}${problem ? new Html(' aria-invalid="true" aria-describedby="err-smsCode"') : ''}>
  ${problem ? html`<p class="error field-error" id="err-smsCode" role="alert" data-field-error="smsCode">${problem}</p>` : ''}
  <p class="muted" role="status" aria-live="polite" data-verify-status>${p.resent && !problem ? vt(lang, 'resent') : ''}</p>
  <button class="btn btn-primary btn-wide" type="submit"${busy ? ' disabled' : ''}>${vt(lang, p.busy === 'confirm' ? 'confirming' : 'confirm')}</button>
  <button class="btn btn-wide resend" type="button" data-action="resend-code"${resend.enabled ? '' : ' disabled'}>${resend.label}</button>
</form>`
}
