/**
 * Sign-in delays instead of a lock-out: after a few free failures, each further attempt for the
 * same user name (or from the same address) waits — 1 s, then 2, 4, 8 … up to a ceiling — from
 * the last failure. Nobody is shut out for good, and guessing slows to a crawl. Who counts as
 * whom (an account's known addresses skip its user name's wait) is the server's business; these
 * are the numbers. Pure: times are parameters.
 */

export interface SignInBackoff {
  /** Failures that cost nothing; the next one starts the waits. */
  freeFailures: number
  /** The first wait, ms; each further failure doubles it. */
  baseMs: number
  /** The longest wait, ms. */
  maxMs: number
  /** Failures older than this (since the last one) are forgotten, ms. */
  forgetMs: number
}

export const DEFAULT_SIGN_IN_BACKOFF: SignInBackoff = {
  freeFailures: 5,
  baseMs: 1000,
  maxMs: 15 * 60_000,
  forgetMs: 24 * 3_600_000,
}

/** Failed sign-ins of one user name or one address. */
export interface FailureRecord {
  count: number
  lastTs: number
}

/** How long after `rec.lastTs` the next attempt must wait, ms (0 = no wait). */
export function signInDelay(count: number, b: SignInBackoff): number {
  if (count < b.freeFailures) return 0
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.min(40, count - b.freeFailures))
}

/** Ms until the next attempt is allowed at `now` (0 = now). */
export function signInWait(rec: FailureRecord | undefined, now: number, b: SignInBackoff): number {
  if (!rec || now - rec.lastTs >= b.forgetMs) return 0
  return Math.max(0, rec.lastTs + signInDelay(rec.count, b) - now)
}

/** The record after one more failure at `now`. */
export function withFailure(rec: FailureRecord | undefined, now: number, b: SignInBackoff): FailureRecord {
  if (!rec || now - rec.lastTs >= b.forgetMs) return { count: 1, lastTs: now }
  return { count: rec.count + 1, lastTs: now }
}
