/**
 * Who a `driver` event names: the unified driver number when it is one on file, else the driver
 * whose qualification certificate it carries, else nobody (the card's name and number are kept
 * by the engine, never pinned on someone else).
 */
import type { Driver } from '@rb/domain'

export interface DriverDirectory {
  resolve(named: { driverId?: string | null; cert?: string | null }): Driver | null
  byId(driverId: string): Driver | null
}

const clean = (cert: string): string => cert.trim().toUpperCase()
/** Terminals pad the 20-byte field with ASCII '0' or spaces as well as NUL (docs/jt808.md). */
const unpadded = (cert: string): string => clean(cert).replace(/^[0 ]+|[0 ]+$/g, '')

export function driverDirectory(drivers: readonly Driver[]): DriverDirectory {
  const ids = new Map(drivers.map((d) => [d.id, d]))
  const certs = new Map<string, Driver>()
  const loose = new Map<string, Driver[]>()
  for (const d of drivers) {
    if (clean(d.qualificationCert) === '') continue
    certs.set(clean(d.qualificationCert), d)
    const key = unpadded(d.qualificationCert)
    loose.set(key, [...(loose.get(key) ?? []), d])
  }
  const byCert = (cert: string): Driver | null => {
    const exact = certs.get(clean(cert))
    if (exact) return exact
    // Padding stripped, only when it names exactly one driver.
    const candidates = unpadded(cert) === '' ? [] : (loose.get(unpadded(cert)) ?? [])
    return candidates.length === 1 ? (candidates[0] as Driver) : null
  }
  return {
    resolve(named) {
      const known = named.driverId ? ids.get(named.driverId) : undefined
      if (known) return known
      return named.cert ? byCert(named.cert) : null
    },
    byId: (driverId) => ids.get(driverId) ?? null,
  }
}
