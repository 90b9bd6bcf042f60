/**
 * Sub-packaged JT/T 808 uploads (a blind-area 0x0704 batch in numbered packets) across lost
 * connections: every packet answered "received" is in the database, so the terminal may delete it;
 * the message is answered only when all of it is stored; missing packets are asked for with 0x8003;
 * the terminal's own resend request (0x0005) is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jt808 } from '@rb/protocol'
import { location, nowS, TestTerminal } from '../support/jt808-terminal.js'
import { metric, startServer, targets, waitFor, type TestServer } from '../support/server.js'

const { MSG_ID, REPLY_RESULT } = jt808

describe.each(targets())('JT/T 808 sub-packaged uploads on $name', (target) => {
  let server: TestServer
  let port = 0
  const terminals: TestTerminal[] = []

  const connectTerminal = async (phone: string): Promise<TestTerminal> => {
    const t = await TestTerminal.connect(port, phone)
    terminals.push(t)
    return t
  }
  const stored = async (vehicleId: string, from: number): Promise<number> =>
    Number(
      (
        await server.app.rb.db.query<{ n: string }>(
          'SELECT count(*) AS n FROM position WHERE vehicle_id = $1 AND ts >= to_timestamp($2 / 1000.0)',
          [vehicleId, from],
        )
      ).rows[0]?.n ?? 0,
    )
  const keptPackets = async (): Promise<number> =>
    Number((await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM jt808_subpackage')).rows[0]?.n ?? 0)

  /** A blind-area upload of 60 points in exactly three packets, numbered from `firstSerial`. */
  const upload = (phone: string, firstSerial: number, t0: number): Uint8Array[] => {
    const body: jt808.Jt808BodyInput = {
      kind: 'batchLocation',
      uploadType: jt808.BATCH_TYPE.backfill,
      items: Array.from({ length: 60 }, (_, i) => location(t0 + i * 1000)),
    }
    const size = jt808.encodeBody(body, null).length
    const frames = jt808.encodeSubpackaged(
      { phone, protocolVersion: null, serial: firstSerial },
      body,
      Math.ceil(size / 3),
    )
    expect(frames).toHaveLength(3)
    return frames
  }

  beforeAll(async () => {
    server = await startServer({ ...target.env, DEMO_DATA: 'off' })
    port = server.app.rb.jt808Port ?? 0
    expect((await server.apiJson('PUT', '/api/operators/OP1', { name: '叙永公交' })).status).toBe(200)
    for (const [id, plate, phone] of [
      ['XY-V301', '川E·C3001', '013912343001'],
      ['XY-V302', '川E·C3002', '013912343002'],
      ['XY-V303', '川E·C3003', '013912343003'],
    ] as const) {
      expect(
        (
          await server.apiJson('PUT', `/api/vehicles/${id}`, {
            plate,
            seats: 19,
            operatorId: 'OP1',
            jt808Phone: phone,
            status: 'active',
          })
        ).status,
      ).toBe(200)
    }
  })
  afterAll(async () => {
    for (const t of terminals) t.close()
    await server?.close()
  })

  it('packets 1 and 2, connection lost, reconnect, packet 3: all 60 points stored, and only then the answer', async () => {
    const phone = '013912343001'
    const t0 = nowS() - 7_200_000
    const frames = upload(phone, 1000, t0)
    const first = await connectTerminal(phone)
    await first.login('川EC3001')
    for (const [i, f] of frames.slice(0, 2).entries()) {
      await first.write(f)
      expect(await first.replyTo(1000 + i)).toMatchObject({
        ackMsgId: MSG_ID.batchLocation,
        result: REPLY_RESULT.success,
      })
    }
    // Answered "received": the packets are in the database, not in the connection's memory.
    expect(await keptPackets()).toBe(2)
    first.close()
    await first.closed

    const again = await connectTerminal(phone)
    expect((await again.auth(first.authCode)).result).toBe(REPLY_RESULT.success)
    await again.write(frames[2] as Uint8Array)
    expect(await again.replyTo(1002)).toMatchObject({ ackMsgId: MSG_ID.batchLocation, result: REPLY_RESULT.success })
    // Acknowledged means stored: every point is there now, and the packets are gone.
    expect(await stored('XY-V301', t0)).toBe(60)
    expect(await keptPackets()).toBe(0)
  })

  it('packets 1 and 3: packet 2 is asked for with 0x8003; after a reconnect it is asked for again, then all 60 are stored', async () => {
    const phone = '013912343002'
    const t0 = nowS() - 7_200_000
    const frames = upload(phone, 2000, t0)
    const asked = await metric(server.baseUrl, 'rb_jt808_subpackages_total', { outcome: 'resend_requested' })
    const first = await connectTerminal(phone)
    await first.login('川EC3002')
    await first.write(frames[0] as Uint8Array)
    expect((await first.replyTo(2000)).result).toBe(REPLY_RESULT.success)
    await first.write(frames[2] as Uint8Array)
    const request = await first.waitFor((m) => m.body.kind === 'platformResendRequest')
    expect(request.body).toEqual({ kind: 'platformResendRequest', firstSerial: 2000, packets: [2] })
    // The last packet is not answered "received" while the message lacks a packet.
    expect(first.received.some((m) => m.body.kind === 'platformGeneralReply' && m.body.ackSerial === 2002)).toBe(false)
    expect(await stored('XY-V302', t0)).toBe(0)
    first.close()
    await first.closed

    const again = await connectTerminal(phone)
    expect((await again.auth(first.authCode)).result).toBe(REPLY_RESULT.success)
    const reminder = await again.waitFor((m) => m.body.kind === 'platformResendRequest')
    expect(reminder.body).toEqual({ kind: 'platformResendRequest', firstSerial: 2000, packets: [2] })
    await again.write(frames[1] as Uint8Array)
    // The message is whole and stored: packet 2 and the last packet are answered.
    expect((await again.replyTo(2001)).result).toBe(REPLY_RESULT.success)
    expect((await again.replyTo(2002)).result).toBe(REPLY_RESULT.success)
    expect(await stored('XY-V302', t0)).toBe(60)
    expect((await metric(server.baseUrl, 'rb_jt808_subpackages_total', { outcome: 'resend_requested' })) - asked).toBe(
      2,
    )
  })

  it("answers the terminal's resend request (0x0005) by sending the downlink again", async () => {
    const phone = '013912343003'
    const t = await connectTerminal(phone)
    await t.login('川EC3003')
    const sent = server.app.rb.jt808?.sendText('XY-V303', '明早7:00 石坝村')
    const text = await t.waitFor((m) => m.body.kind === 'textMessage')
    const resend = await t.send({ kind: 'terminalResendRequest', firstSerial: text.header.serial, packets: [1] })
    expect(await t.replyTo(resend)).toMatchObject({
      ackMsgId: MSG_ID.terminalResendRequest,
      result: REPLY_RESULT.success,
    })
    await waitFor(
      () =>
        t.received.filter((m) => m.body.kind === 'textMessage' && m.header.serial === text.header.serial).length === 2,
    )
    await t.send({
      kind: 'terminalGeneralReply',
      ackSerial: text.header.serial,
      ackMsgId: MSG_ID.textMessage,
      result: REPLY_RESULT.success,
    })
    expect(await sent).toEqual({ replied: true, result: 0 })
    // A message the platform never sent (or no longer holds): "failure", nothing sent.
    const unknown = await t.send({ kind: 'terminalResendRequest', firstSerial: 60_000, packets: [1] })
    expect((await t.replyTo(unknown)).result).toBe(REPLY_RESULT.failure)
  })
})
