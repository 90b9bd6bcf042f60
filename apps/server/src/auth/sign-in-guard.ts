/**
 * Growing delays for failed sign-ins, per user name and per client address, instead of a lock
 * any stranger could trigger (rules in @rb/domain `sign-in-delay`). An address the account signed
 * in from successfully before is "known": there, only that address's own failures count, so a
 * stranger guessing the admin's password elsewhere never keeps the admin out of the office.
 * Failures and known addresses are in the database, so every instance makes an attempt wait the
 * same: spreading guesses over instances behind a load balancer gains nothing.
 */
import { signInWait, withFailure, type SignInBackoff } from '@rb/domain'
import { accountsRepo, type Db, type FailureKind } from '@rb/db'

export interface SignInCheck {
  /** Ms to wait before this attempt may be tried, 0 = go ahead. */
  waitMs: number
  /** What the wait is for (the answer names it). */
  reason: 'address' | 'user' | null
}

type Key = { kind: FailureKind; key: string }

const keysOf = (username: string, addr: string | null): Key[] => [
  { kind: 'user', key: username },
  ...(addr !== null ? [{ kind: 'addr' as const, key: addr }] : []),
]

export class SignInGuard {
  constructor(
    readonly db: Db,
    readonly backoff: SignInBackoff,
  ) {}

  /** Before checking a password: how long this user name, from this address, must wait. */
  async check(username: string, addr: string, now: number): Promise<SignInCheck> {
    const stored = await accountsRepo.signInFailures(this.db, keysOf(username, addr))
    const byAddr = signInWait(stored.get(`addr:${addr}`), now, this.backoff)
    if (byAddr > 0) return { waitMs: byAddr, reason: 'address' }
    const byUser = signInWait(stored.get(`user:${username}`), now, this.backoff)
    if (byUser > 0 && !(await accountsRepo.isKnownAddress(this.db, username, addr)))
      return { waitMs: byUser, reason: 'user' }
    return { waitMs: 0, reason: null }
  }

  /** The wait for a user name alone (password changes of a signed-in account). */
  async userWait(username: string, now: number): Promise<number> {
    const stored = await accountsRepo.signInFailures(this.db, keysOf(username, null))
    return signInWait(stored.get(`user:${username}`), now, this.backoff)
  }

  /** One more failure for the user name and the address, counted once whichever instance saw it. */
  async failed(username: string, addr: string | null, now: number): Promise<void> {
    const keys = keysOf(username, addr)
    await this.db.transaction(async (tx) => {
      await accountsRepo.lockSignInFailures(tx, keys)
      const stored = await accountsRepo.signInFailures(tx, keys)
      for (const k of keys)
        await accountsRepo.saveSignInFailures(
          tx,
          k.kind,
          k.key,
          withFailure(stored.get(`${k.kind}:${k.key}`), now, this.backoff),
        )
    })
  }

  /** A correct password: the address becomes known to the account, and its failures are forgotten. */
  async succeeded(user: { id: number; username: string }, addr: string, now: number): Promise<void> {
    await accountsRepo.clearSignInFailures(this.db, keysOf(user.username, addr))
    await accountsRepo.rememberAddress(this.db, user.id, addr, now)
  }

  /** Drops records whose failures are forgotten anyway. */
  async prune(now: number): Promise<number> {
    return accountsRepo.pruneSignInFailures(this.db, now - this.backoff.forgetMs)
  }
}
