/**
 * The one canonical position record every device protocol decodes into (MQTT JSON, JT/T 808).
 * Coordinates are WGS-84 degrees; `ts` is an instant in epoch milliseconds.
 */
export interface Position {
  vehicleId: string
  /** Fix time, epoch ms. */
  ts: number
  /** Longitude, WGS-84 degrees. */
  lng: number
  /** Latitude, WGS-84 degrees. */
  lat: number
  speedKmh: number
  headingDeg: number
  /** Horizontal accuracy, metres, when the device reports it. */
  accM: number | null
  /** Odometer, metres, when the device reports it. */
  odoM: number | null
  source: PositionSource
}

export type PositionSource = 'mqtt' | 'jt808'

/** Vehicle ids travel in topics and URLs: letters, digits, `-` and `_`, at most 64 characters. */
export const VEHICLE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export function isVehicleId(value: string): boolean {
  return VEHICLE_ID_PATTERN.test(value)
}

/** One point of a stored track as served over HTTP: [epoch ms, lng, lat, speed km/h, heading deg]. */
export type TrackPoint = [ts: number, lng: number, lat: number, speedKmh: number, headingDeg: number]
