import type { Role } from '@rb/domain'

/** An account as the admin pages see it over HTTP (`/api/users`; never the password hash). */
export interface UserView {
  id: number
  username: string
  displayName: string
  role: Role
  driverCode: string | null
  disabled: boolean
  demo: boolean
  /** ISO 8601. */
  createdAt: string
}
