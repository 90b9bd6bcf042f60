/** 0x0200 location report body; also each item of the 0x0704 batch. */
import { decodeBcdTime, encodeBcdTime } from '../bcd.js'
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import {
  STATUS_BITS,
  decodeAlarmFlags,
  decodeStatusFlags,
  withBit,
  type AlarmFlags,
  type StatusFlags,
} from './location-flags.js'

/** An extra item kept as it came: vendor ids, and standard ids with an unexpected length. */
export interface RawExtraItem {
  id: number
  bytes: Uint8Array
}

/** Additional information items. Only the standard ones the platform uses are decoded. */
export interface LocationExtras {
  /** 0x01, odometer in km (wire: DWORD, 0.1 km). */
  mileageKm?: number
  /** 0x02, fuel in litres (wire: WORD, 0.1 L). */
  fuelL?: number
  /** 0x03, speed from the driving recorder in km/h (wire: WORD, 0.1 km/h). */
  recorderSpeedKmh?: number
  /** 0x30, wireless signal strength (CSQ-like, 0–31). */
  signalStrength?: number
  /** 0x31, GNSS satellites in use. */
  gnssSatellites?: number
  /** Every other item, in wire order. */
  other: RawExtraItem[]
}

export interface LocationReport {
  /** Alarm flags as on the wire (uint32). */
  alarmRaw: number
  /** Status flags as on the wire (uint32). */
  statusRaw: number
  alarms: AlarmFlags
  status: StatusFlags
  /** WGS-84 degrees, negative in the south (status bit 2). */
  lat: number
  /** WGS-84 degrees, negative in the west (status bit 3). */
  lng: number
  /** Metres above sea level. */
  altitudeM: number
  speedKmh: number
  /** Degrees clockwise from north, 0–359. */
  headingDeg: number
  /** Fix time, epoch ms (the wire carries GMT+8 wall time). */
  ts: number
  extras: LocationExtras
}

/** What a terminal supplies; the named flag views are derived from the raw words. */
export type LocationInput = Omit<LocationReport, 'alarms' | 'status' | 'extras'> & {
  extras?: Partial<LocationExtras>
}

/** Fixed part: alarm 4, status 4, lat 4, lng 4, altitude 2, speed 2, direction 2, time 6. */
export const LOCATION_FIXED_BYTES = 28

type Scalar = Exclude<keyof LocationExtras, 'other'>

/** Standard items: id, wire width, scale (wire units per field unit). */
const STANDARD_ITEMS: readonly { id: number; key: Scalar; width: 1 | 2 | 4; scale: number }[] = [
  { id: 0x01, key: 'mileageKm', width: 4, scale: 10 },
  { id: 0x02, key: 'fuelL', width: 2, scale: 10 },
  { id: 0x03, key: 'recorderSpeedKmh', width: 2, scale: 10 },
  { id: 0x30, key: 'signalStrength', width: 1, scale: 1 },
  { id: 0x31, key: 'gnssSatellites', width: 1, scale: 1 },
]

export function decodeLocation(body: Uint8Array): LocationReport {
  const r = new ByteReader(body, 'location')
  const alarmRaw = r.u32('alarm flags')
  const statusRaw = r.u32('status flags')
  const status = decodeStatusFlags(statusRaw)
  const latRaw = r.u32('latitude')
  const lngRaw = r.u32('longitude')
  const altRaw = r.u16('altitude')
  // The standard says WORD, but terminals below sea level (Turpan, −154 m) send two's complement.
  const altitudeM = altRaw >= 0x8000 ? altRaw - 0x10000 : altRaw
  const speedKmh = r.u16('speed') / 10
  const headingDeg = r.u16('direction')
  const ts = decodeBcdTime(r.bytes(6, 'time'))
  return {
    alarmRaw,
    statusRaw,
    alarms: decodeAlarmFlags(alarmRaw),
    status,
    lat: signed(latRaw, status.south),
    lng: signed(lngRaw, status.west),
    altitudeM,
    speedKmh,
    headingDeg,
    ts,
    extras: decodeExtras(r),
  }
}

/** 1e-6 degrees → degrees with the hemisphere sign; never -0. */
const signed = (raw: number, negative: boolean): number => (raw === 0 ? 0 : (negative ? -raw : raw) / 1e6)

function decodeExtras(r: ByteReader): LocationExtras {
  const extras: LocationExtras = { other: [] }
  while (r.remaining > 0) {
    const id = r.u8('extra item id')
    const len = r.u8('extra item length')
    const bytes = r.bytes(len, `extra item 0x${id.toString(16)}`)
    const std = STANDARD_ITEMS.find((s) => s.id === id)
    // A duplicate or an odd length stays raw so nothing is lost or misread.
    if (std && std.width === len && extras[std.key] === undefined) {
      extras[std.key] = readUint(bytes) / std.scale
    } else {
      extras.other.push({ id, bytes })
    }
  }
  return extras
}

function readUint(bytes: Uint8Array): number {
  let v = 0
  for (const b of bytes) v = v * 256 + b
  return v
}

export function encodeLocation(loc: LocationInput): Uint8Array {
  if (!(Math.abs(loc.lat) <= 90) || !(Math.abs(loc.lng) <= 180)) {
    throw new Jt808Error('BAD_FIELD', `lat ${loc.lat}, lng ${loc.lng} is outside WGS-84 range`)
  }
  if (!Number.isInteger(loc.altitudeM) || loc.altitudeM < -0x8000 || loc.altitudeM > 0x7fff) {
    throw new Jt808Error('BAD_FIELD', `altitudeM must be an integer in -32768..32767, got ${loc.altitudeM}`)
  }
  let statusRaw = loc.statusRaw
  // The sign is the truth for the hemisphere bits; at exactly 0 either bit reads back as 0.
  if (loc.lat !== 0) statusRaw = withBit(statusRaw, STATUS_BITS.south, loc.lat < 0)
  if (loc.lng !== 0) statusRaw = withBit(statusRaw, STATUS_BITS.west, loc.lng < 0)
  const w = new ByteWriter()
    .u32(loc.alarmRaw, 'alarmRaw')
    .u32(statusRaw, 'statusRaw')
    .u32(Math.round(Math.abs(loc.lat) * 1e6), 'lat')
    .u32(Math.round(Math.abs(loc.lng) * 1e6), 'lng')
    .u16(loc.altitudeM & 0xffff, 'altitudeM')
    .u16(Math.round(loc.speedKmh * 10), 'speedKmh')
    .u16(loc.headingDeg, 'headingDeg')
    .bytes(encodeBcdTime(loc.ts))
  writeExtras(w, loc.extras ?? {})
  return w.finish()
}

function writeExtras(w: ByteWriter, extras: Partial<LocationExtras>): void {
  for (const std of STANDARD_ITEMS) {
    const value = extras[std.key]
    if (value === undefined) continue
    const raw = Math.round(value * std.scale)
    w.u8(std.id, 'extra item id').u8(std.width, 'extra item length')
    if (std.width === 4) w.u32(raw, std.key)
    else if (std.width === 2) w.u16(raw, std.key)
    else w.u8(raw, std.key)
  }
  for (const item of extras.other ?? []) {
    w.u8(item.id, 'extra item id')
      .u8(item.bytes.length, `extra item 0x${item.id.toString(16)} length`)
      .bytes(item.bytes)
  }
}
