/**
 * What the phone remembers: language, the villager's name and phone (after the first booking),
 * bookings made here, a booking attempt in flight, queued and sent reports, the last departures
 * seen. localStorage when the browser allows it (private modes may not), memory otherwise.
 */
export interface KeyValue {
  get(key: string): string | null
  set(key: string, value: string): void
  remove(key: string): void
}

export function memoryStore(): KeyValue {
  const m = new Map<string, string>()
  return { get: (k) => m.get(k) ?? null, set: (k, v) => void m.set(k, v), remove: (k) => void m.delete(k) }
}

/** localStorage, or memory when it is missing or refuses to write. */
export function deviceStore(): KeyValue {
  try {
    const ls = globalThis.localStorage
    const probe = '__rb_probe'
    ls.setItem(probe, '1')
    ls.removeItem(probe)
    const fallback = memoryStore()
    return {
      get: (k) => {
        try {
          return ls.getItem(k) ?? fallback.get(k)
        } catch {
          return fallback.get(k)
        }
      },
      set: (k, v) => {
        try {
          ls.setItem(k, v)
        } catch {
          // Full (a queued photo, say): keep it for this visit at least.
          fallback.set(k, v)
        }
      },
      remove: (k) => {
        try {
          ls.removeItem(k)
        } catch {
          // ignore
        }
        fallback.remove(k)
      },
    }
  } catch {
    return memoryStore()
  }
}

export function readJson<T>(store: KeyValue, key: string, fallback: T): T {
  const raw = store.get(key)
  if (raw === null) return fallback
  try {
    return JSON.parse(raw) as T
  } catch {
    return fallback
  }
}

export const writeJson = (store: KeyValue, key: string, value: unknown): void => store.set(key, JSON.stringify(value))

export const KEYS = {
  lang: 'rb.lang',
  profile: 'rb.profile',
  bookings: 'rb.bookings',
  bookingAttempt: 'rb.bookingAttempt',
  reportQueue: 'rb.reports.queue',
  reportsSent: 'rb.reports.sent',
  lastArrivals: (code: string) => `rb.arrivals.${code}`,
  reminders: 'rb.reminders',
  large: 'rb.large',
  /** The grid reporter this phone is registered as: { token, id, name }. */
  gridReporter: 'rb.grid',
} as const

/** An unguessable key for one attempt (booking or report): 128 random bits. */
export function randomKey(prefix: string): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
