/**
 * Surveys through the real server: a villagers' survey answered once per phone (typed in any
 * form, or through an SMS invitation's link), a drivers' survey once per driver, answers refused
 * before the opening and after the closing with nothing stored, bad answers refused, results
 * counted and downloaded as CSV, staff changes audited.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bookingNetwork, dayFromNow } from '../support/booking-network.js'
import { startServer, targets, villagerRequest, type RoleSession, type TestServer } from '../support/server.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Survey {
  id: number
  phase: string
  questions: { id: string }[]
}
interface Results {
  results: { responses: number; questions: { id: string; counts: number[]; average: number | null; texts: string[] }[] }
}

const H = 3_600_000
const iso = (ms: number): string => new Date(ms).toISOString()
const QUESTIONS = [
  { kind: 'single', text: '您多久坐一次班车？', options: ['每天', '每周', '很少'] },
  { kind: 'multiple', text: '希望改进什么？', options: ['班次', '准点', '票价'], required: false },
  { kind: 'rating', text: '总体满意度' },
  { kind: 'text', text: '建议', required: false },
]

describe.each(targets())('surveys on $name', (target) => {
  let server: TestServer
  let dispatcher: RoleSession
  let driver: RoleSession

  /** A request without a session (a villager) from its own client address. */
  const pub = <T>(method: string, path: string, body?: unknown) =>
    villagerRequest<T>(server.baseUrl, method, path, body)
  const answerCount = async (id: number): Promise<number> =>
    Number(
      (
        await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM survey_answer WHERE survey_id = $1', [
          id,
        ])
      ).rows[0]?.n,
    )
  const create = (audience: string, opensTs: number, closesTs: number) =>
    server.apiJson<Survey & ErrorBody>(
      'POST',
      '/api/surveys',
      {
        title: audience === 'drivers' ? '驾驶员调查' : '满意度调查',
        audience,
        opensAt: iso(opensTs),
        closesAt: iso(closesTs),
        questions: QUESTIONS,
      },
      dispatcher,
    )

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'SV',
      TRUST_PROXY: '127.0.0.1',
      PUBLIC_URL: 'https://bus.example.org',
    })
    dispatcher = await server.loginAs('dispatcher')
    await server.apiJson('PUT', '/api/drivers/SV-D001', {
      name: '王建国',
      phone: '13812345001',
      licenceClass: 'A1',
      serviceSince: '2010-05-01',
      pioneer: false,
      status: 'active',
    })
    driver = await server.loginAs('driver', { username: 'sv-driver1', driverCode: 'SV-D001' })
  })

  afterAll(async () => {
    await server?.close()
  })

  it('takes one answer per phone from villagers, whatever way the number is typed', async () => {
    const s = (await create('villagers', Date.now() - H, Date.now() + 24 * H)).body
    expect(s.phase).toBe('open')
    const listed = await pub<{ items: { id: number }[] }>('GET', '/api/villager/surveys')
    expect(listed.body.items.map((x) => x.id)).toContain(s.id)
    const shown = await pub<{ questions: unknown[]; phase: string }>('GET', `/api/villager/surveys/${s.id}`)
    expect(shown.body).toMatchObject({ phase: 'open' })
    expect(shown.body.questions).toHaveLength(4)
    const first = await pub<{ phoneMasked: string }>('POST', `/api/villager/surveys/${s.id}/answers`, {
      phone: '138 0000 1111',
      stopCode: 'SV-0001',
      answers: { q1: 0, q2: [0, 2], q3: 5, q4: '多开早班' },
    })
    expect(first.status).toBe(201)
    expect(first.body.phoneMasked).toBe('138****1111')
    const second = await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, {
      phone: '+86 13800001111',
      answers: { q1: 1, q3: 1 },
    })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('SURVEY_ANSWERED')
    const bad = await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, {
      phone: '13800002222',
      answers: { q1: 0, q3: 6 },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details).toMatchObject({ field: 'answers/q3' })
    const noPhone = await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, { answers: { q1: 0, q3: 3 } })
    expect(noPhone.body.error.details).toMatchObject({ field: 'phone' })
    expect(
      (await pub('POST', `/api/villager/surveys/${s.id}/answers`, { phone: '13800003333', answers: { q1: 0, q3: 3 } }))
        .status,
    ).toBe(201)
    expect(await answerCount(s.id)).toBe(2)

    const r = (await server.apiJson<Results>('GET', `/api/surveys/${s.id}/results`, undefined, dispatcher)).body.results
    expect(r.responses).toBe(2)
    expect(r.questions[0]?.counts).toEqual([2, 0, 0])
    expect(r.questions[1]?.counts).toEqual([1, 0, 1])
    expect(r.questions[2]).toMatchObject({ counts: [0, 0, 1, 0, 1], average: 4 })
    expect(r.questions[3]?.texts).toEqual(['多开早班'])
    const csv = await server.api(`/api/surveys/${s.id}/results?format=csv`)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    // Bytes, not text(): a decoder would drop the byte-order mark the spreadsheet needs.
    const lines = Buffer.from(await csv.arrayBuffer())
      .toString('utf8')
      .split('\r\n')
      .filter(Boolean)
    expect(lines[0]?.startsWith('\uFEFFanswered_at,respondent,channel,stop_code,q1 您多久坐一次班车？')).toBe(true)
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain('138****1111,stop_page,SV-0001,每天,班次; 票价,5,多开早班')
  })

  it('refuses answers before the opening and after the closing, storing nothing', async () => {
    const later = (await create('villagers', Date.now() + 24 * H, Date.now() + 48 * H)).body
    const early = await pub<ErrorBody>('POST', `/api/villager/surveys/${later.id}/answers`, {
      phone: '13800004444',
      answers: { q1: 0, q3: 3 },
    })
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('SURVEY_NOT_OPEN')
    const s = (await create('villagers', Date.now() - H, Date.now() + H)).body
    const closed = await server.apiJson<Survey>('POST', `/api/surveys/${s.id}/close`, undefined, dispatcher)
    expect(closed.body.phase).toBe('closed')
    const late = await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, {
      phone: '13800004444',
      answers: { q1: 0, q3: 3 },
    })
    expect(late.status).toBe(409)
    expect(late.body.error).toMatchObject({ code: 'SURVEY_CLOSED' })
    expect(await answerCount(s.id)).toBe(0)
    expect(await answerCount(later.id)).toBe(0)
    expect(
      (await pub<{ items: { id: number }[] }>('GET', '/api/villager/surveys')).body.items.map((x) => x.id),
    ).not.toContain(s.id)
    const audit = await server.apiJson<{ items: { target: string }[] }>('GET', '/api/audit?action=survey.close')
    expect(audit.body.items.map((x) => x.target)).toContain(`survey:${s.id}`)
    const bad = await server.apiJson<ErrorBody>(
      'POST',
      '/api/surveys',
      {
        title: 'x',
        audience: 'villagers',
        opensAt: iso(Date.now()),
        closesAt: iso(Date.now() - H),
        questions: QUESTIONS,
      },
      dispatcher,
    )
    expect(bad.body.error.details).toMatchObject({ field: 'closesAt' })
    expect(
      (
        await server.apiJson(
          'POST',
          '/api/surveys',
          {
            title: 'x',
            audience: 'villagers',
            opensAt: iso(Date.now()),
            closesAt: iso(Date.now() + H),
            questions: QUESTIONS,
          },
          driver,
        )
      ).status,
    ).toBe(403)
  })

  it("takes one answer per driver on a drivers' survey, which villagers cannot see", async () => {
    const s = (await create('drivers', Date.now() - H, Date.now() + H)).body
    const open = await server.apiJson<{ items: { id: number; answered: boolean }[] }>(
      'GET',
      '/api/driver/surveys',
      undefined,
      driver,
    )
    expect(open.body.items.find((x) => x.id === s.id)).toMatchObject({ answered: false })
    expect(
      (await server.apiJson('POST', `/api/driver/surveys/${s.id}/answers`, { answers: { q1: 2, q3: 4 } }, driver))
        .status,
    ).toBe(201)
    const again = await server.apiJson<ErrorBody>(
      'POST',
      `/api/driver/surveys/${s.id}/answers`,
      { answers: { q1: 1, q3: 2 } },
      driver,
    )
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('SURVEY_ANSWERED')
    expect(
      (
        await server.apiJson<{ items: { id: number; answered: boolean }[] }>(
          'GET',
          '/api/driver/surveys',
          undefined,
          driver,
        )
      ).body.items.find((x) => x.id === s.id)?.answered,
    ).toBe(true)
    expect((await pub<ErrorBody>('GET', `/api/villager/surveys/${s.id}`)).body.error.code).toBe('SURVEY_NOT_FOUND')
    expect(
      (
        await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, {
          phone: '13800005555',
          answers: { q1: 0, q3: 3 },
        })
      ).status,
    ).toBe(404)
    expect(await answerCount(s.id)).toBe(1)
  })

  it('invites recent bookers by SMS, each link standing for its phone', async () => {
    const net = await bookingNetwork(server, 'SV')
    const trip = await net.trip('SV-T1', dayFromNow(2))
    const booked = await pub('POST', '/api/bookings', {
      tripInstanceId: trip,
      boardStop: net.stops[1],
      alightStop: net.stops[4],
      seats: 1,
      name: '王芳',
      phone: '13900007777',
      idempotencyKey: `k-${randomBytes(8).toString('hex')}`,
    })
    expect(booked.status).toBe(201)
    const s = (await create('villagers', Date.now() - H, Date.now() + 24 * H)).body
    const inv = await server.apiJson<{ invited: number }>('POST', `/api/surveys/${s.id}/invite`, undefined, dispatcher)
    expect(inv.body.invited).toBe(1)
    expect(
      (await server.apiJson<{ invited: number }>('POST', `/api/surveys/${s.id}/invite`, undefined, dispatcher)).body
        .invited,
    ).toBe(0)
    const sms = (
      await server.app.rb.db.query<{ recipient: string; body: string }>(
        `SELECT recipient, body FROM notification_outbox WHERE kind = 'survey_invite'`,
      )
    ).rows
    expect(sms).toHaveLength(1)
    const link = /https:\/\/bus\.example\.org\/s\/([A-Z0-9-]+)#q\/(\d+)\/(sv-[0-9a-f]{24})/.exec(sms[0]?.body ?? '')
    expect(link?.[1]).toBe(net.stops[1])
    const token = link?.[3] as string
    expect(
      (await pub<{ invite: unknown }>('GET', `/api/villager/surveys/${s.id}?invite=${token}`)).body.invite,
    ).toEqual({ phoneMasked: '139****7777', answered: false })
    const a = await pub<{ phoneMasked: string }>('POST', `/api/villager/surveys/${s.id}/answers`, {
      invite: token,
      answers: { q1: 1, q3: 4 },
    })
    expect(a.status).toBe(201)
    expect(
      (
        await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, {
          phone: '13900007777',
          answers: { q1: 1, q3: 4 },
        })
      ).body.error.code,
    ).toBe('SURVEY_ANSWERED')
    expect(
      (
        await pub<ErrorBody>('POST', `/api/villager/surveys/${s.id}/answers`, {
          invite: 'sv-000000000000000000000000',
          answers: { q1: 1, q3: 4 },
        })
      ).status,
    ).toBe(404)
    const rows = (
      await server.app.rb.db.query<{ channel: string; stop_code: string }>(
        'SELECT channel, stop_code FROM survey_answer WHERE survey_id = $1',
        [s.id],
      )
    ).rows
    expect(rows).toEqual([{ channel: 'sms_link', stop_code: net.stops[1] }])
  })
})
