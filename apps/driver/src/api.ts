/** Same-origin JSON calls with the session cookie, through the pages' one client (`@rb/web/http`). */
import { request as send } from '@rb/web/http'

export { ApiError } from '@rb/web/http'

export function request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return send<T>(path, { method, json: body })
}
