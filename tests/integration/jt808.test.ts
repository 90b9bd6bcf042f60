/**
 * The JT/T 808 gateway end to end: real TCP terminals (built with the codec) against the real
 * server, its database and the HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jt808 } from '@rb/protocol'
import { loadConfig } from '../../apps/server/src/config.js'
import { location, nowS, TestTerminal } from '../support/jt808-terminal.js'
import { metric, startServer, targets, waitFor, type TestServer } from '../support/server.js'

const { MSG_ID, REPLY_RESULT, REGISTER_RESULT } = jt808
type Body = jt808.Jt808BodyInput

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Corrupts the check code of a valid frame (the rest is intact). */
function withBadChecksum(frame: Uint8Array): Uint8Array {
  const packet = jt808.unescapeBytes(frame.subarray(1, frame.length - 1))
  packet[packet.length - 1] = (packet[packet.length - 1] ?? 0) ^ 0x5a
  return Uint8Array.from([jt808.FRAME_FLAG, ...jt808.escapeBytes(packet), jt808.FRAME_FLAG])
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]))

interface TrackBody {
  count: number
  points: [number, number, number, number, number][]
}

describe.each(targets())('JT/T 808 gateway on $name', (target) => {
  let server: TestServer
  let port = 0
  const terminals: TestTerminal[] = []

  const call = async <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await server.api(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as T }
  }
  const trackOf = async (vehicleId: string): Promise<TrackBody> => {
    const from = new Date(Date.now() - 2 * 3_600_000).toISOString()
    const to = new Date(Date.now() + 600_000).toISOString()
    return (await call<TrackBody>('GET', `/api/vehicles/${vehicleId}/track?from=${from}&to=${to}`)).body
  }
  const vehicle = async (id: string, plate: string, jt808Phone: string | null): Promise<void> => {
    const r = await call('PUT', `/api/vehicles/${id}`, {
      plate,
      seats: 19,
      operatorId: 'OP1',
      model: '宇通 ZK6609',
      jt808Phone,
      status: 'active',
    })
    expect(r.status).toBe(200)
  }
  const terminal = async (phone: string, opts: { v2019?: boolean; bytewise?: boolean } = {}): Promise<TestTerminal> => {
    const t = await TestTerminal.connect(port, phone, opts)
    terminals.push(t)
    return t
  }

  beforeAll(async () => {
    server = await startServer({ ...target.env, DEMO_DATA: 'off' })
    port = server.app.rb.jt808Port ?? 0
    expect(port).toBeGreaterThan(0)
    expect((await call('PUT', '/api/operators/OP1', { name: '叙永公交' })).status).toBe(200)
    await vehicle('XY-V101', '川E·A1001', '013912345678')
    await vehicle('XY-V102', '川E·A1002', '013912345679')
    await vehicle('XY-V103', '川E·A1003', '13912345680')
    await vehicle('XY-V104', '川E·A1004', null)
    for (let i = 5; i <= 9; i++) await vehicle(`XY-V10${i}`, `川E·A100${i}`, `01391234568${i}`)
  })
  afterAll(async () => {
    for (const t of terminals) t.close()
    await server?.close()
  })

  it('serves several terminals at once: register, auth, heartbeat, live and blind-area points, acknowledged after they are stored', async () => {
    const live = nowS() - 5000
    const backlog = [3, 1, 2].map((i) => location(live - 600_000 + i * 10_000, { lng: 105.44 + i / 1000 }))
    const storedBefore = await metric(server.baseUrl, 'rb_jt808_positions_total', { outcome: 'accepted' })

    const run = async (t: TestTerminal, vehicleId: string, plate: string, twoPerWrite = false): Promise<void> => {
      await t.login(plate)
      expect((await t.request({ kind: 'heartbeat' })).result).toBe(REPLY_RESULT.success)
      let locSerial: number
      if (twoPerWrite) {
        // A heartbeat and a location in one TCP write.
        const hb = t.frame({ kind: 'heartbeat' })
        const loc = t.frame({ kind: 'location', ...location(live) })
        await t.write(concat(hb.bytes, loc.bytes))
        expect((await t.replyTo(hb.serial)).result).toBe(REPLY_RESULT.success)
        locSerial = loc.serial
      } else {
        locSerial = await t.send({ kind: 'location', ...location(live) })
      }
      const ack = await t.replyTo(locSerial)
      expect(ack).toMatchObject({ ackSerial: locSerial, ackMsgId: MSG_ID.location, result: REPLY_RESULT.success })
      // Acknowledged means committed: the point is in the track now, not eventually.
      expect((await trackOf(vehicleId)).points).toEqual([[live, 105.441389, 28.166667, 38.5, 271]])

      const batch = await t.request({ kind: 'batchLocation', uploadType: jt808.BATCH_TYPE.backfill, items: backlog })
      expect(batch).toMatchObject({ ackMsgId: MSG_ID.batchLocation, result: REPLY_RESULT.success })
      const track = await trackOf(vehicleId)
      expect(track.points.map((p) => [p[0], p[1]])).toEqual([
        [live - 590_000, 105.441],
        [live - 580_000, 105.442],
        [live - 570_000, 105.443],
        [live, 105.441389],
      ])
    }

    const [a, b, c, d] = await Promise.all([
      terminal('013912345678', { bytewise: true }),
      terminal('013912345679'),
      terminal('00000000013912345680', { v2019: true }),
      terminal('013955550004'),
    ])
    if (!a || !b || !c || !d) throw new Error('terminals did not connect')
    await waitFor(async () => (await metric(server.baseUrl, 'rb_jt808_connections')) >= 4)
    await Promise.all([
      run(a, 'XY-V101', '川EA1001'),
      run(b, 'XY-V102', '川EA1002', true),
      run(c, 'XY-V103', '川EA1003'),
      // No terminal phone configured on XY-V104: bound by the plate it sends.
      run(d, 'XY-V104', '川E·A1004'),
    ])

    // The platform numbers its own messages per connection, from 0, one step each.
    for (const t of [a, b, c, d]) expect(t.received.map((m) => m.header.serial)).toEqual(t.received.map((_, i) => i))
    // Replies come back in the terminal's header form (2019 with its version byte and 20-digit phone).
    expect(c.received.every((m) => m.header.protocolVersion === 1 && m.header.phone === '00000000013912345680')).toBe(
      true,
    )
    expect((await metric(server.baseUrl, 'rb_jt808_positions_total', { outcome: 'accepted' })) - storedBefore).toBe(16)
    const latest = (
      await call<{ items: { vehicleId: string; online: boolean | null; source: string }[] }>(
        'GET',
        '/api/vehicles/positions',
      )
    ).body.items
    expect(latest.find((i) => i.vehicleId === 'XY-V101')).toMatchObject({ online: true, source: 'jt808' })
    expect(await metric(server.baseUrl, 'rb_jt808_frames_received_total', { msg_id: '0x0704' })).toBeGreaterThanOrEqual(
      4,
    )
  })

  it('refuses to register an unknown terminal, with the reason the standard has for it', async () => {
    const t = await terminal('013999999999')
    expect((await t.register('川E·Z9999')).result).toBe(REGISTER_RESULT.vehicleNotFound)
    expect((await t.register('')).result).toBe(REGISTER_RESULT.terminalNotFound)
    expect((await t.auth('anything')).result).toBe(REPLY_RESULT.failure)
    expect((await t.request({ kind: 'location', ...location(nowS() - 1000) })).result).toBe(REPLY_RESULT.failure)
  })

  it('refuses a wrong auth code and takes no locations until the right one', async () => {
    const t = await terminal('013912345685')
    expect((await t.register('川EA1005')).result).toBe(REGISTER_RESULT.success)
    expect((await t.auth('0000000000000000')).result).toBe(REPLY_RESULT.failure)
    const refusedBefore = await metric(server.baseUrl, 'rb_jt808_positions_total', { outcome: 'unauthenticated' })
    const ts = nowS() - 3000
    expect((await t.request({ kind: 'location', ...location(ts) })).result).toBe(REPLY_RESULT.failure)
    expect(
      (await metric(server.baseUrl, 'rb_jt808_positions_total', { outcome: 'unauthenticated' })) - refusedBefore,
    ).toBe(1)
    await sleep(200)
    expect((await trackOf('XY-V105')).count).toBe(0)
    // Registering again hands out the same code; with it the terminal gets in.
    const code = t.authCode
    expect((await t.register('川EA1005')).authCode).toBe(code)
    expect((await t.auth()).result).toBe(REPLY_RESULT.success)
    expect((await t.request({ kind: 'location', ...location(ts + 1000) })).result).toBe(REPLY_RESULT.success)
    expect((await trackOf('XY-V105')).count).toBe(1)
  })

  it('counts and drops garbage, a bad check code and an undecodable body; the same connection goes on', async () => {
    const t = await terminal('013912345686', { bytewise: false })
    await t.login('川EA1006')
    const reasons = ['GARBAGE', 'BAD_CHECKSUM', 'TRUNCATED'] as const
    const before = Object.fromEntries(
      await Promise.all(
        reasons.map(
          async (r) => [r, await metric(server.baseUrl, 'rb_jt808_frames_malformed_total', { reason: r })] as const,
        ),
      ),
    )
    await t.write(Uint8Array.from([0x7e, 0x01, 0x02, 0x03, 0x7e]))
    await t.write(withBadChecksum(t.frame({ kind: 'location', ...location(nowS() - 4000) }).bytes))
    // Header and check code fine, body cut short: the standard's "message error".
    const short = await t.send({ kind: 'raw', msgId: MSG_ID.location, bytes: new Uint8Array(10) })
    expect(await t.replyTo(short)).toMatchObject({ ackMsgId: MSG_ID.location, result: REPLY_RESULT.messageError })
    expect((await t.request({ kind: 'heartbeat' })).result).toBe(REPLY_RESULT.success)
    const ts = nowS() - 2000
    expect((await t.request({ kind: 'location', ...location(ts) })).result).toBe(REPLY_RESULT.success)
    expect((await trackOf('XY-V106')).points.map((p) => p[0])).toEqual([ts])
    for (const r of reasons)
      expect((await metric(server.baseUrl, 'rb_jt808_frames_malformed_total', { reason: r })) - (before[r] ?? 0)).toBe(
        1,
      )
    // Unknown message ids are answered "not supported".
    expect((await t.request({ kind: 'raw', msgId: 0x0900, bytes: Uint8Array.of(0xf0, 1, 2) })).result).toBe(
      REPLY_RESULT.unsupported,
    )
  })

  it('turns a raised SOS bit into one alarm event, not one per report', async () => {
    const t = await terminal('013912345687')
    await t.login('川EA1007')
    const sos = jt808.alarmFlagsToRaw({ sos: true })
    const t0 = nowS() - 30_000
    for (const [i, alarmRaw] of [0, sos, sos, sos, 0].entries()) {
      expect((await t.request({ kind: 'location', ...location(t0 + i * 5000, { alarmRaw }) })).result).toBe(
        REPLY_RESULT.success,
      )
    }
    const rows = await server.app.rb.db.query<{ t: number; data: Record<string, unknown> }>(
      "SELECT extract(epoch FROM ts)::float8 * 1000 AS t, data FROM vehicle_event WHERE vehicle_id = $1 AND type = 'alarm'",
      ['XY-V107'],
    )
    expect(rows.rows.map((r) => [Math.round(r.t), r.data])).toEqual([
      [t0 + 5000, { alarm: 'sos', source: 'jt808', lng: 105.441389, lat: 28.166667 }],
    ])
    expect(await metric(server.baseUrl, 'rb_jt808_alarms_total', { alarm: 'sos' })).toBeGreaterThanOrEqual(1)
  })

  it('sends a text to the driver and reports the terminal’s answer', async () => {
    const t = await terminal('013912345688')
    await t.login('川EA1008')
    const text = '明早7:00 石坝村 预约3人'
    const sent = call<{ delivered: boolean; result: number | null }>('POST', '/api/vehicles/XY-V108/jt808/text', {
      text,
    })
    const down = await t.waitFor((m) => m.body.kind === 'textMessage')
    expect(down.body).toMatchObject({ kind: 'textMessage', text, flags: jt808.TEXT_FLAG.display })
    await t.send({
      kind: 'terminalGeneralReply',
      ackSerial: down.header.serial,
      ackMsgId: MSG_ID.textMessage,
      result: REPLY_RESULT.success,
    })
    expect(await sent).toEqual({ status: 200, body: { delivered: true, result: 0 } })
    // The gateway API itself, as the booking manifest will use it.
    const direct = server.app.rb.jt808?.sendText('XY-V108', '改为7:30')
    const second = await t.waitFor((m) => m.body.kind === 'textMessage' && m.body.text === '改为7:30')
    await t.send({
      kind: 'terminalGeneralReply',
      ackSerial: second.header.serial,
      ackMsgId: MSG_ID.textMessage,
      result: REPLY_RESULT.failure,
    })
    expect(await direct).toEqual({ replied: true, result: REPLY_RESULT.failure })

    const offline = await call<{ error: { code: string; message: string; details: { reason: string } } }>(
      'POST',
      '/api/vehicles/XY-V109/jt808/text',
      { text: '你好' },
    )
    expect(offline.status).toBe(409)
    expect(offline.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'VEHICLE_OFFLINE' },
      message: expect.stringContaining('XY-V109'),
    })
    await expect(server.app.rb.jt808?.sendText('XY-V109', '你好')).rejects.toThrow(/no JT\/T 808 terminal connected/)
    expect((await call('POST', '/api/vehicles/XY-V999/jt808/text', { text: '你好' })).status).toBe(404)
    const notGbk = await call<{ error: { code: string } }>('POST', '/api/vehicles/XY-V108/jt808/text', {
      text: '到站了😀',
    })
    expect(notGbk).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } })
  })

  it('a newer connection of the same terminal replaces the older; logout deregisters and hangs up', async () => {
    const first = await terminal('013912345689')
    await first.login('川EA1009')
    const second = await terminal('013912345689')
    expect((await second.auth(first.authCode)).result).toBe(REPLY_RESULT.success)
    await first.closed
    expect(server.app.rb.jt808?.isConnected('XY-V109')).toBe(true)
    expect((await second.request({ kind: 'logout' })).result).toBe(REPLY_RESULT.success)
    await second.closed
    await waitFor(() => server.app.rb.jt808?.isConnected('XY-V109') === false)
    const third = await terminal('013912345689')
    expect((await third.auth(first.authCode)).result).toBe(REPLY_RESULT.failure)
  })

  it('reassembles a sub-packaged blind-area batch and answers every packet', async () => {
    const t = await terminal('013912345678')
    await t.login('川EA1001')
    const t0 = nowS() - 3_000_000
    const items = Array.from({ length: 30 }, (_, i) => location(t0 + i * 1000))
    const body: Body = { kind: 'batchLocation', uploadType: jt808.BATCH_TYPE.backfill, items }
    const pieces = Math.ceil(jt808.encodeBody(body, null).length / 300)
    expect(pieces).toBeGreaterThan(2)
    const first = t.takeSerials(pieces)
    const frames = jt808.encodeSubpackaged({ phone: t.phone, protocolVersion: null, serial: first }, body, 300)
    expect(frames).toHaveLength(pieces)
    for (const f of frames) await t.write(f)
    const acks = await Promise.all(frames.map((_, i) => t.replyTo(first + i)))
    expect(acks.every((a) => a.result === REPLY_RESULT.success && a.ackMsgId === MSG_ID.batchLocation)).toBe(true)
    const from = new Date(t0).toISOString()
    const to = new Date(t0 + 60_000).toISOString()
    expect((await call<TrackBody>('GET', `/api/vehicles/XY-V101/track?from=${from}&to=${to}`)).body.count).toBe(30)
  })
})

