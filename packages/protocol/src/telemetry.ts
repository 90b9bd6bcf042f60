/**
 * Telemetry wire contract (docs/design.md §2): the JSON a vehicle publishes and the checks every
 * consumer applies before a point is accepted. Pure: `nowMs` is a parameter.
 */
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DRIVER_ID_PATTERN } from './driver-events.js'
import type { Position } from './position.js'

/** Timestamp on the wire: ISO-8601 with a zone (`Z` or `+08:00`) or epoch milliseconds. */
export const WireTimestamp = Type.Union([Type.String({ maxLength: 40 }), Type.Number()])

export const PositionPayload = Type.Object(
  {
    ts: WireTimestamp,
    lat: Type.Number({ description: 'WGS-84 latitude, degrees' }),
    lon: Type.Number({ description: 'WGS-84 longitude, degrees' }),
    speed: Type.Number({ minimum: 0, maximum: 300, description: 'km/h' }),
    heading: Type.Number({ minimum: 0, maximum: 360, description: 'degrees clockwise from north' }),
    acc: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000, description: 'horizontal accuracy, m' })),
    odo: Type.Optional(Type.Number({ minimum: 0, description: 'odometer, m' })),
    vehicleId: Type.Optional(
      Type.String({ maxLength: 64, description: 'must equal the topic vehicle id when present' }),
    ),
  },
  { $id: 'PositionPayload', additionalProperties: true },
)
export type PositionPayload = Static<typeof PositionPayload>

export const PositionBatchPayload = Type.Array(PositionPayload, { $id: 'PositionBatchPayload' })
export type PositionBatchPayload = Static<typeof PositionBatchPayload>

export const DeviceEventPayload = Type.Object(
  {
    ts: WireTimestamp,
    type: Type.Union([Type.Literal('alarm'), Type.Literal('door'), Type.Literal('passengers'), Type.Literal('driver')]),
    alarm: Type.Optional(Type.String({ maxLength: 32 })),
    doorOpen: Type.Optional(Type.Boolean()),
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })),
    // `driver` events: who took the wheel (`on`) or left it (`off`).
    action: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off')])),
    driverId: Type.Optional(
      Type.String({ pattern: DRIVER_ID_PATTERN, description: 'unified driver number, e.g. XY-D007' }),
    ),
    cert: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'qualification certificate number' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    vehicleId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { $id: 'DeviceEventPayload', additionalProperties: false },
)
export type DeviceEventPayload = Static<typeof DeviceEventPayload>

/** Why a message (or one point of a batch) was dropped; the label of the `dropped` metric. */
export type RejectReason =
  'bad_json' | 'schema' | 'coordinates' | 'future_ts' | 'vehicle_mismatch' | 'oversize' | 'bad_topic'

export const REJECT_REASONS: readonly RejectReason[] = [
  'bad_json',
  'schema',
  'coordinates',
  'future_ts',
  'vehicle_mismatch',
  'oversize',
  'bad_topic',
]

export interface Reject {
  reason: RejectReason
  detail: string
}

export interface TelemetryLimits {
  /** Largest single-position message, bytes. */
  maxPositionBytes: number
  /**
   * Largest batch message, bytes: the broker's packet limit (MQTT_MAX_PACKET_KB), so a batch the
   * broker let through is taken whole, however many points it holds.
   */
  maxBatchBytes: number
  /** How far ahead of the receiver's clock a fix may be, ms (device clocks drift). */
  maxFutureSkewMs: number
}

export const DEFAULT_LIMITS: TelemetryLimits = {
  maxPositionBytes: 4 * 1024,
  maxBatchBytes: 256 * 1024,
  maxFutureSkewMs: 5 * 60_000,
}

/** Fixes before this are a device without time (or epoch seconds sent as ms). */
const EARLIEST_TS_MS = Date.UTC(2000, 0, 1)
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8')
const checkPosition = TypeCompiler.Compile(PositionPayload)
const checkEvent = TypeCompiler.Compile(DeviceEventPayload)

