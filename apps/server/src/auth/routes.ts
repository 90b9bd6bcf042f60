/** Sign-in, sign-out, who am I, and changing one's own password. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { ErrorResponse } from '../http/schemas.js'
import { refuseIfLimited, type Limit } from '../http/rate-limit.js'
import type { SignInGuard } from './sign-in-guard.js'
import { clearedSessionCookie, sessionCookie, tokenFrom, type CookieOptions } from './cookie.js'
import { userOf } from './guard.js'
import { LoginBody, LoginResult, Password, SessionUserSchema } from './schemas.js'

export interface AuthRoutesOptions {
  cookie: CookieOptions
  /** Sign-in attempts per client address per window. */
  perClient: Limit
  /** Growing waits after failed sign-ins, per user name (but not from its known addresses) and per address. */
  signIn: SignInGuard
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const byClient = app.rateLimiter('sign-in', opts.perClient)
  const { signIn } = opts
  const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000))
  const prune = setInterval(
    () =>
      void signIn
        .prune(Date.now())
        .catch((err: Error) => app.log.warn({ err: err.message }, 'sign-in failures: could not prune')),
    10 * 60_000,
  )
  prune.unref()
  app.addHook('onClose', async () => clearInterval(prune))

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      bodyLimit: 4096,
      schema: {
        tags: ['accounts'],
        summary: 'Sign in: sets the rb_session cookie (or returns a bearer token when bearer: true)',
        body: LoginBody,
        response: { 200: LoginResult, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      const now = Date.now()
      const username = req.body.username.trim().toLowerCase()
      refuseIfLimited(reply, await byClient.hit(req.ip, now), 'sign-in attempts from this address')
      const wait = await signIn.check(username, req.ip, now)
      if (wait.reason)
        refuseIfLimited(
          reply,
          seconds(wait.waitMs),
          wait.reason === 'address'
            ? 'failed sign-ins from this address'
            : `failed sign-ins for ${username} from addresses it never signed in from`,
        )
      let result
      try {
        result = await app.auth.login(username, req.body.password, now)
      } catch (err) {
        if (err instanceof AppError && err.code === 'UNAUTHENTICATED') await signIn.failed(username, req.ip, Date.now())
        throw err
      }
      await signIn.succeeded(result.user, req.ip, now)
      const { token, session } = result
      const body = { user: session.user, expiresAt: new Date(session.expiresAt).toISOString() }
      if (req.body.bearer) return { ...body, token }
      void reply.header('set-cookie', sessionCookie(token, Math.floor((session.expiresAt - now) / 1000), opts.cookie))
      return body
    },
  )

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'public' },
      schema: {
        tags: ['accounts'],
        summary: 'Sign out: ends this session and clears the cookie',
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      const token = tokenFrom(req.headers)
      if (token) await app.auth.logout(token)
      return reply.status(204).header('set-cookie', clearedSessionCookie(opts.cookie)).send(null)
    },
  )

  app.get(
    '/api/auth/me',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in account',
        response: {
          200: Type.Object({ user: SessionUserSchema, expiresAt: Type.String({ format: 'date-time' }) }),
          401: ErrorResponse,
        },
      },
    },
    async (req) => ({
      user: userOf(req),
      expiresAt: new Date(Math.min(req.authSession?.expiresAt ?? 0, 8.64e15)).toISOString(),
    }),
  )

  app.post(
    '/api/auth/password',
    {
      config: { access: 'signed-in' },
      bodyLimit: 4096,
      schema: {
        tags: ['accounts'],
        summary: 'Change your own password; every session of the account ends (sign in again)',
        body: Type.Object({ current: Password, next: Password }),
        response: { 204: Type.Null(), 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = userOf(req)
      const wait = await signIn.userWait(user.username, Date.now())
      if (wait > 0) refuseIfLimited(reply, seconds(wait), `failed password checks for ${user.username}`)
      try {
        await app.auth.changeOwnPassword(user.id, req.body.current, req.body.next)
      } catch (err) {
        if (err instanceof AppError && err.code === 'UNAUTHENTICATED')
          await signIn.failed(user.username, null, Date.now())
        throw err
      }
      return reply.status(204).header('set-cookie', clearedSessionCookie(opts.cookie)).send(null)
    },
  )
}
