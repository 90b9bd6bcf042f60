import { describe, expect, it } from 'vitest'
import {
  DEFAULT_LIMITS,
  encodePositionPayload,
  parseDeviceEventMessage,
  parsePositionBatchMessage,
  parsePositionMessage,
  parseStatusMessage,
} from './telemetry.js'
import { parseUplinkTopic, topics } from './topics.js'
import { readDriverEvent } from './driver-events.js'

const NOW = Date.UTC(2026, 10, 29, 2, 0, 0)
const good = { ts: '2026-11-29T10:00:00+08:00', lat: 28.1612, lon: 105.4431, speed: 31.5, heading: 87 }
const msg = (o: unknown) => JSON.stringify(o)

describe('position payload', () => {
  it('accepts ISO-8601 with an offset and epoch ms, as the same instant', () => {
    const iso = parsePositionMessage('V1', msg(good), NOW)
    const ms = parsePositionMessage('V1', msg({ ...good, ts: NOW }), NOW)
    expect(iso).toEqual({
      ok: true,
      value: {
        vehicleId: 'V1',
        ts: NOW,
        lng: 105.4431,
        lat: 28.1612,
        speedKmh: 31.5,
        headingDeg: 87,
        accM: null,
        odoM: null,
        source: 'mqtt',
      },
    })
    expect(ms.ok && ms.value.ts).toBe(NOW)
  })

  it('takes bytes as they come off the wire, with optional accuracy and odometer', () => {
    const r = parsePositionMessage('V1', new TextEncoder().encode(msg({ ...good, acc: 4.5, odo: 120_345 })), NOW)
    expect(r.ok && [r.value.accM, r.value.odoM]).toEqual([4.5, 120_345])
  })

  it.each([
    ['bad_json', '{"lat": 28.1,'],
    ['bad_json', ''],
    ['schema', msg([good])],
    ['schema', msg({ ...good, lat: '28.1' })],
    ['schema', msg({ ...good, speed: undefined })],
    ['schema', msg({ ...good, heading: 361 })],
    ['schema', msg({ ...good, ts: '2026-11-29 10:00:00' })],
    ['schema', msg({ ...good, ts: 1_764_374_400 })],
    ['schema', '{"ts": 1e999, "lat": 28, "lon": 105, "speed": 0, "heading": 0}'],
    ['coordinates', msg({ ...good, lat: 0, lon: 0 })],
    ['coordinates', msg({ ...good, lat: -90.0001 })],
    ['coordinates', msg({ ...good, lon: 180.5 })],
    ['schema', '{"ts": 1795920000000, "lat": 1e999, "lon": 105, "speed": 0, "heading": 0}'],
    ['future_ts', msg({ ...good, ts: NOW + 3_600_000 })],
    ['vehicle_mismatch', msg({ ...good, vehicleId: 'V2' })],
    ['oversize', msg({ ...good, note: 'x'.repeat(DEFAULT_LIMITS.maxPositionBytes) })],
  ])('drops %s: %s', (reason, payload) => {
    const r = parsePositionMessage('V1', payload.slice(0, 200_000), NOW)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.reject.reason).toBe(reason)
      expect(r.reject.detail.length).toBeGreaterThan(5)
    }
  })

  it('accepts a fix slightly ahead of the server clock (device clock drift)', () => {
    expect(parsePositionMessage('V1', msg({ ...good, ts: NOW + 60_000 }), NOW).ok).toBe(true)
  })

  it('normalises heading 360 to 0', () => {
    const r = parsePositionMessage('V1', msg({ ...good, heading: 360 }), NOW)
    expect(r.ok && r.value.headingDeg).toBe(0)
  })

  it('round-trips through the encoder producers use', () => {
    const r = parsePositionMessage(
      'V1',
      msg(encodePositionPayload({ ts: NOW, lat: 28.2, lng: 105.3, speedKmh: 12, headingDeg: 180, accM: 3 })),
      NOW,
    )
    expect(r.ok && r.value).toMatchObject({
      ts: NOW,
      lat: 28.2,
      lng: 105.3,
      speedKmh: 12,
      headingDeg: 180,
      accM: 3,
      odoM: null,
    })
  })
})

describe('batch payload', () => {
  it('keeps the good points and reports each bad one, in order', () => {
    const r = parsePositionBatchMessage(
      'V1',
      msg([{ ...good, ts: NOW - 2000 }, { ...good, lat: 95 }, { ...good, ts: NOW - 1000 }, 'junk']),
      NOW,
    )
    expect(r.positions.map((p) => p.ts)).toEqual([NOW - 2000, NOW - 1000])
    expect(r.rejects.map((x) => x.reason)).toEqual(['coordinates', 'schema'])
  })

  it('refuses a batch that is not an array or is over the byte limit, and takes any number of points within it', () => {
    expect(parsePositionBatchMessage('V1', msg(good), NOW).rejects[0]?.reason).toBe('schema')
    const many = Array.from({ length: 12_000 }, (_, i) => ({ ...good, ts: NOW - i * 1000 }))
    const payload = msg(many)
    expect(
      parsePositionBatchMessage('V1', payload, NOW, { ...DEFAULT_LIMITS, maxBatchBytes: payload.length }).positions,
    ).toHaveLength(12_000)
    expect(
      parsePositionBatchMessage('V1', payload, NOW, { ...DEFAULT_LIMITS, maxBatchBytes: payload.length - 1 }).rejects[0]
        ?.reason,
    ).toBe('oversize')
  })
})

