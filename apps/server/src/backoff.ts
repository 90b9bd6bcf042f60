/**
 * The one retry schedule of the server: after the n-th failure in a row, wait base · 2^(n − 1),
 * at most `maxMs`, optionally spread by ± `jitter` so instances that failed together do not all
 * come back together. Used wherever something is retried until it works: the batch writer, the
 * tracking store, the notification outbox, the roster's automatic run and the database at start.
 */

export interface BackoffPolicy {
  /** Wait after the first failure, ms. */
  baseMs: number
  /** Longest wait, ms. */
  maxMs: number
  /** Spread as a fraction of the wait (0.2: ± 20 %); none by default. */
  jitter?: number
}

/** Wait before the next attempt after `failures` failures in a row (1 = the first), ms. */
export function backoffMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // The exponent is capped so a long outage cannot overflow to Infinity · 0 = NaN with base 0.
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)))
  const jitter = policy.jitter ?? 0
  return jitter > 0 ? wait * (1 - jitter + random() * 2 * jitter) : wait
}

/** Failures in a row and the wait they call for: `failed()` counts one, `succeeded()` starts over. */
export class Backoff {
  #failures = 0

  constructor(readonly policy: BackoffPolicy) {}

  get failures(): number {
    return this.#failures
  }

  /** Counts a failure; returns the wait before the next attempt, ms. */
  failed(): number {
    this.#failures++
    return backoffMs(this.#failures, this.policy)
  }

  succeeded(): void {
    this.#failures = 0
  }
}
