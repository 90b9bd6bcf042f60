/**
 * Admin › Calendars, Routes and Timetable in real Chromium, as an operator: create a calendar with
 * the rule editor, a route whose line is pasted GeoJSON (a stop far from the line is refused with
 * the server's message), and a trip on them; the API then has all three. A dispatcher sees the
 * pages read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Calendar, Route, Stop, Trip } from '@rb/domain'
import { TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { startDemoServer } from './support/console.js'

describe.skipIf(!chromiumAvailable())('admin network pages', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let base: Route

  beforeAll(async () => {
    server = await startDemoServer()
    const operator = await server.loginAs('operator')
    base = (await server.apiJson<{ items: Route[] }>('GET', '/api/routes?limit=1')).body.items[0]!
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, operator.user.username, TEST_USER_PASSWORD, '#/admin/calendars')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('creates a calendar: Saturdays and lunar 1-4-7 market days, one added date; shows the next 30 days it runs', async () => {
    await page.locator('button.new').click()
    const card = page.locator('.card.edit')
    await card.locator('input[name=id]').fill('E2E-CAL')
    await card.locator('input[name=name]').fill('赶场 1-4-7 与周六')
    await card.locator('input[name=wd6]').check()
    await card.locator('select[name=marketCalendar]').selectOption('lunar')
    await card.locator('select[name=marketPattern]').selectOption('1-4-7')
    await card.locator('textarea[name=added]').fill('2030-01-02')
    await card.locator('button.save').click()
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 30_000 }).toBe('E2E-CAL saved')
    const cal = (await server.apiJson<Calendar>('GET', '/api/calendars/E2E-CAL')).body
    expect(cal.name).toBe('赶场 1-4-7 与周六')
    expect(cal.rules).toEqual({
      rule: {
        kind: 'all',
        rules: [
          { kind: 'weekdays', weekdays: [6] },
          { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] },
        ],
      },
      added: ['2030-01-02'],
      removed: [],
    })
    await expect
      .poll(() => card.locator('.next-days').textContent(), { timeout: 30_000 })
      .toMatch(/^\d+ service days from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/)
    await page.locator('tbody tr[data-id="E2E-CAL"]').waitFor()
  })

  it('creates a route from pasted GeoJSON; a stop far from the line gets the server message as is', async () => {
    await page.goto(`${server.baseUrl}/#/admin/routes`)
    await page.locator('button.new').click()
    const card = page.locator('.card.edit')
    await card.locator('input[name=id]').fill('E2E-R1')
    await card.locator('input[name=name]').fill('测试线')
    await card.locator('select[name=kind]').selectOption('medical')
    await card.locator('input[name=speedLimitKmh]').fill('40')
    await card.locator('textarea[name=geojson]').fill(
      JSON.stringify({
        type: 'Feature',
        properties: { name: 'x' },
        geometry: { type: 'LineString', coordinates: base.geometry },
      }),
    )
    expect(await card.locator('.geometry-status').textContent()).toMatch(
      new RegExp(`^imported: ${base.geometry.length} points, \\d+\\.\\d km`),
    )

    // The stop farthest from the line's start is on another road: refused, naming it.
    const stops = (await server.apiJson<{ items: Stop[] }>('GET', '/api/stops?limit=500')).body.items
    const [x0, y0] = base.geometry[0]!
    const far = stops.reduce((a, b) =>
      Math.hypot(b.point[0] - x0, b.point[1] - y0) > Math.hypot(a.point[0] - x0, a.point[1] - y0) ? b : a,
    )
    const codes = base.stops.map((s) => s.stopCode)
    await card.locator('textarea[name=stopCodes]').fill([codes[0], far.code].join('\n'))
    await card.locator('button.save').click()
    await expect
      .poll(() => card.locator('.status').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^stop ${far.code} is \\d+ m from the route line`))

    await card.locator('textarea[name=stopCodes]').fill(codes.join(', '))
    await card.locator('button.save').click()
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 30_000 }).toBe('E2E-R1 saved')
    const route = (await server.apiJson<Route>('GET', '/api/routes/E2E-R1')).body
    expect(route).toMatchObject({
      name: '测试线',
      kind: 'medical',
      speedLimitKmh: 40,
      operatorId: base.operatorId,
      geometry: base.geometry,
    })
    expect(route.stops.map((s) => s.stopCode)).toEqual(codes)
    await page.locator('tbody tr[data-id="E2E-R1"]').waitFor()
  })

  it('creates a trip on them: departure, one offset per stop, required booking', async () => {
    await page.goto(`${server.baseUrl}/#/admin/trips`)
    await page.locator('tbody tr').first().waitFor()
    await page.locator('button.new').click()
    const card = page.locator('.card.edit')
    await card.locator('input[name=id]').fill('E2E-T1')
    await card.locator('select[name=routeId]').selectOption('E2E-R1')
    await card.locator('select[name=calendarId]').selectOption('E2E-CAL')
    await card.locator('input[name=headsign]').fill('医院')
    await card.locator('input[name=departure]').fill('07:30')
    const n = base.stops.length
    await card.locator('input[name=offsets]').fill(Array.from({ length: n - 1 }, (_, i) => i * 5).join(' '))
    await card.locator('input[name=seats]').fill('12')
    await card.locator('select[name=bookingPolicy]').selectOption('required')
    await card.locator('input[name=minRiders]').fill('3')
    await card.locator('input[name=bookingCutoffMin]').fill('90')
    await card.locator('button.save').click()
    await expect
      .poll(() => card.locator('.status').textContent(), { timeout: 30_000 })
      .toBe(`give ${n} stop offsets (one per stop of E2E-R1), not ${n - 1}`)
    await card.locator('input[name=offsets]').fill(Array.from({ length: n }, (_, i) => i * 5).join(' '))
    await card.locator('button.save').click()
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 30_000 }).toBe('E2E-T1 saved')
    const trip = (await server.apiJson<Trip>('GET', '/api/schedule/trips/E2E-T1')).body
    expect(trip).toMatchObject({
      routeId: 'E2E-R1',
      calendarId: 'E2E-CAL',
      direction: 0,
      headsign: '医院',
      departureS: 27_000,
      seats: 12,
      bookingPolicy: 'required',
      minRiders: 3,
      bookingCutoffMin: 90,
    })
    expect(trip.stopOffsetsS).toEqual(Array.from({ length: n }, (_, i) => i * 300))
    // 401: the console's session probe before sign-in; 400: the refused saves above.
    expect(errors.filter((e) => !e.includes('400') && !e.includes('401'))).toEqual([])
  })

  it('shows a dispatcher the routes, calendars and timetable read-only', async () => {
    const dispatcher = await server.loginAs('dispatcher')
    const other = await browser.newPage({ viewport: { width: 1300, height: 800 } })
    await signIn(other, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, '#/admin/routes')
    for (const [path, id] of [
      ['routes', 'E2E-R1'],
      ['calendars', 'E2E-CAL'],
      ['trips', 'E2E-T1'],
    ] as const) {
      await other.goto(`${server.baseUrl}/#/admin/${path}`)
      await other.locator(`tbody tr[data-id="${id}"]`).click()
      await other.locator(`.card.edit[data-id="${id}"]`).waitFor()
      expect(await other.locator('.card.edit button.save').isDisabled()).toBe(true)
      expect(await other.locator('button.new').isDisabled()).toBe(true)
    }
    await other.close()
  })
})
