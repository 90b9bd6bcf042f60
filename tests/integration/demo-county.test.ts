import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceDayOf } from '@rb/domain'
import { getJsonAsAdmin, login, startServer, type TestServer } from '../support/server.js'
import { decodeQrSvg } from '../support/qr.js'

interface Page {
  total: number
}
interface Trips {
  items: { id: string; tripId: string; kind: string }[]
}

describe('demo county on a fresh embedded database', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'auto' })
  })
  afterAll(async () => {
    await server?.close()
  })
  const get = async <T>(path: string): Promise<T> => {
    const r = await getJsonAsAdmin<T>(`${server.baseUrl}${path}`)
    expect(r.status).toBe(200)
    return r.body
  }

  it('is loaded at first start and served by the API', async () => {
    expect((await get<Page>('/api/stops?limit=1')).total).toBeGreaterThanOrEqual(150)
    expect((await get<Page>('/api/routes?limit=1')).total).toBeGreaterThanOrEqual(20)
    expect((await get<Page>('/api/vehicles?limit=1')).total).toBeGreaterThanOrEqual(40)
    expect((await get<Page>('/api/drivers?limit=1')).total).toBeGreaterThanOrEqual(50)
    for (const kind of ['market', 'student', 'medical', 'regular'])
      expect((await get<Page>(`/api/routes?kind=${kind}&limit=1`)).total).toBeGreaterThan(0)
  })

  it('runs student trips on a school day and not on National Day', async () => {
    const schoolDay = await get<Trips>('/api/trips?date=2026-10-12&kind=student')
    const holiday = await get<Trips>('/api/trips?date=2026-10-01&kind=student')
    expect(schoolDay.items.length).toBeGreaterThan(0)
    expect(holiday.items).toHaveLength(0)
  })

  it("runs a town's market-day trips on its market days only", async () => {
    const calendars = await get<{ items: { id: string; rules: { rule: { kind: string } } }[] }>('/api/calendars')
    const trips = await get<{ items: { id: string; calendarId: string }[] }>('/api/schedule/trips')
    const market = calendars.items.find(
      (c) => JSON.stringify(c.rules).includes('marketDays') && trips.items.some((t) => t.calendarId === c.id),
    )
    expect(market).toBeDefined()
    const marketTripIds = new Set(trips.items.filter((t) => t.calendarId === market?.id).map((t) => t.id))
    const { dates } = await get<{ dates: string[] }>(`/api/calendars/${market?.id}/dates?from=2026-12-01&to=2026-12-31`)
    expect(dates.length).toBeGreaterThan(0)
    const marketDay = dates[0] as string
    const other = Array.from({ length: 31 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`).find(
      (d) => !dates.includes(d),
    ) as string
    const onMarket = (await get<Trips>(`/api/trips?date=${marketDay}`)).items.filter((i) => marketTripIds.has(i.tripId))
    const onOther = (await get<Trips>(`/api/trips?date=${other}`)).items.filter((i) => marketTripIds.has(i.tripId))
    expect(onMarket.length).toBe(marketTripIds.size)
    expect(onOther).toHaveLength(0)
  })

  it("has today's and tomorrow's rosters published: every trip has a bus and a driver, and a bus of one operator is lent to the other", async () => {
    const routeOperator = new Map(
      (await get<{ items: { id: string; operatorId: string }[] }>('/api/routes?limit=1000')).items.map((r) => [
        r.id,
        r.operatorId,
      ]),
    )
    const vehicleOperator = new Map(
      (await get<{ items: { id: string; operatorId: string }[] }>('/api/vehicles?limit=1000')).items.map((v) => [
        v.id,
        v.operatorId,
      ]),
    )
    for (const date of [serviceDayOf(Date.now()), serviceDayOf(Date.now() + 86_400_000)]) {
      const trips = (
        await get<{ items: { id: string; routeId: string; vehicleId: string | null; driverId: string | null }[] }>(
          `/api/trips?date=${date}`,
        )
      ).items
      expect(trips.length).toBeGreaterThan(50)
      expect(trips.filter((t) => t.vehicleId === null || t.driverId === null)).toEqual([])
      const roster = await get<{
        published: boolean
        unassigned: unknown[]
        duties: { vehicleId: string; trips: { routeId: string }[] }[]
      }>(`/api/roster?date=${date}`)
      expect(roster).toMatchObject({ published: true, unassigned: [] })
      const lent = roster.duties.filter((d) =>
        d.trips.some((t) => routeOperator.get(t.routeId) !== vehicleOperator.get(d.vehicleId)),
      )
      expect(lent.length, date).toBeGreaterThan(0)
    }
  })

  it('prints a sign for a demo stop whose QR opens its villager page', async () => {
    const qr = await fetch(`${server.baseUrl}/api/stops/XY-0001/qr.svg`)
    expect(decodeQrSvg(await qr.text())).toBe('http://localhost:8080/s/XY-0001')
    const sheet = await (await server.api('/api/stops/XY-0001/sheet')).text()
    expect(sheet).toContain('XY-0001')
  })

  it('comes with demo accounts a newcomer can sign in with (published passwords, not in production)', async () => {
    const dispatcher = await login(server.baseUrl, 'dispatcher', 'demo-dispatcher')
    expect(dispatcher.user).toMatchObject({ role: 'dispatcher' })
    expect((await login(server.baseUrl, 'operator', 'demo-operator')).user.role).toBe('operator')
    const driver = await login(server.baseUrl, 'driver', 'demo-driver')
    expect(driver.user).toMatchObject({ role: 'driver', driverCode: 'XY-D001' })
  })

  it('has a notice some drivers read (the demo driver not yet) and a closed survey with answers', async () => {
    const notices = await get<{ items: { id: number; recipients: number; read: number }[] }>('/api/notices')
    expect(notices.items).toHaveLength(1)
    const n = notices.items[0] as { id: number; recipients: number; read: number }
    expect(n.recipients).toBeGreaterThanOrEqual(50)
    expect(n.read).toBeGreaterThan(0)
    expect(n.read).toBeLessThan(n.recipients)
    const driver = await login(server.baseUrl, 'driver', 'demo-driver')
    const mine = await server.apiJson<{ unread: number }>('GET', '/api/driver/notices', undefined, driver)
    expect(mine.body.unread).toBe(1)
    const surveys = await get<{ items: { id: number; phase: string; audience: string; responses: number }[] }>(
      '/api/surveys',
    )
    expect(surveys.items).toEqual([expect.objectContaining({ phase: 'closed', audience: 'villagers' })])
    const results = await get<{ results: { responses: number; questions: { counts: number[] }[] } }>(
      `/api/surveys/${surveys.items[0]?.id}/results`,
    )
    expect(results.results.responses).toBeGreaterThan(20)
    expect(results.results.questions[2]?.counts.reduce((a, b) => a + b, 0)).toBe(results.results.responses)
  })

  it("has ride ratings: the fleet's pioneers earn the badge by the rule and nobody else, a complaint open", async () => {
    const d = await get<{ items: { driverId: string; count: number; average: number | null; pioneer: boolean }[] }>(
      '/api/ratings/drivers',
    )
    const flagged = new Set(
      (
        await server.app.rb.db.query<{ id: string }>("SELECT id FROM driver WHERE pioneer AND status = 'active'")
      ).rows.map((r) => r.id),
    )
    const badged = d.items.filter((x) => x.pioneer)
    expect(badged.length).toBeGreaterThanOrEqual(5)
    expect(new Set(badged.map((x) => x.driverId))).toEqual(flagged)
    for (const x of badged) expect(x.count).toBeGreaterThanOrEqual(50)
    expect(d.items.filter((x) => x.count > 0).length).toBeGreaterThan(badged.length)
    const open = await get<{ items: { status: string }[] }>('/api/ratings/complaints?status=open')
    expect(open.items.length).toBeGreaterThan(0)
  })

  it('has grid reporters with points in several townships, a rejected report with none, and a ticket behind every sign shown in repair', async () => {
    const board = await get<{ items: { townshipId: string; points: number }[] }>('/api/grid/leaderboard')
    expect(board.items.length).toBeGreaterThanOrEqual(4)
    expect(new Set(board.items.map((r) => r.townshipId)).size).toBeGreaterThanOrEqual(3)
    expect(board.items.every((r) => r.points > 0)).toBe(true)
    const db = server.app.rb.db
    const rejected = await db.query<{ id: string; points: number | null }>(
      `SELECT r.id, p.points FROM report r JOIN repair_ticket t ON t.id = r.ticket_id LEFT JOIN grid_points p ON p.report_id = r.id
       WHERE r.reporter_id IS NOT NULL AND t.status = 'rejected'`,
    )
    expect(rejected.rows).toEqual([expect.objectContaining({ points: null })])
    const orphans = await db.query<{ code: string }>(
      `SELECT s.code FROM stop s WHERE s.status IN ('reported', 'in_repair') AND NOT EXISTS (
         SELECT 1 FROM repair_ticket t WHERE t.stop_code = s.code AND t.kind = 'sign'
           AND t.status = CASE s.status WHEN 'in_repair' THEN 'assigned' ELSE 'open' END)`,
    )
    expect(orphans.rows).toEqual([])
    expect(
      (await db.query("SELECT 1 FROM stop WHERE status IN ('reported', 'in_repair')")).rows.length,
    ).toBeGreaterThan(0)
  })

  it('is not loaded twice', async () => {
    const before = (await get<Page>('/api/stops?limit=1')).total
    const { seedDemoCounty } = await import('../../apps/server/src/network/demo.js')
    expect(await seedDemoCounty(server.app.rb.db, server.app.rb.network, { info: () => {} })).toBe(false)
    expect((await get<Page>('/api/stops?limit=1')).total).toBe(before)
  })
})
