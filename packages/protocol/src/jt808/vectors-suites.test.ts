/** What each source suite itself asserts about its frames (the vectors' `expected`), vector by vector. */
import { describe, expect, it } from 'vitest'
import { BATCH_TYPE, canonicalPhone, encodeMessage, fromHex, toHex, unescapeBytes } from './index.js'
import { bodyAs, byName, decodeVector, raw, vectors } from './testdata/vector-helpers.js'

const SUITE_ASSERTIONS: Record<string, () => void> = {
  traccar_0200_item06_battery: () => {
    const loc = bodyAs(decodeVector('traccar_0200_item06_battery'), 'location')
    // Vendor meaning of 0x06 (battery %) conflicts with 2019's carriage temperature, so it stays raw.
    expect(loc.extras.other).toEqual([{ id: 0x06, bytes: new Uint8Array([62]) }])
  },
  traccar_0704_batch_2013_sat14: () => {
    const batch = bodyAs(decodeVector('traccar_0704_batch_2013_sat14'), 'batchLocation')
    expect(batch.items[0]?.extras.gnssSatellites).toBe(14)
    expect(batch.uploadType).toBe(BATCH_TYPE.backfill)
  },
  traccar_0704_batch_2019_header: () => {
    const batch = bodyAs(decodeVector('traccar_0704_batch_2019_header'), 'batchLocation')
    expect(batch.items[0]?.extras.gnssSatellites).toBe(14)
  },
  traccar_frame_escape_synthetic: () => {
    const wire = fromHex(byName('traccar_frame_escape_synthetic').hex)
    expect(toHex(unescapeBytes(wire.subarray(1, wire.length - 1)))).toBe('307e087d55')
    expect(byName('traccar_frame_escape_synthetic').expected.unescaped).toBe('7e307e087d557e')
  },
  traccar_8105_engine_stop_downlink: () => {
    const v = byName('traccar_8105_engine_stop_downlink')
    const frame = encodeMessage(
      { phone: '0b3a73ce2ff2', serial: 0, protocolVersion: null },
      { kind: 'raw', msgId: 0x8105, bytes: new Uint8Array([0xf0]) },
    )
    expect(toHex(frame)).toBe(v.expected.frame)
  },
  traccar_issue5089_real_0200: () => {
    const msg = decodeVector('traccar_issue5089_real_0200')
    const loc = bodyAs(msg, 'location')
    // Log: "id: 019172068424, time: 2023-05-18 15:59:16 CEST, lat: 51.05593, lon: 6.94626, speed: 17.0 (knots), course: 342.0"
    expect(msg.header.phone).toBe('019172068424')
    expect(loc.ts).toBe(Date.parse('2023-05-18T15:59:16+02:00'))
    expect(loc.lat).toBeCloseTo(51.05593, 5)
    expect(loc.lng).toBeCloseTo(6.94626, 5)
    expect(Math.round((loc.speedKmh / 1.852) * 10) / 10).toBe(17.0)
    expect(loc.headingDeg).toBe(342)
  },
  traccar_issue5089_reply_8001: () => {
    expect(bodyAs(decodeVector('traccar_issue5089_reply_8001'), 'platformGeneralReply')).toMatchObject({
      ackSerial: 418,
      ackMsgId: 0x0200,
      result: 0,
    })
  },
  emqx_0200_haikou_full_expected: () => {
    const msg = decodeVector('emqx_0200_haikou_full_expected')
    const loc = bodyAs(msg, 'location')
    expect(msg.header).toMatchObject({ msgId: 512, bodyLength: 60, serial: 229, phone: '018876638972', encryption: 0 })
    expect([loc.alarmRaw, loc.statusRaw, raw.lat(loc), raw.lng(loc)]).toEqual([0, 262144, 20019815, 110323793])
    expect([loc.altitudeM, raw.speed(loc), loc.headingDeg, raw.time(loc)]).toEqual([14, 0, 39, '171019193538'])
    expect(raw.tenths(loc.extras.mileageKm)).toBe(16306)
    expect(loc.extras.recorderSpeedKmh).toBe(0)
    expect(loc.extras.signalStrength).toBe(31)
    expect(loc.extras.gnssSatellites).toBe(0)
    // io_status (0x2a), analog (0x2b) and signal (0x25) flags are all zero in the suite.
    expect(loc.extras.other.map((o) => [o.id, toHex(o.bytes)])).toEqual([
      [0x25, '00000000'],
      [0x2a, '0000'],
      [0x2b, '00000000'],
    ])
  },
  emqx_0704_batch_escaped_full_expected: () => {
    const msg = decodeVector('emqx_0704_batch_escaped_full_expected')
    const batch = bodyAs(msg, 'batchLocation')
    const e = byName('emqx_0704_batch_escaped_full_expected').expected as {
      header: { msg_id: number; len: number; msg_sn: number; phone: string }
      body: { length: number; type: number; location: Record<string, number | string>[] }
    }
    expect(msg.header).toMatchObject({
      msgId: e.header.msg_id,
      bodyLength: e.header.len,
      serial: e.header.msg_sn,
      phone: e.header.phone,
    })
    expect([batch.items.length, batch.uploadType]).toEqual([e.body.length, e.body.type])
    expect(
      batch.items.map((l) => ({
        latitude: raw.lat(l),
        longitude: raw.lng(l),
        altitude: l.altitudeM,
        speed: raw.speed(l),
        direction: l.headingDeg,
        status: l.statusRaw,
        time: raw.time(l),
        mileage: raw.tenths(l.extras.mileageKm),
        gnss_sat_num: l.extras.gnssSatellites,
      })),
    ).toEqual(e.body.location)
  },
  smallchi_0200_escaped_serial_and_value: () => {
    const msg = decodeVector('smallchi_0200_escaped_serial_and_value')
    const loc = bodyAs(msg, 'location')
    expect(msg.header).toMatchObject({ serial: 126, phone: '123456789012', bodyLength: 38 })
    expect([loc.alarmRaw, loc.statusRaw, raw.lat(loc), raw.lng(loc)]).toEqual([1, 2, 12222222, 132444444])
    expect([loc.altitudeM, raw.speed(loc), loc.headingDeg]).toEqual([40, 60, 0])
    expect(loc.ts).toBe(Date.parse('2018-10-15T10:10:10+08:00'))
    expect([raw.tenths(loc.extras.mileageKm), raw.tenths(loc.extras.fuelL)]).toEqual([100, 125])
  },
  smallchi_0002_heartbeat_escaped_checksum: () => {
    const msg = decodeVector('smallchi_0002_heartbeat_escaped_checksum')
    expect(msg.body).toEqual({ kind: 'heartbeat' })
    expect(msg.header.serial).toBe(43)
    expect(canonicalPhone(msg.header.phone)).toBe('40021679287')
  },
  smallchi_8100_register_reply: () => {
    const msg = decodeVector('smallchi_8100_register_reply')
    expect(msg.header.serial).toBe(10)
    expect(canonicalPhone(msg.header.phone)).toBe('12345678900')
    expect(bodyAs(msg, 'registerReply')).toEqual({
      kind: 'registerReply',
      ackSerial: 100,
      result: 0,
      authCode: '123456',
    })
  },
  smallchi_8100_register_reply_failure: () => {
    expect(bodyAs(decodeVector('smallchi_8100_register_reply_failure'), 'registerReply')).toEqual({
      kind: 'registerReply',
      ackSerial: 100,
      result: 4,
      authCode: '',
    })
  },
  smallchi_8001_general_reply: () => {
    const msg = decodeVector('smallchi_8001_general_reply')
    expect(msg.header.serial).toBe(10)
    expect(bodyAs(msg, 'platformGeneralReply')).toMatchObject({ ackMsgId: 0x0200, ackSerial: 100, result: 0 })
  },
  smallchi_0100_register_2019: () => {
    const msg = decodeVector('smallchi_0100_register_2019')
    expect(msg.header).toMatchObject({ protocolVersion: 1, serial: 10 })
    expect(canonicalPhone(msg.header.phone)).toBe('123456789')
    expect(bodyAs(msg, 'register')).toEqual({
      kind: 'register',
      layout: '2019',
      provinceId: 40,
      cityId: 50,
      manufacturerId: '00000001234',
      plateColor: 1,
      plate: '粤A12345',
      terminalId: '000000000000000000000000CHI123',
      terminalModel: '0000000000000000000smallchi123',
    })
  },
  smallchi_0704_batch_2013: () => {
    const msg = decodeVector('smallchi_0704_batch_2013')
    const batch = bodyAs(msg, 'batchLocation')
    expect(msg.header).toMatchObject({ serial: 8888, phone: '112233445566' })
    expect([batch.items.length, batch.uploadType]).toEqual([2, BATCH_TYPE.normal])
    expect(
      batch.items.map((l) => [
        l.alarmRaw,
        l.statusRaw,
        raw.lat(l),
        raw.lng(l),
        raw.speed(l),
        l.headingDeg,
        l.ts,
        raw.tenths(l.extras.mileageKm),
        raw.tenths(l.extras.fuelL),
      ]),
    ).toEqual([
      [1, 2, 12222222, 132444444, 60, 0, Date.parse('2018-07-15T10:10:10+08:00'), 100, 55],
      [2, 1, 13333333, 132555555, 54, 120, Date.parse('2018-07-15T10:10:30+08:00'), 96, 66],
    ])
  },
  hylexus_0200_2019: () => {
    const loc = bodyAs(decodeVector('hylexus_0200_2019'), 'location')
    expect([loc.alarmRaw, loc.statusRaw, raw.lat(loc), raw.lng(loc)]).toEqual([111, 22, 31234567, 121987654])
    expect([loc.altitudeM, raw.speed(loc), loc.headingDeg, raw.time(loc)]).toEqual([123, 66, 3, '250129223344'])
    expect([raw.tenths(loc.extras.mileageKm), raw.tenths(loc.extras.fuelL)]).toEqual([12, 100])
  },
  hylexus_0704_2019: () => {
    const batch = bodyAs(decodeVector('hylexus_0704_2019'), 'batchLocation')
    expect(batch.uploadType).toBe(0)
    expect(
      batch.items.map((l) => [
        l.alarmRaw,
        l.statusRaw,
        raw.lat(l),
        raw.lng(l),
        l.altitudeM,
        raw.speed(l),
        l.headingDeg,
        raw.time(l),
      ]),
    ).toEqual([
      [1, 1, 31000562, 121451372, 666, 33, 89, '241029213903'],
      [1, 1, 31000563, 121451373, 777, 67, 90, '241029213903'],
    ])
  },
  hylexus_8100_2019: () => {
    expect(bodyAs(decodeVector('hylexus_8100_2019'), 'registerReply')).toMatchObject({
      ackSerial: 111,
      result: 0,
      authCode: 'ok..ok..ok',
    })
  },
  hylexus_8001_2019: () => {
    expect(bodyAs(decodeVector('hylexus_8001_2019'), 'platformGeneralReply')).toMatchObject({
      ackSerial: 111,
      ackMsgId: 512,
      result: 0,
    })
  },
  yezhihao_0100_register_2013: () => {
    const msg = decodeVector('yezhihao_0100_register_2013')
    expect(canonicalPhone(msg.header.phone)).toBe('12345678901')
    expect(msg.header.serial).toBe(32767)
    expect(bodyAs(msg, 'register')).toMatchObject({
      provinceId: 31,
      cityId: 115,
      manufacturerId: '4',
      terminalModel: 'BSJ-GF-06',
      terminalId: 'test123',
      plateColor: 1,
      plate: '测A888888',
    })
  },
}

describe('JT/T 808 vectors: what each suite asserts', () => {
  it('every vector with suite assertions has a check here', () => {
    const withExpectations = vectors.filter((v) => Object.keys(v.expected).length > 0).map((v) => v.name)
    expect(withExpectations.filter((n) => !(n in SUITE_ASSERTIONS))).toEqual([])
  })
  for (const [name, check] of Object.entries(SUITE_ASSERTIONS)) it(name, check)
})