describe('JT808_PORT', () => {
  it('is on at 6808 by default; 0 is any free port, off turns the gateway off', () => {
    expect(loadConfig({}).jt808Port).toBe(6808)
    expect(loadConfig({ JT808_PORT: '0' }).jt808Port).toBe(0)
    expect(loadConfig({ JT808_PORT: 'off' }).jt808Port).toBeNull()
    expect(() => loadConfig({ JT808_PORT: 'no' })).toThrow(/JT808_PORT="no": must be off or an integer/)
  })
})

describe('JT/T 808 idle timeout', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'off', JT808_IDLE_TIMEOUT_S: '1' })
    const call = (path: string, body: unknown) =>
      server.api(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await call('/api/operators/OP1', { name: '叙永公交' })).status).toBe(200)
    expect(
      (
        await call('/api/vehicles/XY-V201', {
          plate: '川E·B2001',
          seats: 19,
          operatorId: 'OP1',
          jt808Phone: '013912340201',
          status: 'active',
        })
      ).status,
    ).toBe(200)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('closes a silent connection and marks the vehicle offline', async () => {
    const t = await TestTerminal.connect(server.app.rb.jt808Port ?? 0, '013912340201')
    await t.login('川EB2001')
    // The idle time counts from the terminal's last message (its answer may come late on a busy box).
    const openedAt = Date.now()
    expect((await t.request({ kind: 'location', ...location(nowS() - 2000) })).result).toBe(REPLY_RESULT.success)
    await t.closed
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(800)
    const latest = async () =>
      (
        (await (await server.api('/api/vehicles/positions')).json()) as {
          items: { vehicleId: string; online: boolean | null }[]
        }
      ).items.find((i) => i.vehicleId === 'XY-V201')
    await waitFor(async () => (await latest())?.online === false)
    await waitFor(async () => (await metric(server.baseUrl, 'rb_jt808_connections')) === 0)
  })
})