export type Parsed<T> = { ok: true; value: T } | { ok: false; reject: Reject }

const fail = (reason: RejectReason, detail: string): { ok: false; reject: Reject } => ({
  ok: false,
  reject: { reason, detail },
})

/** Wire timestamp → epoch ms, or a reason it is not one. */
export function parseWireTimestamp(ts: string | number): Parsed<number> {
  let ms: number
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) return fail('schema', 'ts is not a finite number')
    ms = Math.round(ts)
  } else {
    if (!ISO_WITH_ZONE.test(ts)) return fail('schema', 'ts must be ISO-8601 with a zone (Z or ±hh:mm) or epoch ms')
    ms = Date.parse(ts)
    if (Number.isNaN(ms)) return fail('schema', 'ts is not a valid date')
  }
  if (ms < EARLIEST_TS_MS) return fail('schema', 'ts is before 2000-01-01 (epoch seconds instead of milliseconds?)')
  return { ok: true, value: ms }
}

function firstSchemaError(errors: Iterable<{ path: string; message: string }>): string {
  for (const e of errors) return `${e.path || '/'}: ${e.message}`
  return 'does not match the schema'
}

/** One already-parsed JSON value → a canonical position, or why not. */
export function toPosition(
  vehicleId: string,
  raw: unknown,
  nowMs: number,
  limits: TelemetryLimits = DEFAULT_LIMITS,
): Parsed<Position> {
  if (!checkPosition.Check(raw)) return fail('schema', firstSchemaError(checkPosition.Errors(raw)))
  const p = raw
  if (p.vehicleId !== undefined && p.vehicleId !== vehicleId) {
    return fail('vehicle_mismatch', `payload names vehicle ${JSON.stringify(p.vehicleId)} on the topic of ${vehicleId}`)
  }
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon) || p.lat < -90 || p.lat > 90 || p.lon < -180 || p.lon > 180) {
    return fail('coordinates', `lat ${p.lat}, lon ${p.lon} is outside WGS-84 range`)
  }
  if (p.lat === 0 && p.lon === 0) return fail('coordinates', 'fix at (0,0): the device has no GPS fix')
  const ts = parseWireTimestamp(p.ts)
  if (!ts.ok) return ts
  if (ts.value > nowMs + limits.maxFutureSkewMs) {
    return fail('future_ts', `ts is ${Math.round((ts.value - nowMs) / 1000)} s ahead of the server clock`)
  }
  return {
    ok: true,
    value: {
      vehicleId,
      ts: ts.value,
      lng: p.lon,
      lat: p.lat,
      speedKmh: p.speed,
      headingDeg: p.heading === 360 ? 0 : p.heading,
      accM: p.acc ?? null,
      odoM: p.odo ?? null,
      source: 'mqtt',
    },
  }
}

function parseJson(payload: Uint8Array | string, maxBytes: number): Parsed<unknown> {
  const size = typeof payload === 'string' ? utf8.encode(payload).byteLength : payload.byteLength
  if (size > maxBytes) return fail('oversize', `${size} bytes exceeds the limit of ${maxBytes}`)
  const text = typeof payload === 'string' ? payload : utf8Decoder.decode(payload)
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    return fail('bad_json', (err as Error).message)
  }
}

/** A `…/pos` message → one position, or why it was dropped. */
export function parsePositionMessage(
  vehicleId: string,
  payload: Uint8Array | string,
  nowMs: number,
  limits: TelemetryLimits = DEFAULT_LIMITS,
): Parsed<Position> {
  const json = parseJson(payload, limits.maxPositionBytes)
  if (!json.ok) return json
  return toPosition(vehicleId, json.value, nowMs, limits)
}

export interface BatchResult {
  positions: Position[]
  rejects: Reject[]
}

/**
 * A `…/pos/batch` message (store-and-forward after a dead zone). Each point stands alone:
 * one bad point is dropped and counted, the good ones are kept.
 */
