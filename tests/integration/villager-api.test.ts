/**
 * What the villager page asks the server, without a session: a departure's crew (driver card and
 * bus, phone masked) and stops, and the stop page itself rendered at /s/<code> from the built app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { buildVillager } from '../../apps/villager/scripts/build.js'
import { bookingNetwork, type BookingNetwork } from '../support/booking-network.js'
import { startServer, type TestServer } from '../support/server.js'

describe('villager API and page', () => {
  let server: TestServer
  let net: BookingNetwork
  let instanceId: string
  let unassigned: string
  const today = serviceDayOf(Date.now())
  // Two hours from now (departureS may pass midnight: the timetable allows it).
  const departureS = Math.round((Date.now() + 2 * 3600_000 - serviceDayStartMs(today)) / 1000)

  beforeAll(async () => {
    await buildVillager({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'VA' })
    net = await bookingNetwork(server, 'VA')
    instanceId = await net.trip('VA-R01-A', today, { departureS, bookingCutoffMin: 30 })
    unassigned = await net.trip('VA-R01-B', today, { departureS: departureS + 600, bookingPolicy: 'none' })
    const put = async (path: string, body: unknown) =>
      expect((await server.apiJson('PUT', path, body)).status).toBeLessThan(300)
    await put('/api/vehicles/VA-V001', {
      plate: '川E·V0001',
      seats: 19,
      operatorId: 'OP1',
      model: '宇通 ZK6729',
      status: 'active',
    })
    await put('/api/drivers/VA-D001', {
      name: '王建国',
      phone: '138-1234-5678',
      licenceClass: 'A1',
      qualificationCert: 'QC-7788',
      photoUrl: '/photos/d001.jpg',
      serviceSince: '2008-05-01',
      pioneer: true,
      status: 'active',
    })
    await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId: 'VA-V001', driverId: 'VA-D001' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it("answers a departure's driver card and bus to anyone, the phone masked and nothing else personal", async () => {
    const res = await fetch(`${server.baseUrl}/api/trips/${instanceId}/crew`)
    expect(res.status).toBe(200)
    const text = await res.text()
    const years = Number(today.slice(0, 4)) - 2008 - (today.slice(5) < '05-01' ? 1 : 0)
    expect(JSON.parse(text)).toEqual({
      tripInstanceId: instanceId,
      vehicle: { id: 'VA-V001', plate: '川E·V0001', model: '宇通 ZK6729' },
      driver: {
        code: 'VA-D001',
        name: '王建国',
        photoUrl: '/photos/d001.jpg',
        // The badge follows the county's rule over ratings (docs/engagement.md): none yet, so none.
        pioneer: false,
        rating: { average: null, count: 0 },
        yearsOfService: years,
        phoneMasked: '138****5678',
      },
    })
    expect(text).not.toMatch(/12345678|1234-5678|QC-7788|A1/)
    // The staff-only driver list stays staff-only.
    expect((await fetch(`${server.baseUrl}/api/drivers/VA-D001`)).status).toBe(401)
  })

  it('answers no crew for a departure nobody was assigned to, and 404 for a departure that does not exist', async () => {
    expect(await (await fetch(`${server.baseUrl}/api/trips/${unassigned}/crew`)).json()).toEqual({
      tripInstanceId: unassigned,
      vehicle: null,
      driver: null,
    })
    const missing = await fetch(`${server.baseUrl}/api/trips/VA-R99-X_20261130/crew`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('TRIP_NOT_FOUND')
  })

  it("answers a departure's stops in order with names and times, and until when villagers may book", async () => {
    const res = await fetch(`${server.baseUrl}/api/trips/${instanceId}/stops`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      stops: { code: string; name: string; scheduledTs: number }[]
      bookingCutoffTs: number
      bookingPolicy: string
      routeName: string
      status: string
    }
    const dep = serviceDayStartMs(today) + departureS * 1000
    expect(body.stops.map((s) => [s.code, s.name, s.scheduledTs - dep])).toEqual(
      net.stops.map((c, i) => [c, ['场镇', '石坝村', '中学', '水尾村', '卫生院'][i], i * 600_000]),
    )
    expect(body).toMatchObject({
      bookingPolicy: 'optional',
      bookingCutoffTs: dep - 30 * 60_000,
      routeName: '场镇—卫生院',
      status: 'scheduled',
    })
    expect(
      ((await (await fetch(`${server.baseUrl}/api/trips/${unassigned}/stops`)).json()) as { bookingCutoffTs: unknown })
        .bookingCutoffTs,
    ).toBeNull()
  })

  it('serves the stop page painted by the server: name, code, routes and departures, in Chinese or English', async () => {
    const code = net.stops[1] as string
    const res = await fetch(`${server.baseUrl}/s/${code}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    expect(html).toContain('<h1>石坝村</h1>')
    expect(html).toContain(code)
    expect(html).toContain('场镇—卫生院')
    expect(html).toContain(`href="#t/${instanceId}"`)
    expect(html).toContain('还未发车')
    const en = await (await fetch(`${server.baseUrl}/s/${code}?lang=en`)).text()
    expect(en).toContain('<html lang="en"')
    expect(en).toContain('Not started yet')
    // The language the villager chose last time (a cookie the page sets).
    expect(await (await fetch(`${server.baseUrl}/s/${code}`, { headers: { cookie: 'rb_lang=en' } })).text()).toContain(
      'Next buses',
    )
  })

  it('sends the page compressed, and its script pre-compressed and cached for a year', async () => {
    const res = await fetch(`${server.baseUrl}/s/${net.stops[0]}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    const script = /<script type="module" crossorigin src="(\/s\/assets\/[^"]+\.js)"/.exec(await res.text())?.[1]
    expect(script).toBeDefined()
    const js = await fetch(`${server.baseUrl}${script}`, { headers: { 'accept-encoding': 'br, gzip' } })
    expect(js.status).toBe(200)
    expect(js.headers.get('content-encoding')).toBe('br')
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await fetch(`${server.baseUrl}/s/assets/nothing-here.js`)).status).toBe(404)
    expect((await fetch(`${server.baseUrl}/s/assets/..%2Findex.html`)).status).toBeGreaterThanOrEqual(400)
  })

  it('says clearly when no sign has the code, and takes a typed code to its page', async () => {
    const res = await fetch(`${server.baseUrl}/s/VA-9999`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('没有找到站牌 VA-9999')
    expect((await fetch(`${server.baseUrl}/s/not a code`)).status).toBe(404)
    const typed = await fetch(`${server.baseUrl}/s/?code=${net.stops[2]?.toLowerCase()}`, { redirect: 'manual' })
    expect(typed.status).toBe(302)
    expect(typed.headers.get('location')).toBe(`/s/${net.stops[2]}`)
    const lower = await fetch(`${server.baseUrl}/s/${net.stops[2]?.toLowerCase()}?lang=en`, { redirect: 'manual' })
    expect(lower.status).toBe(301)
    expect(lower.headers.get('location')).toBe(`/s/${net.stops[2]}?lang=en`)
  })
})
