import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, targets, type TestServer } from '../support/server.js'
import { decodeQrSvg } from '../support/qr.js'

interface Res<T> {
  status: number
  body: T
}
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } }

describe.each(targets())('network API on $name', (target) => {
  let server: TestServer
  const call = async <T = unknown>(method: string, path: string, body?: unknown): Promise<Res<T>> => {
    const res = await server.api(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return {
      status: res.status,
      body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
    }
  }

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      DEMO_DATA: 'off',
      COUNTY_PREFIX: 'ZT',
      PUBLIC_URL: 'https://bus.example.cn',
    })
    expect((await call('PUT', '/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })).status).toBe(200)
    expect(
      (await call('PUT', '/api/townships/ZT-T01', { name: '叙永镇', nameEn: 'Xuyong', center: [105.44, 28.16] }))
        .status,
    ).toBe(200)
  })
  afterAll(async () => {
    await server?.close()
  })

  const makeStop = async (name: string, lat: number) => {
    const r = await call<{ code: string }>('POST', '/api/stops', {
      name,
      nameEn: name,
      townshipId: 'ZT-T01',
      point: [105.44, lat],
      installedOn: '2026-03-01',
    })
    expect(r.status).toBe(201)
    return r.body.code
  }

  it('numbers new stop signs in order and never reuses a retired code', async () => {
    const a = await makeStop('石坝村1组', 28.16)
    const b = await makeStop('石坝村2组', 28.165)
    expect([a, b]).toEqual(['ZT-0001', 'ZT-0002'])
    expect((await call('DELETE', `/api/stops/${b}`)).body).toMatchObject({ code: b, status: 'removed' })
    expect(await makeStop('石坝村3组', 28.17)).toBe('ZT-0003')
  })

  it('lists stops with filters and paging, and answers unknown codes with 404', async () => {
    const page = await call<{ items: { code: string }[]; total: number; limit: number }>(
      'GET',
      '/api/stops?township=ZT-T01&status=ok&limit=1',
    )
    expect(page.body.total).toBeGreaterThanOrEqual(2)
    expect(page.body.items).toHaveLength(1)
    expect((await call<ErrorBody>('GET', '/api/stops/ZT-9999')).body.error.code).toBe('STOP_NOT_FOUND')
    expect((await call<ErrorBody>('GET', '/api/stops/not-a-code')).status).toBe(400)
    expect(
      (await call<ErrorBody>('POST', '/api/stops', { name: 'x', townshipId: 'nowhere', point: [105, 28] })).body.error,
    ).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('township nowhere') })
    expect(
      (await call<ErrorBody>('POST', '/api/stops', { name: 'x', townshipId: 'ZT-T01', point: [105, 95] })).body.error
        .code,
    ).toBe('VALIDATION_FAILED')
  })

  it('saves a route with distances along it, and names a stop too far from the line', async () => {
    const s1 = await makeStop('场镇', 28.1)
    const s2 = await makeStop('中学', 28.105)
    const s3 = await makeStop('卫生院', 28.11)
    const body = {
      name: '场镇—卫生院',
      kind: 'medical',
      operatorId: 'OP1',
      geometry: [
        [105.44, 28.1],
        [105.44, 28.11],
      ],
      stopCodes: [s1, s2, s3],
    }
    const ok = await call<{ lengthM: number; stops: { stopCode: string; distM: number }[] }>(
      'PUT',
      '/api/routes/ZT-R01',
      body,
    )
    expect(ok.status).toBe(200)
    expect(ok.body.lengthM).toBeCloseTo(1112, -1)
    expect(ok.body.stops.map((s) => Math.round(s.distM / 100))).toEqual([0, 6, 11])
    const far = await makeStop('远处', 28.105)
    await call('PATCH', `/api/stops/${far}`, { point: [105.45, 28.105] })
    const bad = await call<ErrorBody>('PUT', '/api/routes/ZT-R02', { ...body, stopCodes: [s1, far, s3] })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toMatch(new RegExp(`stop ${far} is \\d+ m from the route line`))
    expect(bad.body.error.details).toMatchObject({ stop: far })
    const list = await call<{ items: { id: string }[] }>('GET', `/api/routes?stop=${s2}`)
    expect(list.body.items.map((r) => r.id)).toEqual(['ZT-R01'])
  })

  it('runs trips by calendar: the trip list changes with the date', async () => {
    await call('PUT', '/api/calendars/weekdays', {
      name: '工作日',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] }, added: [], removed: [] },
    })
    const badCal = await call<ErrorBody>('PUT', '/api/calendars/bad', {
      name: 'x',
      rules: { rule: { kind: 'marketDays', calendar: 'lunar', digits: [11] } },
    })
    expect(badCal.status).toBe(400)
    const trip = {
      routeId: 'ZT-R01',
      calendarId: 'weekdays',
      direction: 0,
      headsign: '卫生院',
      departureS: 7 * 3600,
      stopOffsetsS: [0, 120, 240],
      seats: 19,
      bookingPolicy: 'required',
      minRiders: 3,
      bookingCutoffMin: 120,
    }
    const saved = await call('PUT', '/api/schedule/trips/ZT-R01-0700', trip)
    expect(saved.body).toMatchObject({ id: 'ZT-R01-0700' })
    const wrong = await call<ErrorBody>('PUT', '/api/schedule/trips/ZT-R01-0800', { ...trip, stopOffsetsS: [0, 120] })
    expect(wrong.body.error.message).toMatch(/2 entries but the route has 3 stops/)
    const mon = await call<{
      items: { id: string; seats: number; bookingPolicy: string; stops: string[]; departure: string }[]
    }>('GET', '/api/trips?date=2026-11-30')
    expect(mon.body.items).toHaveLength(1)
    expect(mon.body.items[0]).toMatchObject({
      id: 'ZT-R01-0700_20261130',
      seats: 19,
      bookingPolicy: 'required',
      departure: '2026-11-29T23:00:00.000Z',
    })
    expect(mon.body.items[0]?.stops).toHaveLength(3)
    expect((await call<{ items: unknown[] }>('GET', '/api/trips?date=2026-11-29')).body.items).toHaveLength(0)
    expect((await call<ErrorBody>('GET', '/api/trips?date=2026-02-30')).status).toBe(400)
  })

  it('assigns a vehicle and driver to a trip instance and cancels another', async () => {
    expect(
      (
        await call('PUT', '/api/vehicles/ZT-V001', {
          plate: '川E·A1234',
          seats: 19,
          operatorId: 'OP1',
          model: '宇通 ZK6609',
          deviceId: 'dev-001',
          jt808Phone: '013912345678',
          status: 'active',
        })
      ).status,
    ).toBe(200)
    const clash = await call<ErrorBody>('PUT', '/api/vehicles/ZT-V002', {
      plate: '川E·A1234',
      seats: 19,
      operatorId: 'OP1',
      status: 'active',
    })
    expect(clash.status).toBe(409)
    const driver = await call<{ phoneMasked: string; yearsOfService: number }>('PUT', '/api/drivers/ZT-D001', {
      name: '王建国',
      phone: '13812345678',
      licenceClass: 'A1',
      serviceSince: '2008-05-01',
      pioneer: true,
      status: 'active',
    })
    expect(driver.body).toMatchObject({ phoneMasked: '138****5678' })
    expect(JSON.stringify((await call('GET', '/api/drivers')).body)).not.toContain('13812345678')
    const assigned = await call<{ vehicleId: string; driverId: string }>(
      'PUT',
      '/api/trip-instances/ZT-R01-0700_20261130/assignment',
      { vehicleId: 'ZT-V001', driverId: 'ZT-D001' },
    )
    expect(assigned.body).toMatchObject({ vehicleId: 'ZT-V001', driverId: 'ZT-D001' })
    const cleared = await call<{ vehicleId: string | null; driverId: string | null }>(
      'PUT',
      '/api/trip-instances/ZT-R01-0700_20261130/assignment',
      { vehicleId: 'ZT-V001', driverId: null },
    )
    expect(cleared).toMatchObject({ status: 200, body: { vehicleId: 'ZT-V001', driverId: null } })
    expect(
      (
        await call<ErrorBody>('PUT', '/api/trip-instances/ZT-R01-0700_20261129/assignment', {
          vehicleId: 'ZT-V001',
          driverId: null,
        })
      ).body.error.code,
    ).toBe('TRIP_NOT_FOUND')
    const cancelled = await call<{ status: string; cancelReason: string }>(
      'POST',
      '/api/trip-instances/ZT-R01-0700_20261201/cancel',
      { reason: '道路塌方' },
    )
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '道路塌方' })
    const tue = await call<{ items: { status: string; vehicleId: string | null }[] }>(
      'GET',
      '/api/trips?date=2026-12-01',
    )
    expect(tue.body.items[0]?.status).toBe('cancelled')
  })

  it('serves a QR code that decodes to the villager page, and a printable sheet', async () => {
    const qr = await call<string>('GET', '/api/stops/ZT-0001/qr.svg')
    expect(qr.status).toBe(200)
    expect(decodeQrSvg(qr.body)).toBe('https://bus.example.cn/s/ZT-0001')
    const sheet = await call<string>('GET', '/api/stops/ZT-0001/sheet')
    expect(sheet.body).toContain('<div class="code">ZT-0001</div>')
    expect(sheet.body).toContain('石坝村1组')
    const batch = await call<string>('GET', '/api/stops/sheets?township=ZT-T01')
    expect(batch.body.match(/class="sheet"/g)?.length).toBeGreaterThanOrEqual(4)
  })

  it('publishes an OpenAPI document', async () => {
    const doc = await call<{ paths: Record<string, unknown> }>('GET', '/docs/json')
    for (const path of [
      '/api/stops',
      '/api/routes/{id}',
      '/api/trips',
      '/api/vehicles/{id}',
      '/api/drivers',
      '/api/stops/{code}/qr.svg',
    ])
      expect(doc.body.paths).toHaveProperty([path])
  })
})
