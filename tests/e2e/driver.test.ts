/**
 * The driver's phone page in real Chromium on a phone-sized screen, against the real server with
 * the demo county: the demo driver signs in, sees the trip assigned to them, says "I am driving"
 * its bus (offered from the trip) and signs off again, the bus's state following; opens its manifest;
 * a booking made through the API appears live (no reload, no polling), the driver marks it
 * boarded and the manifest API says so; the page switches to English; a dispatcher cancels the
 * trip and the page says so live.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { buildDriver } from '../../apps/driver/scripts/build.js'
import { startServer, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow } from '../support/booking-network.js'
import { chromiumAvailable, launch, watchErrors } from './support/browser.js'

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
/** The demo driver account (docs/security.md) and the driver it is linked to. */
const DEMO_DRIVER = { username: 'driver', password: 'demo-driver', code: 'XY-D001' }
// Page-side expressions as strings: this file is type-checked without the DOM library.
const RECEIVED = `globalThis.rbDriver.received`
/** Screenshots for a person to look at (not compared). */
const SHOTS = new URL('../../test-results/driver/', import.meta.url)
const text = (page: Page, selector: string): Promise<string> => page.locator(selector).first().innerText()

interface Manifest {
  trip: { status: string }
  stops: { boarding: { code: string; status: string }[] }[]
}

