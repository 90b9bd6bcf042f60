/**
 * Grid reporters through the real server: a phone registers with the SMS code of the booking
 * machinery (a wrong code refused, codes a minute apart), its reports carry the reporter's id,
 * points are written only when a ticket step confirms a report — once, none for a rejected or
 * duplicate report, taken back by a reopening —, a points action on a rejected report is refused
 * with nothing changed, the monthly leaderboard and its CSV export count the same numbers, and
 * every staff action is audited.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monthOf } from '@rb/domain'
import { startServer, targets, type RoleSession, type TestServer } from '../support/server.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Mine {
  reporter: { id: string; name: string; phone: string; townshipId: string }
  month: string
  points: { month: number; total: number }
  reports: { id: string; status: string; points: number; revokedAt: string | null }[]
}
interface Board {
  month: string
  items: { rank: number; reporterId: string; phone: string; townshipId: string; points: number; confirmed: number }[]
  totals: { reporters: number; points: number; confirmed: number }
}
type Res<T> = { status: number; body: T; headers: Headers }

describe.each(targets())('grid reporters on $name', (target) => {
  let server: TestServer
  let dispatcher: RoleSession
  let operator: RoleSession
  const townships = ['GR-T01', 'GR-T02']

  /** A request without a session (a villager's phone), from its own client address. */
  const pub = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers } as Res<T>
  }
  const staff = async <T>(method: string, path: string, as: RoleSession, body?: unknown) =>
    server.apiJson<T & ErrorBody>(method, path, body, as)

  const newStop = async (township = townships[0]!): Promise<string> => {
    const made = await server.apiJson<{ code: string }>('POST', '/api/stops', {
      name: '石坝村',
      nameEn: 'Shiba',
      townshipId: township,
      point: [105.44, 28.1],
      installedOn: '2026-01-01',
    })
    if (made.status !== 201) throw new Error(`could not make a stop: ${made.status}`)
    return made.body.code
  }
  const lastCode = async (phone: string): Promise<string> => {
    const r = await server.app.rb.db.query<{ body: string }>(
      "SELECT body FROM notification_outbox WHERE recipient = $1 AND kind = 'verify_code' ORDER BY id DESC LIMIT 1",
      [phone],
    )
    const code = /验证码(\d{6})/.exec(r.rows[0]?.body ?? '')?.[1]
    if (!code) throw new Error(`no code texted to ${phone}`)
    return code
  }
  const phone = (): string => `139${String(randomInt(100_000_000)).padStart(8, '0')}`
  /** Registers a phone and confirms its code: the reporter's token. */
  const registered = async (name: string, township = townships[0]!): Promise<{ id: string; token: string }> => {
    const p = phone()
    expect((await pub('POST', '/api/grid/register', { phone: p, name, townshipId: township })).status).toBe(200)
    const v = await pub<{ reporter: { id: string }; token: string }>('POST', '/api/grid/verify', {
      phone: p,
      smsCode: await lastCode(p),
    })
    expect(v.status).toBe(200)
    return { id: v.body.reporter.id, token: v.body.token }
  }
  const report = (stop: string, category: string, token?: string, reportedAt?: string) =>
    pub<{ id: string } & ErrorBody>(
      'POST',
      `/api/stops/${stop}/reports`,
      { category, ...(reportedAt ? { reportedAt } : {}) },
      { 'idempotency-key': `gr-${randomBytes(8).toString('hex')}`, ...(token ? { 'x-reporter-token': token } : {}) },
    )
  const ticketOf = async (reportId: string): Promise<number> =>
    Number(
      (await server.app.rb.db.query<{ ticket_id: string }>('SELECT ticket_id FROM report WHERE id = $1', [reportId]))
        .rows[0]?.ticket_id,
    )
  const step = (ticket: number, action: string, body: unknown, as = dispatcher) =>
    staff<{ status: string }>('POST', `/api/tickets/${ticket}/${action}`, as, body)
  const mine = async (token: string) =>
    (await pub<Mine>('GET', '/api/grid/me', undefined, { 'x-reporter-token': token })).body
  const ledger = async (): Promise<number> =>
    Number((await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM grid_points')).rows[0]?.n)

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'GR', TRUST_PROXY: '127.0.0.1', REPORT_RATE_LIMIT: '0' })
    for (const [i, id] of townships.entries())
      await server.apiJson('PUT', `/api/townships/${id}`, {
        name: ['叙永镇', '水尾镇'][i],
        nameEn: id,
        center: [105.44, 28.1],
      })
    dispatcher = await server.loginAs('dispatcher')
    operator = await server.loginAs('operator')
  })

  afterAll(async () => {
    await server?.close()
  })

  it('registers a phone with an SMS code; a wrong code is refused and codes are a minute apart', async () => {
    const p = phone()
    const bad = await pub<ErrorBody>('POST', '/api/grid/register', { phone: p, name: '王秀英', townshipId: 'GR-NOPE' })
    expect([bad.status, bad.body.error.details?.field]).toEqual([400, 'townshipId'])
    const sent = await pub<{ sent: boolean; phone: string; resendAt: string | null }>('POST', '/api/grid/register', {
      phone: `+86 ${p.slice(0, 3)} ${p.slice(3)}`,
      name: ' 王秀英 ',
      townshipId: 'GR-T01',
    })
    expect(sent.status).toBe(200)
    expect(sent.body.phone).toBe(`${p.slice(0, 3)}****${p.slice(-4)}`)
    expect(sent.body.resendAt).not.toBeNull()
    const again = await pub<ErrorBody>('POST', '/api/grid/register', { phone: p, name: '王秀英', townshipId: 'GR-T01' })
    expect([again.status, again.body.error.code, again.body.error.details?.reason]).toEqual([
      429,
      'RATE_LIMITED',
      'too_soon',
    ])
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0)

    const code = await lastCode(p)
    const wrongCode = code === '000000' ? '111111' : '000000'
    const wrong = await pub<ErrorBody>('POST', '/api/grid/verify', { phone: p, smsCode: wrongCode })
    expect([wrong.status, wrong.body.error.code, wrong.body.error.details?.triesLeft]).toEqual([
      400,
      'VALIDATION_FAILED',
      4,
    ])
    // A wrong code gives no token: the phone is not a reporter yet.
    const unverified = await server.app.rb.db.query<{ verified_at: unknown; token_hash: unknown }>(
      'SELECT verified_at, token_hash FROM grid_reporter WHERE phone = $1',
      [p],
    )
    expect(unverified.rows[0]).toEqual({ verified_at: null, token_hash: null })

    const ok = await pub<{ reporter: { id: string; name: string; townshipId: string }; token: string }>(
      'POST',
      '/api/grid/verify',
      { phone: p, smsCode: ` ${code} ` },
    )
    expect(ok.status).toBe(200)
    expect(ok.body.reporter).toMatchObject({ name: '王秀英', townshipId: 'GR-T01' })
    expect(ok.body.token.length).toBeGreaterThan(20)
    // The code is spent.
    const reused = await pub<ErrorBody>('POST', '/api/grid/verify', { phone: p, smsCode: code })
    expect([reused.status, reused.body.error.code]).toEqual([409, 'GRID_CODE_CLOSED'])
    const me = await mine(ok.body.token)
    expect(me.reporter).toMatchObject({ id: ok.body.reporter.id, phone: `${p.slice(0, 3)}****${p.slice(-4)}` })
    expect(me.points).toEqual({ month: 0, total: 0 })
    const stranger = await pub<ErrorBody>('GET', '/api/grid/me', undefined, { 'x-reporter-token': 'x'.repeat(32) })
    expect([stranger.status, stranger.body.error.code]).toEqual([401, 'REPORTER_TOKEN_INVALID'])
  })

  it('pays points only when a step confirms a report, once, none for a duplicate, and takes them back on reopening', async () => {
    const a = await registered('李建国')
    const b = await registered('赵小红')
    const stop = await newStop()
    const first = await report(stop, 'landslide', a.token)
    expect(first.status).toBe(201)
    const second = await report(stop, 'landslide', b.token)
    const anonymous = await report(stop, 'landslide')
    const ticket = await ticketOf(first.body.id)
    expect(await ticketOf(second.body.id)).toBe(ticket)
    // The reports carry their reporters' ids (the anonymous one none).
    const detail = await staff<{ reports: { id: string; reporterId: string | null }[] }>(
      'GET',
      `/api/tickets/${ticket}`,
      dispatcher,
    )
    expect(Object.fromEntries(detail.body.reports.map((r) => [r.id, r.reporterId]))).toEqual({
      [first.body.id]: a.id,
      [second.body.id]: b.id,
      [anonymous.body.id]: null,
    })
    // A token not on file refuses the report and stores nothing.
    const before = Number((await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM report')).rows[0]?.n)
    const forged = await report(stop, 'pothole', 'y'.repeat(32))
    expect([forged.status, forged.body.error.code]).toEqual([401, 'REPORTER_TOKEN_INVALID'])
    expect(Number((await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM report')).rows[0]?.n)).toBe(
      before,
    )

    // Open and assigned: nothing paid yet.
    expect((await step(ticket, 'assign', { assignee: '抢险队' })).status).toBe(200)
    expect((await mine(a.token)).reports[0]).toMatchObject({ id: first.body.id, status: 'assigned', points: 0 })
    const ledgerBefore = await ledger()

    expect((await step(ticket, 'fix', { note: '已清理' })).status).toBe(200)
    expect(await ledger()).toBe(ledgerBefore + 1)
    expect((await mine(a.token)).reports[0]).toMatchObject({ status: 'fixed', points: 30 })
    expect((await mine(a.token)).points).toEqual({ month: 30, total: 30 })
    expect((await mine(b.token)).reports[0]).toMatchObject({ status: 'fixed', points: 0 })
    const shown = await staff<{ reports: { reportId: string; points: number; none: string | null }[] }>(
      'GET',
      `/api/grid/tickets/${ticket}`,
      operator,
    )
    expect(shown.body.reports.map((r) => [r.points, r.none])).toEqual([
      [30, null],
      [0, 'duplicate'],
      [0, 'no_reporter'],
    ])
    // The fix's audit row says what it paid.
    const fixAudit = await server.apiJson<{
      items: { target: string; after: { points?: { awarded: { reportId: string; points: number }[] } } }[]
    }>('GET', '/api/audit?action=ticket.fix')
    expect(fixAudit.body.items.find((i) => i.target === `ticket:${ticket}`)?.after.points?.awarded).toEqual([
      { reportId: first.body.id, reporterId: a.id, points: 30 },
    ])

    // A points action on a report already paid, or a duplicate, is refused and changes nothing.
    for (const [id, reason] of [
      [first.body.id, 'awarded'],
      [second.body.id, 'duplicate'],
      [anonymous.body.id, 'no_reporter'],
    ] as const) {
      const r = await staff<ErrorBody>('POST', `/api/grid/reports/${id}/confirm`, dispatcher)
      expect([r.status, r.body.error.code, r.body.error.details?.reason], id).toEqual([
        409,
        'GRID_POINTS_REFUSED',
        reason,
      ])
    }
    expect(await ledger()).toBe(ledgerBefore + 1)

    // The repair did not hold: reopening takes the points back; fixing again pays them once more, not twice.
    expect((await step(ticket, 'reopen', { note: '又塌了' })).status).toBe(200)
    expect((await mine(a.token)).reports[0]).toMatchObject({ status: 'open', points: 0 })
    expect((await mine(a.token)).points.total).toBe(0)
    expect((await mine(a.token)).reports[0]?.revokedAt).not.toBeNull()
    await step(ticket, 'assign', { assignee: '抢险队' })
    await step(ticket, 'fix', {})
    expect((await mine(a.token)).points.total).toBe(30)
    expect(await ledger()).toBe(ledgerBefore + 1)
  })

  it('refuses points for a rejected report with a clear error and nothing changed; staff may confirm before the fix', async () => {
    const c = await registered('张桂兰')
    const stop = await newStop()
    const sent = await report(stop, 'faded', c.token)
    const ticket = await ticketOf(sent.body.id)
    expect((await step(ticket, 'reject', { note: '站牌完好，误报' })).status).toBe(200)
    const ledgerBefore = await ledger()
    const auditBefore = (await server.apiJson<{ items: unknown[] }>('GET', '/api/audit?action=grid.confirm')).body.items
      .length
    const refused = await staff<ErrorBody>('POST', `/api/grid/reports/${sent.body.id}/confirm`, dispatcher)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('GRID_POINTS_REFUSED')
    expect(refused.body.error.details).toMatchObject({ reason: 'rejected', ticketId: ticket, reportId: sent.body.id })
    expect(refused.body.error.message).toMatch(/rejected: a rejected report earns no points/)
    expect(await ledger()).toBe(ledgerBefore)
    expect(
      (await server.apiJson<{ items: unknown[] }>('GET', '/api/audit?action=grid.confirm')).body.items,
    ).toHaveLength(auditBefore)
    expect((await mine(c.token)).reports[0]).toMatchObject({ status: 'rejected', points: 0 })

    // A pothole confirmed by staff before the crew gets there: paid at once, and the fix pays nothing more.
    const road = await report(await newStop(), 'pothole', c.token)
    const roadTicket = await ticketOf(road.body.id)
    // Two staff confirm at once (two browsers, maybe two instances): one pays, the other is told it is paid.
    const both = await Promise.all([
      staff<{ points: number; reporterId: string }>('POST', `/api/grid/reports/${road.body.id}/confirm`, operator),
      staff<{ points: number; reporterId: string }>('POST', `/api/grid/reports/${road.body.id}/confirm`, dispatcher),
    ])
    const confirmed = both.find((r) => r.status === 200)
    expect(both.map((r) => r.status).sort()).toEqual([200, 409])
    expect(confirmed?.body).toMatchObject({ points: 10, reporterId: c.id })
    expect(both.find((r) => r.status === 409)?.body.error.details?.reason).toBe('awarded')
    await step(roadTicket, 'assign', { assignee: '养护队' })
    await step(roadTicket, 'fix', {})
    expect((await mine(c.token)).points.total).toBe(10)
    const audited = await server.apiJson<{ items: { target: string; username: string; after: { points: number } }[] }>(
      'GET',
      '/api/audit?action=grid.confirm',
    )
    expect(audited.body.items.filter((i) => i.target === `report:${road.body.id}`)).toEqual([
      expect.objectContaining({ after: expect.objectContaining({ points: 10 }) }),
    ])
    // A villager cannot confirm.
    expect((await pub('POST', `/api/grid/reports/${road.body.id}/confirm`)).status).toBe(401)
  })

  it('ranks the month by township and exports the same numbers as CSV, audited', async () => {
    // The county's rule is a setting: a sign report is worth 7 from now on.
    const admin = await server.loginAs('admin')
    expect((await staff('PUT', '/api/settings', admin, { gridPoints: { sign: 7 } })).status).toBe(200)
    const d = await registered('陈明', 'GR-T02')
    const e = await registered('刘芳', 'GR-T02')
    for (const [who, category] of [
      [d, 'damaged'],
      [d, 'flooding'],
      [e, 'blocked'],
    ] as const) {
      const sent = await report(await newStop('GR-T02'), category, who.token)
      const t = await ticketOf(sent.body.id)
      await step(t, 'assign', { assignee: '维修组' })
      await step(t, 'fix', {})
    }
    const month = monthOf(Date.now())
    const board = await staff<Board>('GET', `/api/grid/leaderboard?month=${month}&township=GR-T02`, operator)
    expect(board.status).toBe(200)
    expect(board.body.items.map((r) => [r.rank, r.reporterId, r.points, r.confirmed])).toEqual([
      [1, d.id, 37, 2],
      [2, e.id, 7, 1],
    ])
    expect(board.body.totals).toEqual({ reporters: 2, points: 44, confirmed: 3 })
    expect(board.body.items[0]?.phone).toMatch(/^139\*{4}\d{4}$/)
    const all = await staff<Board>('GET', `/api/grid/leaderboard?month=${month}`, dispatcher)
    expect(all.body.items.map((r) => r.townshipId)).toEqual(expect.arrayContaining(['GR-T01', 'GR-T02']))
    const last = await staff<Board>('GET', '/api/grid/leaderboard?month=2020-01', dispatcher)
    expect(last.body.items).toEqual([])
    expect((await staff<ErrorBody>('GET', '/api/grid/leaderboard?month=2026-13', dispatcher)).status).toBe(400)

    expect((await server.apiJson('GET', `/api/grid/leaderboard.csv?month=${month}`, undefined, operator)).status).toBe(
      403,
    )
    const csv = await fetch(`${server.baseUrl}/api/grid/leaderboard.csv?month=${month}&township=GR-T02`, {
      headers: dispatcher.headers,
    })
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    expect(csv.headers.get('content-disposition')).toContain(`grid-points_${month}_GR-T02.csv`)
    const bytes = Buffer.from(await csv.arrayBuffer())
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n')
    expect(lines[0]).toBe(
      '月份 month,乡镇 township,排名 rank,网格员编号 reporter id,姓名 name,手机 phone,确认上报 confirmed reports,积分 points',
    )
    const phones = await server.app.rb.db.query<{ id: string; phone: string }>(
      'SELECT id, phone FROM grid_reporter WHERE id = ANY($1::text[])',
      [[d.id, e.id]],
    )
    const phoneOf = new Map(phones.rows.map((r) => [r.id, r.phone]))
    expect(lines.slice(1)).toEqual([
      `${month},水尾镇,1,${d.id},陈明,${phoneOf.get(d.id)},2,37`,
      `${month},水尾镇,2,${e.id},刘芳,${phoneOf.get(e.id)},1,7`,
    ])
    const exported = await server.apiJson<{ items: { target: string; username: string; after: { points: number } }[] }>(
      'GET',
      '/api/audit?action=grid.export',
    )
    expect(exported.body.items[0]).toMatchObject({
      target: `leaderboard:${month}`,
      username: dispatcher.user.username,
      after: { points: 44, reporters: 2 },
    })
  })
})
