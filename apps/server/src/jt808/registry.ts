/**
 * Terminal registry over the database: 0x0100 registration (issues and stores an auth code),
 * 0x0102 authentication, 0x0003 deregistration. The rules are in registration.ts.
 */
import { randomBytes } from 'node:crypto'
import { jt808Repo, type Queryable } from '@rb/db'
import { jt808 } from '@rb/protocol'
import { decideAuth, decideRegistration, normalizePlate, type AuthDecision } from './registration.js'

export interface RegisterOutcome {
  /** 0x8100 result (`REGISTER_RESULT`). */
  result: number
  /** Issued on success, '' otherwise. */
  authCode: string
  vehicleId: string | null
  /** Why, for the log. */
  detail: string
}

export interface TerminalRegistry {
  /** `phone` is canonical (`canonicalPhone`). */
  register(phone: string, body: jt808.TerminalRegister, nowMs: number): Promise<RegisterOutcome>
  authenticate(phone: string, authCode: string): Promise<AuthDecision>
  deregister(phone: string): Promise<void>
}

/** 16 hex digits: unguessable, and plain ASCII for terminals with odd text handling. */
const newAuthCode = (): string => randomBytes(8).toString('hex')

export function createTerminalRegistry(db: Queryable, makeCode: () => string = newAuthCode): TerminalRegistry {
  return {
    async register(phone, body, nowMs) {
      const plate = normalizePlate(body.plate)
      const [byPhone, byPlate] = await Promise.all([
        jt808Repo.findVehicleByTerminalPhone(db, phone),
        plate === '' ? Promise.resolve(null) : jt808Repo.findVehicleByPlate(db, plate),
      ])
      const decision = decideRegistration({ phone, plate, byPhone, byPlate })
      if (decision.result !== jt808.REGISTER_RESULT.success)
        return { result: decision.result, authCode: '', vehicleId: null, detail: decision.detail }
      const vehicleId = decision.vehicle.id
      // A terminal that lost the 0x8100 registers again: it gets the same code back.
      const existing = await jt808Repo.getTerminal(db, phone)
      const authCode = existing?.vehicleId === vehicleId ? existing.authCode : makeCode()
      await jt808Repo.saveTerminal(db, {
        phone,
        vehicleId,
        authCode,
        registeredAt: nowMs,
        manufacturerId: body.manufacturerId,
        terminalModel: body.terminalModel,
        terminalId: body.terminalId,
        protocol: body.layout,
      })
      return {
        result: decision.result,
        authCode,
        vehicleId,
        detail: `bound to vehicle ${vehicleId} by ${decision.via}`,
      }
    },

    async authenticate(phone, authCode) {
      const registration = await jt808Repo.getTerminal(db, phone)
      const vehicle = registration ? await jt808Repo.findVehicleById(db, registration.vehicleId) : null
      return decideAuth(phone, authCode, registration, vehicle)
    },

    async deregister(phone) {
      await jt808Repo.deleteTerminal(db, phone)
    },
  }
}
