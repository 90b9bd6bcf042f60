/**
 * Confirming a held booking's SMS code (BOOKING_VERIFY), in the lazy chunk: the countdown ticks
 * in place (the field keeps its focus and what was typed), the code is checked and sent, a lost
 * text is asked again after the server's cooldown, and each refusal is told in words — a wrong
 * code with the tries left, a hold that ran out or was given up after too many wrong codes.
 */
import { ApiError, NetworkError, request } from './api.js'
import { errorText } from './i18n.js'
import type { BookingView, Lang } from './model.js'
import {
  countdown,
  problemText,
  resendState,
  vt,
  type HoldVerification,
  type VerifyPhase,
  type VerifyProblem,
} from './views/verify.js'

/** What of the page the flow needs (main.ts gives it). */
export interface VerifyHost {
  root: HTMLElement
  lang(): Lang
  /** The server's clock, ms. */
  now(): number
  phase(): { kind: string }
  /** Sets the booking view's phase and redraws it if shown. */
  set(p: VerifyPhase): void
  toast(text: string, tone: 'ok' | 'warn' | 'bad'): void
  /** The code was confirmed: the booking stands. */
  done(booking: BookingView): void
}

const enc = encodeURIComponent
const post = <T>(path: string, body: unknown): Promise<T> => request<T>(path, { method: 'POST', json: body })

/** The phase for a booking whose seats are held, or null when it stands as it is. */
export function heldPhase(booking: BookingView, phone: string): VerifyPhase | null {
  const v = booking.verification
  if (!v?.required || booking.status !== 'confirmed') return null
  return {
    kind: 'verify',
    booking,
    phone,
    expiresTs: Date.parse(v.expiresAt),
    resendTs: v.resendAt === null ? null : Date.parse(v.resendAt),
    typed: '',
    busy: null,
    problem: null,
    resent: false,
    closed: null,
  }
}

const current = (host: VerifyHost): VerifyPhase | null => {
  const p = host.phase()
  return p.kind === 'verify' ? (p as VerifyPhase) : null
}

let ticker: ReturnType<typeof setInterval> | undefined

/** Counts down once a second in place; at zero the hold is over (the server releases it too). */
export function watchHold(host: VerifyHost): void {
  clearInterval(ticker)
  const tick = (): void => {
    const p = current(host)
    if (!p || p.closed) return clearInterval(ticker)
    const now = host.now()
    if (now >= p.expiresTs && p.busy === null) {
      clearInterval(ticker)
      host.set({ ...p, closed: 'expired', problem: null })
      host.toast(vt(host.lang(), 'expired'), 'bad')
      return
    }
    const left = host.root.querySelector('[data-countdown]')
    if (left) left.textContent = countdown(p.expiresTs - now)
    const btn = host.root.querySelector<HTMLButtonElement>('[data-action="resend-code"]')
    if (btn) {
      const r = resendState(p, host.lang(), now)
      btn.textContent = r.label
      btn.disabled = !r.enabled
    }
  }
  ticker = setInterval(tick, 1000)
}

/** After a refusal is drawn: the field again, ready for the next try. */
function refocus(host: VerifyHost): void {
  const input = host.root.querySelector<HTMLInputElement>('#sms-code')
  if (!input || input.disabled) return
  input.focus()
  input.select()
  input.scrollIntoView({ block: 'center' })
}

function refused(host: VerifyHost, p: VerifyPhase, problem: VerifyProblem, more: Partial<VerifyPhase> = {}): void {
  host.set({ ...p, busy: null, problem, resent: false, ...more })
  host.toast(problemText(host.lang(), problem), 'bad')
  refocus(host)
}

/** A refusal the hold does not survive (409): it ran out, or too many wrong codes. */
function closedBy(err: ApiError): VerifyPhase['closed'] {
  if (err.code !== 'BOOKING_CLOSED') return null
  return err.details?.reason === 'too_many_tries' ? 'too_many_tries' : 'expired'
}

function failure(host: VerifyHost, p: VerifyPhase, err: unknown): void {
  if (err instanceof ApiError) {
    const closed = closedBy(err)
    if (closed) {
      host.set({ ...p, busy: null, closed, problem: null })
      host.toast(vt(host.lang(), closed === 'expired' ? 'expired' : 'tooManyTries'), 'bad')
      return
    }
    return refused(host, p, { kind: 'other', text: errorText(host.lang(), err.code, err.message) })
  }
  refused(host, p, err instanceof NetworkError ? { kind: 'offline' } : { kind: 'other', text: (err as Error).message })
}

export async function confirmCode(host: VerifyHost): Promise<void> {
  const p = current(host)
  if (!p || p.busy || p.closed) return
  const digits = p.typed.replace(/\s/g, '')
  if (!/^\d{6}$/.test(digits)) return refused(host, p, { kind: 'need_code' })
  host.set({ ...p, busy: 'confirm', problem: null })
  try {
    host.done(
      await post<BookingView>(`/api/bookings/${enc(p.booking.code)}/verify`, { phone: p.phone, smsCode: digits }),
    )
  } catch (err) {
    if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
      const left = Number(err.details?.triesLeft)
      return refused(host, p, { kind: 'wrong', triesLeft: Number.isFinite(left) ? left : null }, { typed: '' })
    }
    failure(host, p, err)
  }
}

export async function resendCode(host: VerifyHost): Promise<void> {
  const p = current(host)
  if (!p || p.busy || p.closed) return
  host.set({ ...p, busy: 'resend', problem: null, resent: false })
  try {
    const r = await post<{ sent: boolean; verification: HoldVerification | null }>(
      `/api/bookings/${enc(p.booking.code)}/verify/resend`,
      { phone: p.phone },
    )
    if (!r.sent || !r.verification) {
      // Nothing left to confirm (confirmed meanwhile, on another tab): the booking as it stands.
      host.done(await request<BookingView>(`/api/bookings/lookup?code=${enc(p.booking.code)}&phone=${enc(p.phone)}`))
      return
    }
    const v = r.verification
    host.set({
      ...p,
      busy: null,
      problem: null,
      resent: true,
      expiresTs: Date.parse(v.expiresAt),
      resendTs: v.resendAt === null ? null : Date.parse(v.resendAt),
    })
    host.toast(vt(host.lang(), 'resent'), 'ok')
  } catch (err) {
    if (err instanceof ApiError && err.code === 'RATE_LIMITED' && err.details?.reason === 'too_many_sends')
      return refused(host, p, { kind: 'no_more_sends' }, { resendTs: null })
    if (err instanceof ApiError && err.code === 'RATE_LIMITED') {
      const s = err.retryAfterS ?? 60
      return refused(host, p, { kind: 'too_soon', seconds: s }, { resendTs: host.now() + s * 1000 })
    }
    failure(host, p, err)
  }
}
