import { Jt808Error, type Jt808ErrorCode } from './errors.js'
/** Factories for tests: valid inputs with overridable fields (docs/design.md §5). */
import { statusFlagsToRaw } from './bodies/location-flags.js'
import type { LocationInput } from './bodies/location.js'
import type { HeaderInput } from './header.js'

export const makeHeader2013 = (overrides: Partial<HeaderInput> = {}): HeaderInput => ({
  phone: '013912345678',
  serial: 7,
  protocolVersion: null,
  ...overrides,
})

export const makeHeader2019 = (overrides: Partial<HeaderInput> = {}): HeaderInput => ({
  phone: '00000000013912345678',
  serial: 7,
  protocolVersion: 1,
  ...overrides,
})

/** A bus on the road in Xuyong county (28.17 N, 105.44 E), ACC on, GNSS fixed. */
export const makeLocationInput = (overrides: Partial<LocationInput> = {}): LocationInput => ({
  alarmRaw: 0,
  statusRaw: statusFlagsToRaw({ accOn: true, located: true, gps: true, beidou: true }),
  lat: 28.166667,
  lng: 105.441389,
  altitudeM: 372,
  speedKmh: 38.5,
  headingDeg: 271,
  ts: Date.UTC(2026, 4, 9, 8, 42, 27),
  extras: { mileageKm: 12345.6, gnssSatellites: 14, signalStrength: 23, other: [] },
  ...overrides,
})

/** The Jt808Error code `fn` throws, or 'no error'; anything else is rethrown. */
export function codeOf(fn: () => unknown): Jt808ErrorCode | 'no error' {
  try {
    fn()
    return 'no error'
  } catch (err) {
    if (err instanceof Jt808Error) return err.code
    throw err
  }
}
