/**
 * Which vehicle a terminal belongs to, and whether an auth code is good: the rules, without the
 * database. The terminal phone configured on a vehicle (`jt808Phone`) is authoritative; a plate
 * sent in 0x0100 binds a terminal only to a vehicle that has no terminal phone configured.
 */
import { timingSafeEqual } from 'node:crypto'
import { jt808 } from '@rb/protocol'
import type { jt808Repo } from '@rb/db'

export type TerminalVehicle = jt808Repo.TerminalVehicle

const { REGISTER_RESULT } = jt808

/** Plates compare without separators or case: terminals send 川EA1234 for 川E·A1234. */
export function normalizePlate(plate: string): string {
  return plate.replace(/[ ·•.\-_]/g, '').toUpperCase()
}

export type RegistrationDecision =
  | { result: typeof REGISTER_RESULT.success; vehicle: TerminalVehicle; via: 'phone' | 'plate' }
  | { result: Exclude<(typeof REGISTER_RESULT)[keyof typeof REGISTER_RESULT], 0>; detail: string }

export interface RegistrationFacts {
  /** Canonical phone of the terminal (`canonicalPhone`). */
  phone: string
  /** Normalized plate from the register body ('' when none was sent). */
  plate: string
  /** The vehicle whose `jt808Phone` is this terminal's phone. */
  byPhone: TerminalVehicle | null
  /** The vehicle whose plate matches the one sent. */
  byPlate: TerminalVehicle | null
}

const active = (v: TerminalVehicle | null): v is TerminalVehicle => v !== null && v.status === 'active'

export function decideRegistration(f: RegistrationFacts): RegistrationDecision {
  if (active(f.byPhone)) return { result: REGISTER_RESULT.success, vehicle: f.byPhone, via: 'phone' }
  if (active(f.byPlate)) {
    if (f.byPlate.jt808Phone === null) return { result: REGISTER_RESULT.success, vehicle: f.byPlate, via: 'plate' }
    return {
      result: REGISTER_RESULT.vehicleAlreadyRegistered,
      detail: `vehicle ${f.byPlate.id} (plate ${f.byPlate.plate}) is configured for terminal ${f.byPlate.jt808Phone}; update its jt808Phone to move it to this terminal`,
    }
  }
  if (f.plate !== '') {
    return {
      result: REGISTER_RESULT.vehicleNotFound,
      detail: `no active vehicle has terminal phone ${f.phone} or plate ${f.plate}`,
    }
  }
  return { result: REGISTER_RESULT.terminalNotFound, detail: `no active vehicle has terminal phone ${f.phone}` }
}

/** Constant-time comparison, so response timing says nothing about how much of a code was right. */
export function authCodeMatches(issued: string, offered: string): boolean {
  const a = Buffer.from(issued, 'utf8')
  const b = Buffer.from(offered, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

export type AuthDecision = { ok: true; vehicleId: string } | { ok: false; detail: string }

/**
 * A stored registration is only good while its vehicle is active and still configured for this
 * terminal (or for none, when it was bound by plate).
 */
export function decideAuth(
  phone: string,
  offered: string,
  registration: { vehicleId: string; authCode: string } | null,
  vehicle: TerminalVehicle | null,
): AuthDecision {
  if (registration === null)
    return { ok: false, detail: `terminal ${phone} is not registered; it must send 0x0100 first` }
  if (!authCodeMatches(registration.authCode, offered))
    return { ok: false, detail: `wrong auth code from terminal ${phone}` }
  if (!active(vehicle))
    return { ok: false, detail: `vehicle ${registration.vehicleId} of terminal ${phone} is retired or gone` }
  if (vehicle.jt808Phone !== null && jt808.canonicalPhone(vehicle.jt808Phone) !== phone) {
    return { ok: false, detail: `vehicle ${vehicle.id} is now configured for terminal ${vehicle.jt808Phone}` }
  }
  return { ok: true, vehicleId: vehicle.id }
}
