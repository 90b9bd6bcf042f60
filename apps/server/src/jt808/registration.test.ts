import { describe, expect, it } from 'vitest'
import { jt808 } from '@rb/protocol'
import {
  authCodeMatches,
  decideAuth,
  decideRegistration,
  normalizePlate,
  type TerminalVehicle,
} from './registration.js'

const { REGISTER_RESULT } = jt808
const makeVehicle = (over: Partial<TerminalVehicle> = {}): TerminalVehicle => ({
  id: 'XY-V101',
  plate: '川E·A1234',
  jt808Phone: '013912345678',
  status: 'active',
  ...over,
})

describe('normalizePlate', () => {
  it('drops separators and case, keeps the province character', () => {
    expect(normalizePlate('川E·A1234')).toBe('川EA1234')
    expect(normalizePlate('川e a-1234')).toBe('川EA1234')
    expect(normalizePlate('')).toBe('')
  })
})

describe('decideRegistration', () => {
  const facts = { phone: '13912345678', plate: '川EA1234', byPhone: null, byPlate: null }

  it('binds by the configured terminal phone first', () => {
    const v = makeVehicle()
    expect(decideRegistration({ ...facts, byPhone: v, byPlate: makeVehicle({ id: 'XY-V999' }) })).toEqual({
      result: REGISTER_RESULT.success,
      vehicle: v,
      via: 'phone',
    })
  })

  it('binds by plate a vehicle without a terminal phone', () => {
    const v = makeVehicle({ jt808Phone: null })
    expect(decideRegistration({ ...facts, byPlate: v })).toMatchObject({
      result: REGISTER_RESULT.success,
      via: 'plate',
    })
  })

  it('refuses a plate whose vehicle is configured for another terminal', () => {
    const r = decideRegistration({ ...facts, byPlate: makeVehicle({ jt808Phone: '013900000000' }) })
    expect(r).toMatchObject({
      result: REGISTER_RESULT.vehicleAlreadyRegistered,
      detail: expect.stringContaining('013900000000'),
    })
  })

  it('says vehicle not found when a plate was sent, terminal not found when not', () => {
    expect(decideRegistration(facts).result).toBe(REGISTER_RESULT.vehicleNotFound)
    expect(decideRegistration({ ...facts, plate: '' }).result).toBe(REGISTER_RESULT.terminalNotFound)
  })

  it('treats a retired vehicle as absent', () => {
    expect(decideRegistration({ ...facts, plate: '', byPhone: makeVehicle({ status: 'retired' }) }).result).toBe(
      REGISTER_RESULT.terminalNotFound,
    )
  })
})

describe('decideAuth', () => {
  const reg = { vehicleId: 'XY-V101', authCode: '0123456789abcdef' }

  it('accepts the issued code for an active vehicle still configured for the terminal', () => {
    expect(decideAuth('13912345678', '0123456789abcdef', reg, makeVehicle())).toEqual({
      ok: true,
      vehicleId: 'XY-V101',
    })
    expect(decideAuth('13912345678', '0123456789abcdef', reg, makeVehicle({ jt808Phone: null }))).toEqual({
      ok: true,
      vehicleId: 'XY-V101',
    })
  })

  it('refuses an unregistered terminal, a wrong code, a retired vehicle, a moved terminal', () => {
    expect(decideAuth('13912345678', 'x', null, null)).toMatchObject({
      ok: false,
      detail: expect.stringContaining('0x0100'),
    })
    expect(decideAuth('13912345678', '0123456789abcdeF', reg, makeVehicle())).toMatchObject({
      ok: false,
      detail: expect.stringContaining('wrong auth code'),
    })
    expect(decideAuth('13912345678', reg.authCode, reg, makeVehicle({ status: 'retired' })).ok).toBe(false)
    expect(decideAuth('13912345678', reg.authCode, reg, null).ok).toBe(false)
    expect(decideAuth('13912345678', reg.authCode, reg, makeVehicle({ jt808Phone: '13800000000' })).ok).toBe(false)
  })
})

describe('authCodeMatches', () => {
  it('compares whole codes of any length', () => {
    expect(authCodeMatches('abc', 'abc')).toBe(true)
    expect(authCodeMatches('abc', 'abcd')).toBe(false)
    expect(authCodeMatches('abc', '')).toBe(false)
    expect(authCodeMatches('鉴权码', '鉴权码')).toBe(true)
  })
})
