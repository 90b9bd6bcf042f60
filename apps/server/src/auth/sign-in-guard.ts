/**
 * Growing delays for failed sign-ins, per user name and per client address, instead of a lock
 * any stranger could trigger (rules in @rb/domain `sign-in-delay`). An address the account signed
 * in from successfully before is "known": there, only that address's own failures count, so a
 * stranger guessing the admin's password elsewhere never keeps the admin out of the office.
 * Failures are counted in memory per instance; known addresses are in the database.
 */
import { signInWait, withFailure, type FailureRecord, type SignInBackoff } from '@rb/domain'
import { accountsRepo, type Queryable } from '@rb/db'

/** Entries kept at most per map; the oldest go first (a flood of made-up names cannot fill memory). */
const MAX_ENTRIES = 100_000

export interface SignInCheck {
  /** Ms to wait before this attempt may be tried, 0 = go ahead. */
  waitMs: number
  /** What the wait is for (the answer names it). */
  reason: 'address' | 'user' | null
}

export class SignInGuard {
  readonly #byUser = new Map<string, FailureRecord>()
  readonly #byAddress = new Map<string, FailureRecord>()

  constructor(
    readonly db: Queryable,
    readonly backoff: SignInBackoff,
  ) {}

  /** Before checking a password: how long this user name, from this address, must wait. */
  async check(username: string, addr: string, now: number): Promise<SignInCheck> {
    const byAddr = signInWait(this.#byAddress.get(addr), now, this.backoff)
    if (byAddr > 0) return { waitMs: byAddr, reason: 'address' }
    const byUser = signInWait(this.#byUser.get(username), now, this.backoff)
    if (byUser > 0 && !(await accountsRepo.isKnownAddress(this.db, username, addr))) return { waitMs: byUser, reason: 'user' }
    return { waitMs: 0, reason: null }
  }

  /** The wait for a user name alone (password changes of a signed-in account). */
  userWait(username: string, now: number): number {
    return signInWait(this.#byUser.get(username), now, this.backoff)
  }

  failed(username: string, addr: string | null, now: number): void {
    bump(this.#byUser, username, now, this.backoff)
    if (addr !== null) bump(this.#byAddress, addr, now, this.backoff)
  }

  /** A correct password: the address becomes known to the account, and its failures are forgotten. */
  async succeeded(user: { id: number; username: string }, addr: string, now: number): Promise<void> {
    this.#byUser.delete(user.username)
    this.#byAddress.delete(addr)
    await accountsRepo.rememberAddress(this.db, user.id, addr, now)
  }

  /** Drops records whose failures are forgotten anyway. */
  prune(now: number): void {
    for (const map of [this.#byUser, this.#byAddress]) {
      for (const [k, rec] of map) if (now - rec.lastTs >= this.backoff.forgetMs) map.delete(k)
    }
  }
}

function bump(map: Map<string, FailureRecord>, key: string, now: number, b: SignInBackoff): void {
  const next = withFailure(map.get(key), now, b)
  map.delete(key) // re-inserted last: the map's order is oldest failure first
  map.set(key, next)
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string)
}
