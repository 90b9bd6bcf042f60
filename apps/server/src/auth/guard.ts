/**
 * Route guards. `requireRole('dispatcher', 'operator')` as a route's `onRequest` (preferred:
 * refuses before the body is read) or `preHandler`: 401 UNAUTHENTICATED without a session,
 * 403 FORBIDDEN with another role. Admin passes every check.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, roleAllows, type Role, type SessionUser } from '@rb/domain'

/** How a route is reached: by anyone, by any signed-in account, or by these roles (and admin). */
export type Access = 'public' | 'signed-in' | readonly Role[]

export type GuardHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** The signed-in user, or 401. */
export function userOf(request: FastifyRequest): SessionUser {
  if (!request.user) throw new AppError('UNAUTHENTICATED', 'sign in first (POST /api/auth/login)')
  return request.user
}

export function checkAccess(user: SessionUser | null, access: Access): void {
  if (access === 'public') return
  if (!user) throw new AppError('UNAUTHENTICATED', 'sign in first (POST /api/auth/login)')
  if (access === 'signed-in') return
  if (!roleAllows(user.role, access))
    throw new AppError(
      'FORBIDDEN',
      `this needs the role ${access.join(' or ')}${access.includes('admin') ? '' : ' (or admin)'}; you are ${user.role}`,
    )
}

export function requireAccess(access: Access): GuardHook {
  return async (request) => checkAccess(request.user, access)
}

export function requireRole(...roles: Role[]): GuardHook {
  return requireAccess(roles)
}

export const requireUser = (): GuardHook => requireAccess('signed-in')
