/** HTTP client of the console: the pages' one client (`@rb/web/http`), and a sign-in page when a session ends. */
import { ApiError, request as send } from '@rb/web/http'

export { ApiError }

type Listener = () => void
const unauthorised = new Set<Listener>()

/** Called when any request answers 401 (the session ended): the shell shows the sign-in page. */
export function onUnauthorised(fn: Listener): () => void {
  unauthorised.add(fn)
  return () => unauthorised.delete(fn)
}

async function request<T>(method: string, path: string, body?: unknown, raw?: Blob, contentType?: string): Promise<T> {
  try {
    return await send<T>(
      path,
      raw !== undefined
        ? { method, raw, headers: { 'content-type': contentType ?? 'application/octet-stream' } }
        : { method, json: body },
    )
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !path.startsWith('/api/auth/'))
      for (const fn of unauthorised) fn()
    throw err
  }
}

export const api = {
  get: <T>(path: string): Promise<T> => request<T>('GET', path),
  post: <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown): Promise<T> => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, body),
  del: <T>(path: string): Promise<T> => request<T>('DELETE', path),
  upload: <T>(path: string, data: Blob, contentType: string): Promise<T> =>
    request<T>('POST', path, undefined, data, contentType),
}

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}
