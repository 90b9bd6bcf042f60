/** The signed-in caller as the booking service sees them; anyone else is a passenger. */
import type { FastifyRequest } from 'fastify'
import { roleAllows, type Role } from '@rb/domain'
import type { Actor } from './service.js'

/** Who manages bookings (admin passes every check). */
export const DISPATCHERS: readonly Role[] = ['dispatcher']
/** Who reads and marks a manifest: the trip's driver (checked by the service) and dispatchers. */
export const CREW: readonly Role[] = ['driver', 'dispatcher']

export function actorOf(request: FastifyRequest): Actor {
  const u = request.user
  if (!u) return { kind: 'passenger' }
  if (u.role === 'driver') return { kind: 'driver', username: u.username, driverCode: u.driverCode ?? null }
  if (roleAllows(u.role, DISPATCHERS)) return { kind: 'dispatcher', username: u.username }
  return { kind: 'passenger' }
}
