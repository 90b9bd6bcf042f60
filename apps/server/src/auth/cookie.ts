/** The session cookie (`rb_session`) and the bearer header: where a request's token comes from. */
export const SESSION_COOKIE = 'rb_session'

/** The value of one cookie in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    const value = part.slice(eq + 1).trim()
    try {
      return decodeURIComponent(value)
    } catch {
      return undefined
    }
  }
  return undefined
}

/** `Authorization: Bearer <token>` first (scripts, the simulator), then the cookie (browsers). */
export function tokenFrom(headers: { cookie?: string | undefined; authorization?: string | undefined }): string | undefined {
  const auth = headers.authorization
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim() || undefined
  return readCookie(headers.cookie, SESSION_COOKIE)
}

export interface CookieOptions {
  /** Set when PUBLIC_URL is https: the browser then never sends the cookie over plain HTTP. */
  secure: boolean
}

export function sessionCookie(token: string, maxAgeS: number, opts: CookieOptions): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeS}; HttpOnly; SameSite=Lax${opts.secure ? '; Secure' : ''}`
}

export function clearedSessionCookie(opts: CookieOptions): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${opts.secure ? '; Secure' : ''}`
}