export function parsePositionBatchMessage(
  vehicleId: string,
  payload: Uint8Array | string,
  nowMs: number,
  limits: TelemetryLimits = DEFAULT_LIMITS,
): BatchResult {
  const json = parseJson(payload, limits.maxBatchBytes)
  if (!json.ok) return { positions: [], rejects: [json.reject] }
  if (!Array.isArray(json.value))
    return { positions: [], rejects: [{ reason: 'schema', detail: 'a batch must be a JSON array of positions' }] }
  const positions: Position[] = []
  const rejects: Reject[] = []
  for (const raw of json.value) {
    const r = toPosition(vehicleId, raw, nowMs, limits)
    if (r.ok) positions.push(r.value)
    else rejects.push(r.reject)
  }
  return { positions, rejects }
}

export interface DeviceEvent {
  vehicleId: string
  ts: number
  type: DeviceEventPayload['type']
  data: Record<string, unknown>
}

/** A `…/event` message (driver alarm, door, passenger count, who drives). */
export function parseDeviceEventMessage(
  vehicleId: string,
  payload: Uint8Array | string,
  nowMs: number,
  limits: TelemetryLimits = DEFAULT_LIMITS,
): Parsed<DeviceEvent> {
  const json = parseJson(payload, limits.maxPositionBytes)
  if (!json.ok) return json
  const raw = json.value
  if (!checkEvent.Check(raw)) return fail('schema', firstSchemaError(checkEvent.Errors(raw)))
  if (raw.vehicleId !== undefined && raw.vehicleId !== vehicleId) {
    return fail(
      'vehicle_mismatch',
      `payload names vehicle ${JSON.stringify(raw.vehicleId)} on the topic of ${vehicleId}`,
    )
  }
  const driverProblem = driverFieldsProblem(raw)
  if (driverProblem) return fail('schema', driverProblem)
  const ts = parseWireTimestamp(raw.ts)
  if (!ts.ok) return ts
  if (ts.value > nowMs + limits.maxFutureSkewMs) return fail('future_ts', 'event ts is in the future')
  const { ts: _ts, type, vehicleId: _v, ...data } = raw
  // A device's word on who drives is marked as such: the IC card and the driver page say it otherwise.
  return {
    ok: true,
    value: { vehicleId, ts: ts.value, type, data: type === 'driver' ? { ...data, source: 'device' } : data },
  }
}

/** `driver` events need an action, and someone named when a driver comes on; the other events carry none of these fields. */
function driverFieldsProblem(e: DeviceEventPayload): string | null {
  const named = e.driverId !== undefined || e.cert !== undefined || e.name !== undefined
  if (e.type !== 'driver')
    return named || e.action !== undefined
      ? `/action, /driverId, /cert and /name belong to driver events, not ${e.type}`
      : null
  if (e.action === undefined) return '/action: a driver event says "on" (took the wheel) or "off" (left it)'
  if (e.action === 'on' && !named) return '/driverId: a driver coming on needs driverId, cert or name'
  return null
}

export type VehicleStatus = 'online' | 'offline'

/** A retained `…/status` message: `online` or `offline` (the latter usually the last will). */
export function parseStatusMessage(payload: Uint8Array | string): Parsed<VehicleStatus> {
  if (payload.length > 64) return fail('oversize', 'status payload is longer than 64 bytes')
  const text = (typeof payload === 'string' ? payload : utf8Decoder.decode(payload)).trim()
  if (text === 'online' || text === 'offline') return { ok: true, value: text }
  return fail('schema', 'status must be "online" or "offline"')
}

/** Encodes a canonical position as the wire payload (producers: simulator, tests, bench). */
export function encodePositionPayload(
  p: Pick<Position, 'ts' | 'lat' | 'lng' | 'speedKmh' | 'headingDeg'> & Partial<Pick<Position, 'accM' | 'odoM'>>,
): PositionPayload {
  const out: PositionPayload = {
    ts: new Date(p.ts).toISOString(),
    lat: p.lat,
    lon: p.lng,
    speed: p.speedKmh,
    heading: p.headingDeg,
  }
  if (p.accM != null) out.acc = p.accM
  if (p.odoM != null) out.odo = p.odoM
  return out
}
