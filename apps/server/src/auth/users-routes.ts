/** Admin: accounts (list, create, change role or name, reset password, disable) and the audit log. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ErrorResponse } from '../http/schemas.js'
import { audit } from './audit.js'
import { userView } from './service.js'
import { AuditSchema, NewUserBody, Password, UserPatchBody, UserSchema, UserWithPassword } from './schemas.js'

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admin = { access: ['admin'] as const }

  app.get(
    '/api/users',
    {
      config: admin,
      schema: {
        tags: ['accounts'],
        summary: 'Accounts',
        response: { 200: Type.Object({ items: Type.Array(UserSchema) }) },
      },
    },
    async () => ({
      items: await app.auth.listUsers(),
    }),
  )

  app.post(
    '/api/users',
    {
      config: admin,
      schema: {
        tags: ['accounts'],
        summary: 'Create an account; without a password one is generated and returned once',
        body: NewUserBody,
        response: { 201: UserWithPassword, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { user, generatedPassword } = await app.auth.createUser(req.body)
      await audit(req, 'user.create', `user:${user.id}`, null, userView(user))
      return reply
        .status(201)
        .send({ user: userView(user), ...(generatedPassword ? { password: generatedPassword } : {}) })
    },
  )

  app.patch(
    '/api/users/:id',
    {
      config: admin,
      schema: {
        tags: ['accounts'],
        summary:
          "Change an account's name, role, driver link or disabled flag (its sessions end when its access changes)",
        params: IdParam,
        body: UserPatchBody,
        response: { 200: UserSchema, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => {
      const { before, after } = await app.auth.updateUser(req.params.id, req.body)
      await audit(
        req,
        after.disabled && !before.disabled ? 'user.disable' : 'user.update',
        `user:${after.id}`,
        userView(before),
        userView(after),
      )
      return userView(after)
    },
  )

  app.post(
    '/api/users/:id/password',
    {
      config: admin,
      bodyLimit: 4096,
      schema: {
        tags: ['accounts'],
        summary: "Reset an account's password (generated when not given); its sessions end",
        params: IdParam,
        body: Type.Object({ password: Type.Optional(Password) }),
        response: { 200: UserWithPassword, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const { user, generatedPassword } = await app.auth.resetPassword(req.params.id, req.body.password)
      // Never the password itself.
      await audit(req, 'user.password_reset', `user:${user.id}`, null, {
        username: user.username,
        generated: generatedPassword !== undefined,
      })
      return { user: userView({ ...user, demo: false }), ...(generatedPassword ? { password: generatedPassword } : {}) }
    },
  )

  app.get(
    '/api/audit',
    {
      config: admin,
      schema: {
        tags: ['accounts'],
        summary: 'Audit log of dispatcher and admin actions, newest first',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'Entries older than this id' })),
          target: Type.Optional(Type.String({ maxLength: 120 })),
          username: Type.Optional(Type.String({ maxLength: 60 })),
          action: Type.Optional(Type.String({ maxLength: 60 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(AuditSchema) }) },
      },
    },
    async (req) => {
      const q = req.query
      const rows = await app.auditLog.list({
        limit: q.limit,
        beforeId: q.before,
        target: q.target,
        username: q.username,
        action: q.action,
      })
      return { items: rows.map((r) => ({ ...r, ts: new Date(r.ts).toISOString() })) }
    },
  )
}
