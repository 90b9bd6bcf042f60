/**
 * Accounts and sessions: sign-in, the session behind a token, sign-out, and the admin's account
 * changes. Routes and the socket guard call this; SQL stays in `accountsRepo`.
 */
import { AppError, isRole, passwordProblem, USERNAME_PATTERN, type Role, type SessionUser } from '@rb/domain'
import { accountsRepo, isUniqueViolation, networkRepo, type Db, type UserRecord } from '@rb/db'
import type { UserView } from '@rb/protocol'
import { generatePassword, hashPassword, needsRehash, UNUSABLE_HASH, verifyPassword } from './password.js'
import { newToken, tokenHash } from './tokens.js'
import { DEMO_PASSWORDS, WEAK_PASSWORDS } from './known-passwords.js'

export interface AuthOptions {
  /** NODE_ENV=production: demo accounts and published passwords never sign in. */
  production: boolean
  sessionTtlMs: number
}

/** A signed-in session as the rest of the server sees it. */
export interface Session {
  user: SessionUser
  tokenHash: string
  expiresAt: number
}

/** A user as the admin pages see it (never the hash): the wire type of @rb/protocol. */
export type { UserView }

export const userView = (u: UserRecord): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  driverCode: u.driverCode,
  disabled: u.disabled,
  demo: u.demo,
  createdAt: new Date(u.createdAt).toISOString(),
})

const toSessionUser = (u: {
  id: number
  username: string
  displayName: string
  role: Role
  driverCode: string | null
}): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  ...(u.driverCode ? { driverCode: u.driverCode } : {}),
})