describe('status and event payloads', () => {
  it('reads online/offline and rejects anything else', () => {
    expect(parseStatusMessage('offline')).toEqual({ ok: true, value: 'offline' })
    expect(parseStatusMessage(' online\n')).toEqual({ ok: true, value: 'online' })
    expect(parseStatusMessage('maybe')).toMatchObject({ ok: false, reject: { reason: 'schema' } })
  })

  it('reads a driver alarm event', () => {
    const r = parseDeviceEventMessage('V1', msg({ ts: NOW, type: 'alarm', alarm: 'sos' }), NOW)
    expect(r).toEqual({ ok: true, value: { vehicleId: 'V1', ts: NOW, type: 'alarm', data: { alarm: 'sos' } } })
    expect(parseDeviceEventMessage('V1', msg({ ts: NOW, type: 'fire' }), NOW).ok).toBe(false)
  })

  it("reads who took the wheel and who left it, marked as the device's word", () => {
    const on = parseDeviceEventMessage(
      'XY-V012',
      msg({ ts: NOW, type: 'driver', action: 'on', driverId: 'XY-D007', cert: '5105242008123456', name: '王建国' }),
      NOW,
    )
    expect(on).toEqual({
      ok: true,
      value: {
        vehicleId: 'XY-V012',
        ts: NOW,
        type: 'driver',
        data: { action: 'on', driverId: 'XY-D007', cert: '5105242008123456', name: '王建国', source: 'device' },
      },
    })
    expect(readDriverEvent(on.ok ? on.value.data : {})).toMatchObject({
      action: 'on',
      source: 'device',
      driverId: 'XY-D007',
      idCard: null,
    })
    const off = parseDeviceEventMessage('XY-V012', msg({ ts: NOW, type: 'driver', action: 'off' }), NOW)
    expect(off.ok && off.value.data).toEqual({ action: 'off', source: 'device' })
    expect(parseDeviceEventMessage('XY-V012', msg({ ts: NOW, type: 'driver', action: 'on', cert: 'A1' }), NOW).ok).toBe(
      true,
    )
  })

  it.each([
    [{ type: 'driver', driverId: 'XY-D007' }, /\/action/],
    [{ type: 'driver', action: 'on' }, /driverId, cert or name/],
    [{ type: 'driver', action: 'maybe', driverId: 'XY-D007' }, /\/action/],
    [{ type: 'driver', action: 'on', driverId: 'XY D007' }, /\/driverId/],
    [{ type: 'driver', action: 'on', cert: '' }, /\/cert/],
    [{ type: 'driver', action: 'on', name: 'x'.repeat(41) }, /\/name/],
    [{ type: 'driver', action: 'on', driverId: 'XY-D007', phone: '13812345678' }, /phone|additional/i],
    [{ type: 'alarm', alarm: 'sos', action: 'on' }, /belong to driver events/],
  ])('refuses a bad driver event %j as schema, saying what is wrong', (fields, why) => {
    const r = parseDeviceEventMessage('XY-V012', msg({ ts: NOW, ...fields }), NOW)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.reject.reason).toBe('schema')
      expect(r.reject.detail).toMatch(why)
    }
  })
})

describe('topics', () => {
  it('builds and parses every uplink topic', () => {
    expect(parseUplinkTopic(topics.position('XY-V012'))).toEqual({ vehicleId: 'XY-V012', kind: 'pos' })
    expect(parseUplinkTopic(topics.positionBatch('V1'))).toEqual({ vehicleId: 'V1', kind: 'pos/batch' })
    expect(parseUplinkTopic(topics.status('V1'))).toEqual({ vehicleId: 'V1', kind: 'status' })
    expect(parseUplinkTopic(topics.event('V1'))).toEqual({ vehicleId: 'V1', kind: 'event' })
  })

  it.each([
    'rb/v1/veh//pos',
    'rb/v1/veh/V 1/pos',
    'rb/v1/veh/V1/cmd',
    'rb/v2/veh/V1/pos',
    'rb/v1/veh/V1',
    `rb/v1/veh/${'x'.repeat(65)}/pos`,
  ])('rejects %s', (t) => {
    expect(parseUplinkTopic(t)).toBeNull()
  })
})