describe.skipIf(!chromiumAvailable())('driver page in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let dispatcher: RoleSession
  let trip: string
  let stops: string[]
  let onTomorrow: boolean

  beforeAll(async () => {
    await buildDriver({ quiet: true })
    // No automatic roster: the demo driver's duty could overlap the trip assigned below.
    server = await startServer({ DEMO_DATA: 'auto', ROSTER_AUTO: 'off' })
    dispatcher = await server.loginAs('dispatcher')
    const net = await bookingNetwork(server, 'DRV')
    stops = net.stops
    // Leaves in an hour (Asia/Shanghai), so a dispatcher can still book by phone; the bookings
    // closed a week before, so the manifest is open for marks. Late in the evening: tomorrow's.
    const localS = Math.floor((Date.now() / 1000 + 8 * 3600) % 86_400)
    onTomorrow = localS + 3600 >= 86_400
    const departureS = (localS + 3600) % 86_400
    trip = await net.trip(`DRV-${randomBytes(3).toString('hex')}`, dayFromNow(onTomorrow ? 1 : 0), {
      departureS,
      bookingCutoffMin: 10_080,
    })
    const assigned = await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, {
      vehicleId: null,
      driverId: DEMO_DRIVER.code,
    })
    expect(assigned.status).toBe(200)
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    page = await browser.newPage(PHONE)
    errors = watchErrors(page)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('signs the driver in and lists the trip assigned to them', async () => {
    await page.goto(`${server.baseUrl}/driver`)
    await page.fill('input[name=username]', DEMO_DRIVER.username)
    await page.fill('input[name=password]', DEMO_DRIVER.password)
    await page.click('form.sign-in button[type=submit]')
    if (onTomorrow) await page.click('nav.days a[href="#/tomorrow"]')
    const card = page.locator(`a.trip[data-trip="${trip}"]`)
    await card.waitFor({ timeout: 30_000 })
    expect(await text(page, 'h1')).toContain(DEMO_DRIVER.code)
    expect(await card.innerText()).toMatch(/场镇 → 卫生院[\s\S]*预约 0 座/)
    // Only this driver's trips: every card is one the API says is theirs.
    const mine = await server.apiJson<{ items: { id: string }[] }>(
      'GET',
      `/api/driver/trips?driverId=${DEMO_DRIVER.code}&date=${dayFromNow(onTomorrow ? 1 : 0)}`,
      undefined,
      dispatcher,
    )
    const shown = await page.locator('a.trip').evaluateAll((els) => els.map((e) => e.getAttribute('data-trip')))
    expect(shown.sort()).toEqual(mine.body.items.map((x) => x.id).sort())
    await page.screenshot({ path: new URL('trips.png', SHOTS).pathname, fullPage: true })
  })

  it('says "I am driving" a bus, pre-filled with the bus of the trip, and signs off; the bus shows the driver', async () => {
    const BUS = 'XY-V003'
    const assigned = await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, {
      vehicleId: BUS,
      driverId: DEMO_DRIVER.code,
    })
    expect(assigned.status).toBe(200)
    await page.goto(`${server.baseUrl}/driver#/`)
    const card = page.locator('section.driving[data-driving=off]')
    await card.waitFor({ timeout: 30_000 })
    expect(await card.innerText()).toContain('还没有登记您在开哪辆车')
    expect(await page.locator(`#rb-vehicles option[value="${BUS}"]`).count()).toBe(1)
    // Today's trip names the bus: it is offered. (Late in the evening the trip is tomorrow's: typed instead.)
    const field = page.locator('section.driving input[name=vehicleId]')
    if (!onTomorrow) await waitFor(async () => (await field.inputValue()) === BUS)
    await field.fill(BUS.toLowerCase())
    await page.click('section.driving button[type=submit]')
    await page.locator(`section.driving[data-driving=on] [data-current="${BUS}"]`).waitFor({ timeout: 30_000 })
    expect(await text(page, 'section.driving')).toMatch(new RegExp(`您正在驾驶 ${BUS}[\\s\\S]*本页登记`))
    const state = async () =>
      (
        await server.apiJson<{ state: { driverCode: string | null; driverSource: string | null } }>(
          'GET',
          `/api/vehicles/${BUS}/state`,
          undefined,
          dispatcher,
        )
      ).body.state
    expect(await state()).toMatchObject({ driverCode: DEMO_DRIVER.code, driverSource: 'app' })
    await page.screenshot({ path: new URL('driving.png', SHOTS).pathname, fullPage: true })

    await page.click('section.driving button[data-action=sign-off-bus]')
    await page.locator('section.driving[data-driving=off]').waitFor({ timeout: 30_000 })
    expect((await state()).driverSource).not.toBe('app')
    // The trip as the tests after this one expect it: no bus.
    expect(
      (
        await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, {
          vehicleId: null,
          driverId: DEMO_DRIVER.code,
        })
      ).status,
    ).toBe(200)
    if (onTomorrow) await page.click('nav.days a[href="#/tomorrow"]')
    await page.locator(`a.trip[data-trip="${trip}"]`).waitFor({ timeout: 30_000 })
  })

  it('shows a booking made through the API live, marks it boarded, and the manifest API says boarded', async () => {
    await page.click(`a.trip[data-trip="${trip}"]`)
    await page.locator(`main.manifest[data-trip="${trip}"]`).waitFor({ timeout: 30_000 })
    await page.locator('[data-live=up]').waitFor({ timeout: 30_000 })
    expect(await page.locator('.pax').count()).toBe(0)
    const before = (await page.evaluate(RECEIVED)) as number

    const booked = await server.apiJson<{ code: string; status: string }>(
      'POST',
      `/api/trip-instances/${trip}/bookings`,
      {
        boardStop: stops[1],
        alightStop: stops[4],
        seats: 2,
        name: '王大爷',
        phone: '13712345678',
        idempotencyKey: `e2e-${randomBytes(6).toString('hex')}`,
      },
      dispatcher,
    )
    expect(booked.body.status).toBe('confirmed')
    const row = page.locator(`.pax[data-code="${booked.body.code}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect((await page.evaluate(RECEIVED)) as number).toBeGreaterThan(before)
    expect(await row.innerText()).toMatch(/2座[\s\S]*王大爷 · 137\*\*\*\*5678/)
    expect(await page.locator('section.stop[data-stop="' + stops[4] + '"] .off').innerText()).toContain(
      `${booked.body.code}×2`,
    )

    await row.locator('button[data-mark=boarded]').click()
    await page.locator(`.pax[data-code="${booked.body.code}"][data-status=boarded]`).waitFor({ timeout: 30_000 })
    expect(await text(page, '[data-k=summary]')).toContain('已上车 2 / 预约 2')
    await page.screenshot({ path: new URL('manifest.png', SHOTS).pathname, fullPage: true })
    const api = await server.apiJson<Manifest>('GET', `/api/trip-instances/${trip}/manifest`, undefined, dispatcher)
    expect(api.body.stops.flatMap((s) => s.boarding).find((b) => b.code === booked.body.code)?.status).toBe('boarded')

    // Undo, in English this time.
    await page.click('button[data-action=lang]')
    await page.locator(`.pax[data-code="${booked.body.code}"] button[data-mark=confirmed]`).click()
    await page.locator(`.pax[data-code="${booked.body.code}"][data-status=confirmed]`).waitFor({ timeout: 30_000 })
    expect(await page.locator(`.pax[data-code="${booked.body.code}"] button[data-mark=boarded]`).innerText()).toBe(
      'Boarded',
    )
  })

  it('says so live when a dispatcher cancels the trip, and marks are closed', async () => {
    const cancelled = await server.apiJson(
      'POST',
      `/api/trip-instances/${trip}/cancel`,
      { reason: 'road closed by a landslide' },
      dispatcher,
    )
    expect(cancelled.status).toBe(200)
    await page.locator('.banner.no').waitFor({ timeout: 30_000 })
    expect(await text(page, '.banner.no')).toContain('road closed by a landslide')
    expect(await page.locator('.pax').count()).toBe(0)
    const api = await server.apiJson<Manifest>('GET', `/api/trip-instances/${trip}/manifest`, undefined, dispatcher)
    expect(api.body.trip.status).toBe('cancelled')
    await waitFor(async () => (await page.locator('[data-live=up]').count()) === 1)
    // Only the 401 of /api/auth/me before signing in.
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([])
    expect(errors.length).toBeLessThanOrEqual(1)
  })
})
