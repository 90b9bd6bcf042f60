/**
 * Notices to drivers through the real server: written by a dispatcher to chosen drivers or one
 * operator's, pushed live to the driver's own socket, shortened onto the bus's JT/T 808 terminal
 * (0x8300) and MQTT `cmd` topic; delivery and read receipts; bad input refused with nothing
 * stored; the unread reminder claimed once however many sweeps run, with its SMS; staff reminders.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { serviceDayOf } from '@rb/domain'
import type { ClientToServerEvents, NoticeCommand, NoticePush, ServerToClientEvents } from '@rb/protocol'
import { jt808TextTerminal, type TextTerminal } from '../support/jt808-terminal.js'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Receipt {
  driverId: string
  deliveredTs: number | null
  readTs: number | null
  terminal: { vehicleId: string | null; channels: string[] } | null
  reminders: number
}
interface NoticeDetail {
  id: number
  recipients: number
  delivered: number
  read: number
  receipts: Receipt[]
}

const H = 3_600_000
const PHONE_V1 = '013900001901'

describe.each(targets())('notices to drivers on $name', (target) => {
  let server: TestServer
  let dispatcher: RoleSession
  let d1: RoleSession
  let d2: RoleSession
  let terminal: TextTerminal
  let device: MqttClient
  let page: LiveSocket
  let page2: LiveSocket
  const pushed: NoticePush[] = []
  const pushed2: NoticePush[] = []
  const commands: NoticeCommand[] = []
  const noticeCount = async (): Promise<number> =>
    Number((await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM notice')).rows[0]?.n)

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'NT' })
    const put = async (path: string, body: unknown, method = 'PUT'): Promise<void> => {
      const r = await server.apiJson(method, path, body)
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
    }
    await put('/api/operators/NOP1', { name: '叙永公交', phone: null })
    await put('/api/operators/NOP2', { name: '山区客运', phone: null })
    await put('/api/vehicles/NT-V001', {
      plate: '川E·N0001',
      seats: 19,
      operatorId: 'NOP1',
      model: '宇通',
      jt808Phone: PHONE_V1,
      status: 'active',
    })
    await put('/api/vehicles/NT-V002', {
      plate: '川E·N0002',
      seats: 19,
      operatorId: 'NOP2',
      model: '宇通',
      status: 'active',
    })
    for (const [i, name] of ['王建国', '李春华', '赵军'].entries()) {
      await put(`/api/drivers/NT-D00${i + 1}`, {
        name,
        phone: `1381234500${i + 1}`,
        licenceClass: 'A1',
        serviceSince: '2010-05-01',
        pioneer: false,
        status: 'active',
      })
    }
    const today = serviceDayOf(Date.now())
    await put(
      '/api/roster/duties',
      { date: today, vehicleId: 'NT-V001', driverId: 'NT-D001', tripInstanceIds: [] },
      'POST',
    )
    await put(
      '/api/roster/duties',
      { date: today, vehicleId: 'NT-V002', driverId: 'NT-D002', tripInstanceIds: [] },
      'POST',
    )
    dispatcher = await server.loginAs('dispatcher')
    d1 = await server.loginAs('driver', { username: 'nt-driver1', driverCode: 'NT-D001' })
    d2 = await server.loginAs('driver', { username: 'nt-driver2', driverCode: 'NT-D002' })
    terminal = await jt808TextTerminal(server.app.rb.jt808Port as number, PHONE_V1, 30_000)
    device = await mqtt.connectAsync(server.mqttUrl, { clientId: `NT-V001-dev-${randomBytes(3).toString('hex')}` })
    device.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString()) as NoticeCommand))
    await device.subscribeAsync('rb/v1/veh/NT-V001/cmd', { qos: 1 })
    page = connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: d1.token } })
    page.on('notice', (n) => pushed.push(n))
    page2 = connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: d2.token } })
    page2.on('notice', (n) => pushed2.push(n))
    await waitFor(() => page.connected && page2.connected)
  })

  afterAll(async () => {
    page?.close()
    page2?.close()
    terminal?.close()
    await device?.endAsync().catch(() => {})
    await server?.close()
  })

  let noticeId = 0

  it('reaches the driver page live and, shortened, the bus terminal and its MQTT downlink', async () => {
    const sent = await server.apiJson<{ id: number; recipients: number; remindAfterH: number }>(
      'POST',
      '/api/notices',
      {
        title: '冬季防滑',
        body: '山路结冰，弯道减速慢行，出车前检查防滑链。'.repeat(4),
        link: 'https://example.org/winter',
        audience: 'drivers',
        driverIds: ['NT-D001', 'NT-D002'],
        remindAfterH: 2,
      },
      dispatcher,
    )
    expect(sent.status).toBe(201)
    expect(sent.body).toMatchObject({ recipients: 2, remindAfterH: 2 })
    noticeId = sent.body.id
    const push = await waitFor(() => pushed.find((p) => p.id === noticeId))
    expect(push).toMatchObject({ title: '冬季防滑', reminder: false })
    const text = await waitFor(() => terminal.texts.find((t) => t.startsWith('【通知】冬季防滑')))
    expect([...text].length).toBeLessThanOrEqual(60)
    const cmd = await waitFor(() => commands.find((c) => c.type === 'notice' && c.id === noticeId))
    expect(cmd).toMatchObject({
      driverId: 'NT-D001',
      title: '冬季防滑',
      text,
      link: 'https://example.org/winter',
      reminder: false,
    })
    const detail = await waitFor(async () => {
      const d = (await server.apiJson<NoticeDetail>('GET', `/api/notices/${noticeId}`, undefined, dispatcher)).body
      return d.receipts.every((r) => r.terminal !== null) ? d : null
    })
    const byDriver = new Map(detail.receipts.map((r) => [r.driverId, r]))
    expect(byDriver.get('NT-D001')?.terminal).toMatchObject({ vehicleId: 'NT-V001', channels: ['jt808', 'mqtt'] })
    // NT-D002's bus has no terminal connected; its MQTT downlink still took it.
    expect(byDriver.get('NT-D002')?.terminal).toMatchObject({ vehicleId: 'NT-V002', channels: ['mqtt'] })
    expect(detail).toMatchObject({ recipients: 2, delivered: 0, read: 0 })
    const auditRows = await server.apiJson<{ items: { action: string; username: string }[] }>(
      'GET',
      '/api/audit?action=notice.send',
    )
    expect(auditRows.body.items.some((a) => a.username === dispatcher.user.username)).toBe(true)
  })

  it("keeps delivery and read receipts per driver, the first opening's time standing", async () => {
    const listed = await server.apiJson<{
      unread: number
      items: { id: number; readTs: number | null; deliveredTs: number | null }[]
    }>('GET', '/api/driver/notices', undefined, d1)
    expect(listed.status).toBe(200)
    expect(listed.body.unread).toBe(1)
    expect(listed.body.items[0]).toMatchObject({ id: noticeId, readTs: null })
    expect(listed.body.items[0]?.deliveredTs).toBeGreaterThan(0)
    const read = await server.apiJson<Receipt>('POST', `/api/driver/notices/${noticeId}/read`, undefined, d1)
    expect(read.status).toBe(200)
    expect(read.body.readTs).toBeGreaterThan(0)
    const again = await server.apiJson<Receipt>('POST', `/api/driver/notices/${noticeId}/read`, undefined, d1)
    expect(again.body.readTs).toBe(read.body.readTs)
    expect((await server.apiJson<{ unread: number }>('GET', '/api/driver/notices', undefined, d1)).body.unread).toBe(0)
    const list = await server.apiJson<{ items: { id: number; recipients: number; delivered: number; read: number }[] }>(
      'GET',
      '/api/notices',
      undefined,
      dispatcher,
    )
    expect(list.body.items.find((n) => n.id === noticeId)).toMatchObject({ recipients: 2, delivered: 1, read: 1 })
  })

  it('refuses bad notices and foreign receipts, storing nothing', async () => {
    const before = await noticeCount()
    const bad = async (body: unknown, as: RoleSession = dispatcher) =>
      await server.apiJson<ErrorBody>('POST', '/api/notices', body, as)
    expect((await bad({ title: 'x', body: 'y', audience: 'operator' })).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'operatorId' },
    })
    expect(
      (await bad({ title: 'x', body: 'y', audience: 'drivers', driverIds: ['NT-D001', 'NT-D999'] })).body.error,
    ).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'driverIds' } })
    expect(
      (await bad({ title: 'x', body: 'y', audience: 'all', link: 'javascript:alert(1)' })).body.error.details,
    ).toMatchObject({ field: 'link' })
    expect((await bad({ title: 'x', body: 'y', audience: 'operator', operatorId: 'NOPE' })).status).toBe(404)
    expect((await bad({ title: 'x', body: 'y', audience: 'all' }, d1)).status).toBe(403)
    expect(await noticeCount()).toBe(before)
    const foreign = await server.apiJson<ErrorBody>(
      'POST',
      `/api/driver/notices/${noticeId}/read`,
      undefined,
      await server.loginAs('driver', { username: 'nt-driver3', driverCode: 'NT-D003' }),
    )
    expect(foreign.status).toBe(404)
    expect(foreign.body.error.code).toBe('NOTICE_NOT_FOUND')
  })

  it("goes to one operator's drivers: those rostered on its buses", async () => {
    const sent = await server.apiJson<{ id: number; recipients: number }>(
      'POST',
      '/api/notices',
      {
        title: '本周安全例会',
        body: '周五下午三点车队开会。',
        audience: 'operator',
        operatorId: 'NOP2',
        remindAfterH: null,
      },
      dispatcher,
    )
    expect(sent.status).toBe(201)
    const d = (await server.apiJson<NoticeDetail>('GET', `/api/notices/${sent.body.id}`, undefined, dispatcher)).body
    expect(d.receipts.map((r) => r.driverId)).toEqual(['NT-D002'])
  })

  it('reminds an unread driver once after the hours, whatever number of sweeps run, with an SMS', async () => {
    const sweep = (now: number) => server.app.rb.engagement.notices.sweep(now)
    expect((await sweep(Date.now() + H)).reminded).toBe(0)
    // Two instances sweeping at once: the claim lets one of them remind.
    const [a, b] = await Promise.all([sweep(Date.now() + 2 * H + 60_000), sweep(Date.now() + 2 * H + 60_000)])
    expect(a.reminded + b.reminded).toBe(1)
    expect((await sweep(Date.now() + 5 * H)).reminded).toBe(0)
    await waitFor(() => pushed2.find((p) => p.id === noticeId && p.reminder))
    expect(pushed.filter((p) => p.id === noticeId && p.reminder)).toEqual([])
    const d = (await server.apiJson<NoticeDetail>('GET', `/api/notices/${noticeId}`, undefined, dispatcher)).body
    expect(d.receipts.find((r) => r.driverId === 'NT-D002')).toMatchObject({ reminders: 1, readTs: null })
    expect(d.receipts.find((r) => r.driverId === 'NT-D001')).toMatchObject({ reminders: 0 })
    const sms = await server.app.rb.db.query<{ recipient: string; body: string }>(
      `SELECT recipient, body FROM notification_outbox WHERE kind = 'notice_reminder'`,
    )
    expect(sms.rows).toEqual([{ recipient: '13812345002', body: expect.stringContaining('冬季防滑') }])
  })

  it('lets a dispatcher remind the unread drivers now, audited', async () => {
    const r = await server.apiJson<{ reminded: string[] }>(
      'POST',
      `/api/notices/${noticeId}/remind`,
      undefined,
      dispatcher,
    )
    expect(r.status).toBe(200)
    expect(r.body.reminded).toEqual(['NT-D002'])
    const d = (await server.apiJson<NoticeDetail>('GET', `/api/notices/${noticeId}`, undefined, dispatcher)).body
    expect(d.receipts.find((x) => x.driverId === 'NT-D002')?.reminders).toBe(2)
    const rows = await server.apiJson<{ items: { target: string }[] }>('GET', '/api/audit?action=notice.remind')
    expect(rows.body.items.map((x) => x.target)).toContain(`notice:${noticeId}`)
    expect(
      (await server.apiJson<ErrorBody>('POST', '/api/notices/999999/remind', undefined, dispatcher)).body.error.code,
    ).toBe('NOTICE_NOT_FOUND')
  })
})
