/**
 * The HTTP client of the three web pages (console, driver, villager): same origin, the session
 * cookie, a timeout, and the server's `{error:{code,message,details}}` answer turned into an
 * ApiError. A failed connection (no signal, timeout, an answer cut off) is a NetworkError instead,
 * so a page can tell "try again later" from "the server refused". Small on purpose: the villager
 * page's first load has a 40 KB budget.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's `details` as the server gave them (e.g. the refused field, a roster change's `problems`). */
    readonly details: Record<string, unknown> | null = null,
    /** Seconds the server asked us to wait (429, 503). */
    readonly retryAfterS: number | null = null,
  ) {
    super(message)
  }

  /** Worth sending again later: the server was busy or away, not refusing this request. */
  get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500
  }
}

export class NetworkError extends Error {}

/** A request's settings: fetch's own, plus a JSON body and how long to wait for the answer. */
export interface RequestOptions extends Omit<RequestInit, 'body'> {
  /** Sent as JSON (with its content type) unless `raw` is given. */
  json?: unknown
  /** Sent as it is (an upload), with `headers` saying its type. */
  raw?: BodyInit
  /** Longest wait for the whole answer, ms. */
  timeoutMs?: number
}

const TIMEOUT_MS = 20_000

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> | null }
}

/** Calls the server; resolves with the parsed answer (JSON, or the text of a non-JSON answer). */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const { json, raw, timeoutMs = TIMEOUT_MS, headers, ...init } = opts
  const ctrl = typeof AbortController === 'function' ? new AbortController() : null
  const timer = ctrl ? setTimeout(() => ctrl.abort(), timeoutMs) : undefined
  const hasJson = raw === undefined && json !== undefined
  let res: Response
  let text: string
  try {
    res = await fetch(path, {
      ...init,
      headers: hasJson
        ? { 'content-type': 'application/json', ...(headers as Record<string, string> | undefined) }
        : headers,
      body: raw ?? (hasJson ? JSON.stringify(json) : null),
      credentials: 'same-origin',
      ...(ctrl ? { signal: ctrl.signal } : {}),
    })
    text = await res.text()
  } catch (err) {
    throw new NetworkError((err as Error).message || 'network error')
  } finally {
    clearTimeout(timer)
  }
  let body: unknown = null
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      // JSON announced but not whole: the connection dropped mid-answer.
      if (res.ok && /json/.test(res.headers.get('content-type') ?? '')) throw new NetworkError('the answer was cut off')
      body = text
    }
  }
  if (!res.ok) {
    const e = (body as ErrorBody | null)?.error
    const retry = Number(res.headers.get('retry-after'))
    const message = e?.message ?? (typeof body === 'string' && body ? body : res.statusText)
    throw new ApiError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      message,
      e?.details ?? null,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    )
  }
  return body as T
}
