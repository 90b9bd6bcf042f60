/**
 * Accounts, sessions and access control (docs/security.md). `registerAuth` goes before any
 * route: it guards every route registered after it.
 */
import type { RateStore } from '../http/rate-limit.js'
import type { FastifyInstance } from 'fastify'
import type { Db } from '@rb/db'
import type { Config } from '../config.js'
import { AuditLog } from './audit.js'
import { authenticate } from './plugin.js'
import { authRoutes } from './routes.js'
import { userRoutes } from './users-routes.js'
import { deviceSecretRoutes } from './device-routes.js'
import type { AuthService } from './service.js'
import { SignInGuard } from './sign-in-guard.js'

export { AuthService, userView, type Session, type UserView } from './service.js'
export { audit, AuditLog } from './audit.js'
export { requireRole, requireUser, requireAccess, userOf, type Access } from './guard.js'
export { bootstrapAccounts } from './bootstrap.js'
export { installSocketAuth, roomGuard, userRoom, type DriverOfTrip } from './socket.js'
export { DEMO_PASSWORDS } from './known-passwords.js'
export { simCredentials } from './sim-credentials.js'

const FIFTEEN_MIN = 15 * 60_000

export const isProduction = (config: Config): boolean => config.nodeEnv === 'production'
/** DEVICE_AUTH: `auto` is on in production only (config refuses `off` there). */
export const deviceAuthEnabled = (config: Config): boolean =>
  config.deviceAuth === 'on' || (config.deviceAuth === 'auto' && isProduction(config))

export async function registerAuth(
  app: FastifyInstance,
  auth: AuthService,
  db: Db,
  config: Config,
  rateStore: RateStore,
): Promise<void> {
  await app.register(authenticate, {
    auth,
    auditLog: new AuditLog(db),
    publicRatePerMin: config.publicRateLimit,
    rateStore,
    publicUrl: config.publicUrl,
    log: app.log,
  })
  const cookie = { secure: config.publicUrl.startsWith('https:') }
  await app.register(authRoutes, {
    cookie,
    perClient: { max: config.loginLimitPerClient, windowMs: FIFTEEN_MIN },
    signIn: new SignInGuard(db, {
      freeFailures: config.loginFreeFailures,
      baseMs: 1000,
      maxMs: config.loginDelayMaxS * 1000,
      forgetMs: 24 * 3_600_000,
    }),
  })
  await app.register(userRoutes)
  await app.register(deviceSecretRoutes, { db })
}
