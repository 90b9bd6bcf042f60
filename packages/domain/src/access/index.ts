/**
 * Roles and who may do what (docs/security.md). Pure: the server's guard and the console both
 * read these rules; nothing here touches a request.
 */
export const ROLES = ['admin', 'dispatcher', 'operator', 'driver', 'station', 'school'] as const
export type Role = (typeof ROLES)[number]

/** People at the county office: they see the live fleet, tracks and phones. */
export const STAFF_ROLES: readonly Role[] = ['dispatcher', 'operator', 'admin']

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value)

/** Whether `role` satisfies a check that asks for one of `allowed`; admin passes every check. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role)
}

/** Who is signed in, as every part of the server sees it. */
export interface SessionUser {
  id: number
  username: string
  displayName: string
  role: Role
  /** The driver's unified number (XY-D031) when role is driver. */
  driverCode?: string
}

export * from './sign-in-delay.js'

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,39}$'
export const PASSWORD_MIN_LENGTH = 10
/** Bytes; a longer password only costs hashing time. */
export const PASSWORD_MAX_LENGTH = 200

/**
 * Why a new password is refused, or null when it is acceptable. `known` lists passwords that
 * must never work (demo passwords, the obvious ones) whatever their length.
 */
export function passwordProblem(password: string, username: string, known: readonly string[]): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_LENGTH)
    return `must be at most ${PASSWORD_MAX_LENGTH} bytes`
  const lower = password.toLowerCase()
  if (lower.includes(username.toLowerCase())) return 'must not contain the user name'
  if (known.some((k) => k.toLowerCase() === lower)) return 'is a published or default password'
  if (new Set(password).size < 4) return 'has too few different characters'
  return null
}
