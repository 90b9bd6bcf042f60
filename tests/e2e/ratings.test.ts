/**
 * Rating a ride in real Chromium against the real server, on a 360 px phone: 我的预约 offers a
 * ridden booking's rating, the form takes the stars, tags and a word, a second try is told it
 * was rated, and the driver card of the driver's next departure shows the new average.
 * DOC_SCREENSHOTS=1 writes the screenshots into docs/images (else test-results/ratings).
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { buildVillager } from '../../apps/villager/scripts/build.js'
import { bookedRide, bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'
import { startServer, villagerRequest, type RoleSession, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, watchErrors } from './support/browser.js'

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
const SHOTS = new URL(
  process.env.DOC_SCREENSHOTS ? '../../docs/images/' : '../../test-results/ratings/',
  import.meta.url,
)
const shot = (name: string): string => new URL(name, SHOTS).pathname

describe.skipIf(!chromiumAvailable())('ride ratings in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let net: BookingNetwork
  let dispatcher: RoleSession
  let phones = 0

  /** A booking on `trip` by phone, marked boarded: its code, phone and the passenger's view of it. */
  const rode = async (trip: string): Promise<{ code: string; phone: string; view: unknown }> => {
    const { code, phone } = await bookedRide(server, dispatcher, trip, {
      boardStop: net.stops[0]!,
      alightStop: net.stops[2]!,
      name: '张大爷',
      phone: `1390000${String(2000 + phones++)}`,
      status: 'boarded',
    })
    const view = await villagerRequest(server.baseUrl, 'GET', `/api/bookings/lookup?code=${code}&phone=${phone}`)
    return { code, phone, view: view.body }
  }

  beforeAll(async () => {
    await buildVillager({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'RE', TRUST_PROXY: '127.0.0.1' })
    dispatcher = await server.loginAs('dispatcher')
    net = await bookingNetwork(server, 'RE')
    const r = await server.apiJson('PUT', '/api/drivers/RE-D001', {
      name: '王建国',
      phone: '13812345678',
      licenceClass: 'A1',
      serviceSince: '2010-05-01',
      pioneer: false,
      status: 'active',
    })
    expect(r.status).toBeLessThan(300)
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('rates a ride from 我的预约 on a phone, and the driver card shows the new average', async () => {
    // The ride: two days ahead, its bookings already markable (the cutoff is a week before).
    const ridden = await net.trip('RE-A', dayFromNow(2), { bookingCutoffMin: 10_080 })
    // The driver's next departure today, an hour from now: its card is what villagers see.
    const today = serviceDayOf(Date.now())
    const nextS = Math.min(86_400 - 3000, Math.round((Date.now() + 3_600_000 - serviceDayStartMs(today)) / 1000))
    const next = await net.trip('RE-B', today, { departureS: nextS })
    for (const trip of [ridden, next])
      expect(
        (
          await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, {
            vehicleId: null,
            driverId: 'RE-D001',
          })
        ).status,
      ).toBe(200)
    // Two riders rated the driver already: 4 and 5.
    for (const stars of [4, 5]) {
      const other = await rode(ridden)
      const r = await villagerRequest(server.baseUrl, 'POST', '/api/ratings', { ...other, view: undefined, stars })
      expect(r.status).toBe(201)
    }
    const mine = await rode(ridden)

    const context = await browser.newContext(PHONE)
    // The booking was made on this phone: the page remembers it (as booking on the page does).
    await context.addInitScript(
      `localStorage.setItem('rb.bookings', ${JSON.stringify(
        JSON.stringify([
          { code: mine.code, phone: mine.phone, tripInstanceId: ridden, savedTs: Date.now(), view: mine.view },
        ]),
      )})`,
    )
    const phone = await context.newPage()
    const errors = watchErrors(phone)
    await phone.goto(`${server.baseUrl}/s/${net.stops[0]}#mine`)
    const rate = phone.locator(`a[data-rate="${mine.code}"]`)
    await rate.waitFor({ timeout: 30_000 })
    await phone.screenshot({ path: shot('ratings-mine-zh.png') })
    await rate.click()
    await phone.locator('form[data-form=rate]').waitFor({ timeout: 30_000 })
    await phone.locator('label.star', { hasText: '5' }).click()
    await phone.locator('label.choice', { hasText: '准时' }).click()
    await phone.locator('label.choice', { hasText: '态度好' }).click()
    await phone.screenshot({ path: shot('ratings-form-zh.png'), fullPage: true })
    await phone.click('form[data-form=rate] button[type=submit]')
    await phone.locator('[data-rate-state=thanks]').waitFor({ timeout: 30_000 })
    await phone.screenshot({ path: shot('ratings-sent-zh.png') })

    // Back in 我的预约 it says rated; opening the form again says once only.
    await phone.goto(`${server.baseUrl}/s/${net.stops[0]}#mine`)
    await phone.locator(`[data-rated="${mine.code}"]`).waitFor({ timeout: 30_000 })
    expect(await phone.locator(`[data-rated="${mine.code}"]`).innerText()).toContain('已评价 5 星')
    await phone.goto(`${server.baseUrl}/s/${net.stops[0]}#rate/${mine.code}`)
    await phone.locator('[data-rate-state=already]').waitFor({ timeout: 30_000 })

    // The driver card of the next departure: (4 + 5 + 5) / 3.
    await phone.goto(`${server.baseUrl}/s/${net.stops[0]}`)
    await phone.locator(`[data-trip="${next}"]`).click({ timeout: 30_000 })
    const crew = phone.locator('[data-live="crew"]')
    await expect.poll(() => crew.textContent(), { timeout: 30_000 }).toContain('王建国')
    expect(await crew.locator('.driver-rating').innerText()).toBe('★ 4.7 · 3 条评价')
    await crew.scrollIntoViewIfNeeded()
    await phone.screenshot({ path: shot('ratings-driver-card-zh.png') })
    expect(errors).toEqual([])
    const stored = await server.app.rb.db.query<{ stars: number; tags: string[] | string; channel: string }>(
      'SELECT r.stars, r.tags, r.channel FROM ride_rating r JOIN booking b ON b.id = r.booking_id WHERE b.code = $1',
      [mine.code],
    )
    expect(stored.rows).toHaveLength(1)
    expect(stored.rows[0]).toMatchObject({ stars: 5, channel: 'mine' })
  })
})
