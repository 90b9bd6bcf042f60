/** Sign-in state: the server's session (cookie `rb_session`, set by POST /api/auth/login). */
import type { SessionUser } from '@rb/domain'
import { api, ApiError } from './api.js'

export async function currentUser(): Promise<SessionUser | null> {
  try {
    return (await api.get<{ user: SessionUser }>('/api/auth/me')).user
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null
    throw err
  }
}

export async function signIn(username: string, password: string): Promise<SessionUser> {
  return (await api.post<{ user: SessionUser }>('/api/auth/login', { username, password })).user
}

export async function signOut(): Promise<void> {
  await api.post('/api/auth/logout')
}
