/** HTTP client of the console: same origin, session cookie, the server's `{error:{code,message}}` turned into ApiError. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's `details` as the server gave them (e.g. a refused roster change's `problems`). */
    readonly details?: unknown,
  ) {
    super(message)
  }
}

type Listener = () => void
const unauthorised = new Set<Listener>()

/** Called when any request answers 401 (the session ended): the shell shows the sign-in page. */
export function onUnauthorised(fn: Listener): () => void {
  unauthorised.add(fn)
  return () => unauthorised.delete(fn)
}

async function request<T>(method: string, path: string, body?: unknown, raw?: BodyInit, contentType?: string): Promise<T> {
  const headers: Record<string, string> = {}
  let payload: BodyInit | null = null
  if (raw !== undefined) {
    payload = raw
    if (contentType) headers['content-type'] = contentType
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' })
  const text = await res.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = text
  }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error
    if (res.status === 401 && !path.startsWith('/api/auth/')) for (const fn of unauthorised) fn()
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (typeof parsed === 'string' && parsed ? parsed : res.statusText), err?.details)
  }
  return parsed as T
}

export const api = {
  get: <T>(path: string): Promise<T> => request<T>('GET', path),
  post: <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown): Promise<T> => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, body),
  del: <T>(path: string): Promise<T> => request<T>('DELETE', path),
  upload: <T>(path: string, data: Blob, contentType: string): Promise<T> => request<T>('POST', path, undefined, data, contentType),
}

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}
