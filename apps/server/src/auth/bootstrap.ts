/**
 * First start: the `admin` account from ADMIN_PASSWORD, or with a generated password printed once.
 * With the demo county just loaded (and not in production) also demo accounts with published
 * passwords, so a newcomer can sign in as each role (docs/security.md).
 */
import { AppError } from '@rb/domain'
import { accountsRepo, networkRepo, type Db } from '@rb/db'
import type { AuthService } from './service.js'
import { DEMO_PASSWORDS } from './known-passwords.js'

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }

export interface BootstrapOptions {
  adminPassword: string | undefined
  production: boolean
  /** The demo county was loaded at this start. */
  demoSeeded: boolean
}

export interface BootstrapResult {
  adminCreated: boolean
  /** Only when the admin was created without ADMIN_PASSWORD; printed once, never stored. */
  generatedAdminPassword?: string
  demoAccounts: string[]
}

export async function bootstrapAccounts(
  db: Db,
  auth: AuthService,
  opts: BootstrapOptions,
  log: Log,
): Promise<BootstrapResult> {
  const result: BootstrapResult = { adminCreated: false, demoAccounts: [] }
  if ((await accountsRepo.countUsers(db)) === 0) {
    let created
    try {
      created = await auth.createUser({
        username: 'admin',
        displayName: 'Administrator',
        role: 'admin',
        password: opts.adminPassword,
      })
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION_FAILED')
        throw new Error(`ADMIN_PASSWORD is refused: ${err.message}`)
      // Several instances starting on one fresh database: another one created it first.
      if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err
    }
    if (!created) {
      log.info({ username: 'admin' }, 'first start: account "admin" was created by another instance')
    } else if (created.generatedPassword) {
      result.adminCreated = true
      result.generatedAdminPassword = created.generatedPassword
      // The one time this password is shown: it is not stored anywhere but as a hash.
      log.warn(
        { username: 'admin', password: created.generatedPassword },
        `first start: created account "admin" with password ${created.generatedPassword} (shown once; set ADMIN_PASSWORD to choose it)`,
      )
    } else {
      result.adminCreated = true
      log.info({ username: 'admin' }, 'first start: created account "admin" with the password from ADMIN_PASSWORD')
    }
  }
  if (opts.demoSeeded && !opts.production) result.demoAccounts = await seedDemoAccounts(db, auth, log)
  return result
}

async function seedDemoAccounts(db: Db, auth: AuthService, log: Log): Promise<string[]> {
  const driver = (await networkRepo.listDrivers(db, { status: 'active', limit: 1, offset: 0 })).items[0]
  const wanted = [
    { username: 'dispatcher', displayName: 'Demo dispatcher', role: 'dispatcher' as const, driverCode: null },
    { username: 'operator', displayName: 'Demo operator', role: 'operator' as const, driverCode: null },
    ...(driver
      ? [{ username: 'driver', displayName: driver.name, role: 'driver' as const, driverCode: driver.id }]
      : []),
    // The keeper of the county bus station's post point (linked when the demo post points are loaded).
    { username: 'station', displayName: '叙永县综合运输服务站', role: 'station' as const, driverCode: null },
  ]
  const made: string[] = []
  for (const w of wanted) {
    if (await accountsRepo.findUserByUsername(db, w.username)) continue
    try {
      await auth.createUser({ ...w, password: DEMO_PASSWORDS[w.username as keyof typeof DEMO_PASSWORDS], demo: true })
      made.push(w.username)
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err
    }
  }
  if (made.length > 0) {
    log.info(
      { accounts: made.map((u) => `${u} / ${DEMO_PASSWORDS[u as keyof typeof DEMO_PASSWORDS]}`) },
      `demo accounts (published passwords, refused in production): ${made.map((u) => `${u} / ${DEMO_PASSWORDS[u as keyof typeof DEMO_PASSWORDS]}`).join(', ')}`,
    )
  }
  return made
}
