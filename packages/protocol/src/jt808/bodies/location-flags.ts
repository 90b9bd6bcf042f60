/**
 * Alarm and status bits of the 0x0200 location report (JT/T 808-2013 tables 24–25, same bits in
 * 2019). The raw uint32 is what is stored and re-encoded; the named booleans are a view of it.
 */

/** Alarm bit → name. Bits 15–17 are reserved. */
export const ALARM_BITS = {
  sos: 0,
  overspeed: 1,
  fatigue: 2,
  dangerWarning: 3,
  gnssModuleFault: 4,
  gnssAntennaDisconnected: 5,
  gnssAntennaShortCircuit: 6,
  powerUndervoltage: 7,
  powerCut: 8,
  displayFault: 9,
  ttsFault: 10,
  cameraFault: 11,
  icCardFault: 12,
  overspeedWarning: 13,
  fatigueWarning: 14,
  drivingTimeoutToday: 18,
  parkingTimeout: 19,
  areaInOut: 20,
  routeInOut: 21,
  routeTimeAbnormal: 22,
  routeDeviation: 23,
  vssFault: 24,
  fuelAbnormal: 25,
  stolen: 26,
  illegalIgnition: 27,
  illegalDisplacement: 28,
  collision: 29,
  rollover: 30,
  illegalDoorOpen: 31,
} as const

export type AlarmName = keyof typeof ALARM_BITS
export type AlarmFlags = Record<AlarmName, boolean>

/** Single-bit status flags. Bits 8–9 (load) are a two-bit field, see `StatusFlags.load`. */
export const STATUS_BITS = {
  accOn: 0,
  located: 1,
  south: 2,
  west: 3,
  outOfService: 4,
  coordinatesEncrypted: 5,
  fuelCircuitCut: 10,
  electricCircuitCut: 11,
  doorLocked: 12,
  door1Open: 13,
  door2Open: 14,
  door3Open: 15,
  door4Open: 16,
  door5Open: 17,
  gps: 18,
  beidou: 19,
  glonass: 20,
  galileo: 21,
} as const

export type StatusName = keyof typeof STATUS_BITS
export type StatusFlags = Record<StatusName, boolean> & {
  /** Bits 8–9: 0 empty, 1 half load, 2 reserved, 3 full. */
  load: number
}

const LOAD_SHIFT = 8

const bit = (raw: number, n: number): boolean => Math.floor(raw / 2 ** n) % 2 === 1

export function decodeAlarmFlags(raw: number): AlarmFlags {
  const out = {} as AlarmFlags
  for (const [name, n] of Object.entries(ALARM_BITS) as [AlarmName, number][]) out[name] = bit(raw, n)
  return out
}

export function decodeStatusFlags(raw: number): StatusFlags {
  const out = { load: (raw >>> LOAD_SHIFT) & 0x3 } as StatusFlags
  for (const [name, n] of Object.entries(STATUS_BITS) as [StatusName, number][]) out[name] = bit(raw, n)
  return out
}

/** Named alarms → raw uint32, for terminals (the simulator) building a report. */
export function alarmFlagsToRaw(flags: Partial<AlarmFlags>): number {
  let raw = 0
  for (const [name, n] of Object.entries(ALARM_BITS) as [AlarmName, number][]) if (flags[name]) raw += 2 ** n
  return raw
}

/** Named status → raw uint32. `south`/`west` may be left out: the encoder sets them from the signs. */
export function statusFlagsToRaw(flags: Partial<StatusFlags>): number {
  let raw = ((flags.load ?? 0) & 0x3) * 2 ** LOAD_SHIFT
  for (const [name, n] of Object.entries(STATUS_BITS) as [StatusName, number][]) if (flags[name]) raw += 2 ** n
  return raw
}

/** Returns `raw` with bit `n` set or cleared; arithmetic keeps bit 31 unsigned. */
export function withBit(raw: number, n: number, on: boolean): number {
  const has = bit(raw, n)
  if (has === on) return raw
  return on ? raw + 2 ** n : raw - 2 ** n
}
