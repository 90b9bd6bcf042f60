/**
 * Who may reach each route (docs/security.md holds the same table for people). A route may also
 * declare its own `config: { access }`, which wins. A route in neither place is staff-only and
 * the log says so at start: nothing new is public by accident.
 */
import { STAFF_ROLES, type Role } from '@rb/domain'
import type { Access } from './guard.js'

const OPERATOR: readonly Role[] = ['operator']
const DISPATCH: readonly Role[] = ['dispatcher', 'operator']
const ADMIN: readonly Role[] = ['admin']
const DRIVER: readonly Role[] = ['driver']

export interface AccessRule {
  /** Methods it covers ('*' = all); HEAD follows GET. */
  methods: readonly string[] | '*'
  /** A route pattern as registered (`/api/stops/:code`), or a prefix ending in `*`. */
  path: string
  access: Access
}

const rule = (methods: AccessRule['methods'], path: string, access: Access): AccessRule => ({ methods, path, access })
const READ = ['GET']
const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE']

/** First match wins. */
export const ACCESS_RULES: readonly AccessRule[] = [
  // Operations and documentation.
  rule(READ, '/', 'public'),
  rule(READ, '/api/health', 'public'),
  rule(READ, '/metrics', 'public'),
  rule('*', '/docs*', 'public'),
  // Accounts (routes in auth/ declare their own access; these rows are for the table).
  rule(['POST'], '/api/auth/login', 'public'),
  rule(['POST'], '/api/auth/logout', 'public'),
  // The villager page and the public feeds.
  rule(READ, '/s/*', 'public'),
  rule(READ, '/api/gtfs/export', 'public'),
  // The network as published (the same as the GTFS feed): stops, townships, operators, routes, timetables.
  rule(READ, '/api/stops/sheets', DISPATCH),
  rule(READ, '/api/stops/:code/sheet', DISPATCH),
  rule(READ, '/api/stops*', 'public'),
  rule(READ, '/api/townships*', 'public'),
  rule(READ, '/api/operators*', 'public'),
  rule(READ, '/api/routes*', 'public'),
  rule(READ, '/api/calendars*', 'public'),
  rule(READ, '/api/schedule/*', 'public'),
  rule(READ, '/api/trips*', 'public'),
  rule(READ, '/api/trip-instances*', 'public'),
  rule(READ, '/api/network/home-view', 'public'),
  // Network changes.
  rule(WRITE, '/api/stops*', OPERATOR),
  rule(WRITE, '/api/townships*', OPERATOR),
  rule(WRITE, '/api/operators*', OPERATOR),
  rule(WRITE, '/api/routes*', OPERATOR),
  rule(WRITE, '/api/calendars*', OPERATOR),
  rule(WRITE, '/api/schedule/*', OPERATOR),
  rule(['POST'], '/api/gtfs/import*', OPERATOR),
  rule(READ, '/api/gtfs/imports', DISPATCH),
  rule(['POST'], '/api/gtfs/imports/:id/undo', OPERATOR),
  // The service day: dispatchers assign vehicles and drivers to trip instances and cancel them.
  rule(WRITE, '/api/trip-instances*', DISPATCH),
  // The duty roster: dispatchers and operators plan it; a driver reads their own published duties.
  rule('*', '/api/roster*', DISPATCH),
  rule(READ, '/api/driver/duties', ['driver', 'dispatcher', 'operator']),
  // Live fleet: positions, tracks, vehicles and drivers (phones, terminal numbers), terminal texts.
  rule(READ, '/api/vehicles*', DISPATCH),
  rule(READ, '/api/drivers*', DISPATCH),
  rule(['POST'], '/api/vehicles/:id/jt808/text', DISPATCH),
  rule(['POST'], '/api/vehicles/:id/message', DISPATCH),
  rule(WRITE, '/api/vehicles*', OPERATOR),
  rule(WRITE, '/api/drivers*', OPERATOR),
  // The driver page: "I am driving this bus" (the signed-in driver's own; an account without a driver link is refused).
  rule(['GET', 'POST', 'DELETE'], '/api/driver/vehicle', DRIVER),
  // Tracking: events and alerts of the live fleet.
  rule(READ, '/api/events*', DISPATCH),
  rule('*', '/api/alerts*', DISPATCH),
  rule('*', '/api/incidents*', DISPATCH),
  // County settings: staff read them, an admin changes them.
  rule(READ, '/api/settings', STAFF_ROLES),
  rule(['PUT'], '/api/settings', ADMIN),
  // Simulated fleets.
  rule(READ, '/api/sim*', DISPATCH),
  rule(WRITE, '/api/sim*', OPERATOR),
  // Accounts and the audit log.
  rule('*', '/api/users*', ADMIN),
  rule(READ, '/api/audit*', ADMIN),
]

/** Access of a route nobody classified. */
export const DEFAULT_ACCESS: Access = STAFF_ROLES

const matches = (r: AccessRule, method: string, path: string): boolean => {
  const m = method === 'HEAD' ? 'GET' : method
  if (r.methods !== '*' && !r.methods.includes(m)) return false
  return r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : path === r.path
}

/** The rule for a route, or undefined when no rule covers it. */
export function accessFor(
  method: string,
  path: string,
  rules: readonly AccessRule[] = ACCESS_RULES,
): Access | undefined {
  return rules.find((r) => matches(r, method, path))?.access
}

export const describeAccess = (a: Access): string =>
  typeof a === 'string' ? a : [...a, ...(a.includes('admin') ? [] : ['admin'])].join(', ')