/** last_seen_at is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000
const USERNAME = new RegExp(USERNAME_PATTERN)
const BAD_LOGIN = 'wrong user name or password'

export class AuthService {
  readonly #db: Db
  readonly #opts: AuthOptions
  /** In-memory sessions the server issues to its own workers (the simulated fleet). */
  readonly #internal = new Map<string, SessionUser>()
  readonly #revokeListeners: ((userId: number) => void)[] = []
  readonly #endListeners: ((tokenHash: string) => void)[] = []

  constructor(db: Db, opts: AuthOptions) {
    this.#db = db
    this.#opts = opts
  }

  get production(): boolean {
    return this.#opts.production
  }

  /** Passwords no account may be given, and that never sign in in production. */
  knownPasswords(): readonly string[] {
    return [...WEAK_PASSWORDS, ...Object.values(DEMO_PASSWORDS)]
  }

  /** Checks the password and opens a session; UNAUTHENTICATED with one message for every refusal. */
  async login(
    username: string,
    password: string,
    now: number,
  ): Promise<{ token: string; session: Session; user: UserRecord }> {
    const user = USERNAME.test(username) ? await accountsRepo.findUserByUsername(this.#db, username) : null
    // Unknown users cost the same hashing time as known ones: no user-name probing by timing.
    const ok = await verifyPassword(password, user?.passwordHash ?? UNUSABLE_HASH)
    if (!user || !ok || user.disabled) throw new AppError('UNAUTHENTICATED', BAD_LOGIN)
    if (this.#opts.production && (user.demo || this.knownPasswords().includes(password))) {
      throw new AppError(
        'UNAUTHENTICATED',
        'this account has a demo or default password, which never works in production; an admin must reset it',
      )
    }
    if (needsRehash(user.passwordHash))
      await accountsRepo.setPasswordHash(this.#db, user.id, await hashPassword(password), { demo: user.demo })
    const token = newToken()
    const hash = tokenHash(token)
    const expiresAt = now + this.#opts.sessionTtlMs
    await accountsRepo.insertSession(this.#db, { tokenHash: hash, userId: user.id, now, expiresAt })
    return { token, session: { user: toSessionUser(user), tokenHash: hash, expiresAt }, user }
  }

  /** The live session behind a token, or null. */
  async session(token: string, now: number): Promise<Session | null> {
    const internal = this.#internal.get(token)
    if (internal) return { user: internal, tokenHash: tokenHash(token), expiresAt: Number.MAX_SAFE_INTEGER }
    const hash = tokenHash(token)
    const s = await accountsRepo.findLiveSession(this.#db, hash, now)
    if (!s) return null
    if (now - s.lastSeenAt > TOUCH_EVERY_MS) await accountsRepo.touchSession(this.#db, hash, now)
    return {
      user: toSessionUser({
        id: s.userId,
        username: s.username,
        displayName: s.displayName,
        role: s.role,
        driverCode: s.driverCode,
      }),
      tokenHash: hash,
      expiresAt: s.expiresAt,
    }
  }

  async logout(token: string): Promise<void> {
    if (this.#internal.delete(token)) return
    const hash = tokenHash(token)
    await accountsRepo.deleteSession(this.#db, hash)
    for (const l of this.#endListeners) l(hash)
  }

  /** A session for one of the server's own workers; lives in memory until revoked. */
  issueInternal(name: string, role: Role): { token: string; revoke: () => void } {
    const token = newToken()
    this.#internal.set(token, { id: 0, username: `system:${name}`, displayName: name, role })
    return { token, revoke: () => void this.#internal.delete(token) }
  }

  /** Called with the account whose sessions just ended (disabled, reset, role changed). */
  onRevoke(listener: (userId: number) => void): void {
    this.#revokeListeners.push(listener)
  }

  /** Called with the token hash of a session that was signed out. */
  onSessionEnd(listener: (tokenHash: string) => void): void {
    this.#endListeners.push(listener)
  }

  async #revokeAll(userId: number): Promise<void> {
    await accountsRepo.deleteSessionsOfUser(this.#db, userId)
    for (const l of this.#revokeListeners) l(userId)
  }

  async listUsers(): Promise<UserView[]> {
    return (await accountsRepo.listUsers(this.#db)).map(userView)
  }

  async getUser(id: number): Promise<UserRecord> {
    const u = await accountsRepo.findUserById(this.#db, id)
    if (!u) throw new AppError('NOT_FOUND', `no account ${id}`)
    return u
  }

  #checkPassword(password: string, username: string): void {
    const problem = passwordProblem(password, username, this.knownPasswords())
    if (problem) throw new AppError('VALIDATION_FAILED', `the password ${problem}`, { field: 'password' })
  }

  async #checkDriver(role: Role, driverCode: string | null): Promise<void> {
    if (role === 'driver' && !driverCode)
      throw new AppError('VALIDATION_FAILED', "a driver account needs the driver's unified number (driverCode)", {
        field: 'driverCode',
      })
    if (role !== 'driver' && driverCode)
      throw new AppError('VALIDATION_FAILED', 'only driver accounts have a driverCode', { field: 'driverCode' })
    if (driverCode && !(await networkRepo.getDriver(this.#db, driverCode)))
      throw new AppError('NOT_FOUND', `no driver ${driverCode}`)
  }

  /** Creates an account; without a password one is generated and returned (shown once). */
  async createUser(input: {
    username: string
    displayName: string
    role: Role
    driverCode?: string | null | undefined
    password?: string | undefined
    demo?: boolean
  }): Promise<{ user: UserRecord; generatedPassword?: string }> {
    if (!USERNAME.test(input.username))
      throw new AppError('VALIDATION_FAILED', 'user names are 2–40 lower-case letters, digits, . _ -', {
        field: 'username',
      })
    if (!isRole(input.role))
      throw new AppError('VALIDATION_FAILED', `unknown role ${String(input.role)}`, { field: 'role' })
    const driverCode = input.driverCode ?? null
    await this.#checkDriver(input.role, driverCode)
    const generated = input.password === undefined ? generatePassword() : undefined
    const password = input.password ?? (generated as string)
    if (!input.demo) this.#checkPassword(password, input.username)
    try {
      const user = await accountsRepo.insertUser(this.#db, {
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        driverCode,
        passwordHash: await hashPassword(password),
        demo: input.demo ?? false,
      })
      return { user, ...(generated ? { generatedPassword: generated } : {}) }
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('CONFLICT', `user name ${input.username} is taken`)
      throw err
    }
  }

  /** Changes name, role, driver link or the disabled flag; sessions end when access changes. */
  async updateUser(
    id: number,
    patch: {
      displayName?: string | undefined
      role?: Role | undefined
      driverCode?: string | null | undefined
      disabled?: boolean | undefined
    },
  ): Promise<{ before: UserRecord; after: UserRecord }> {
    const before = await this.getUser(id)
    const role = patch.role ?? before.role
    const driverCode = patch.driverCode !== undefined ? patch.driverCode : role === 'driver' ? before.driverCode : null
    await this.#checkDriver(role, driverCode)
    const losesAdmin = before.role === 'admin' && (role !== 'admin' || patch.disabled === true)
    if (losesAdmin && (await accountsRepo.countOtherActiveAdmins(this.#db, id)) === 0)
      throw new AppError('CONFLICT', 'this is the last enabled admin; make another admin first')
    const after = await accountsRepo.updateUser(this.#db, id, {
      displayName: patch.displayName,
      role: patch.role,
      driverCode,
      disabled: patch.disabled,
    })
    if (!after) throw new AppError('NOT_FOUND', `no account ${id}`)
    if (after.role !== before.role || after.driverCode !== before.driverCode || (after.disabled && !before.disabled))
      await this.#revokeAll(id)
    return { before, after }
  }

  /** Sets a new password (generated when not given) and ends the account's sessions. */
  async resetPassword(id: number, password?: string): Promise<{ user: UserRecord; generatedPassword?: string }> {
    const user = await this.getUser(id)
    const generated = password === undefined ? generatePassword() : undefined
    const next = password ?? (generated as string)
    this.#checkPassword(next, user.username)
    await accountsRepo.setPasswordHash(this.#db, id, await hashPassword(next))
    await this.#revokeAll(id)
    return { user, ...(generated ? { generatedPassword: generated } : {}) }
  }

  /** A signed-in person changes their own password (knowing the current one). */
  async changeOwnPassword(id: number, current: string, next: string): Promise<void> {
    const user = await this.getUser(id)
    if (!(await verifyPassword(current, user.passwordHash)))
      throw new AppError('UNAUTHENTICATED', 'the current password is wrong')
    this.#checkPassword(next, user.username)
    await accountsRepo.setPasswordHash(this.#db, id, await hashPassword(next))
    await this.#revokeAll(id)
  }

  async pruneSessions(now: number): Promise<number> {
    return accountsRepo.deleteExpiredSessions(this.#db, now)
  }
}
