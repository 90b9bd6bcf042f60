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
export function tokenFrom(headers: {
  cookie?: string | undefined
  authorization?: string | undefined
}): string | undefined {
  return tokenSource(headers)?.token
}

export function tokenSource(headers: {
  cookie?: string | undefined
  authorization?: string | undefined
}): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const auth = headers.authorization
  if (auth && /^Bearer\s+/i.test(auth)) {
    const token = auth.replace(/^Bearer\s+/i, '').trim()
    return token ? { token, via: 'bearer' } : undefined
  }
  const token = readCookie(headers.cookie, SESSION_COOKIE)
  return token ? { token, via: 'cookie' } : undefined
}

/**
 * A browser request carrying the cookie from another site: its Origin (sent on every cross-site
 * POST/PUT/PATCH/DELETE by current browsers) names neither this host nor PUBLIC_URL.
 */
export function isCrossSite(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return false
  let o: URL
  try {
    o = new URL(origin)
  } catch {
    return true
  }
  return o.host !== host && o.origin !== new URL(publicUrl).origin
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
