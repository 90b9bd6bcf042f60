/**
 * The roster board (排班) in real Chromium at 1440×900, against the real server with the demo
 * county and no automatic roster: a dispatcher drags an unassigned trip onto a duty, is refused
 * (in the server's words, where they acted) when a trip would overlap, changes the duty's driver
 * and publishes the day; the driver then sees the published duty on their phone page.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { serviceDayOf } from '@rb/domain'
import { buildDriver } from '../../apps/driver/scripts/build.js'
import { startServer, type RoleSession, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'

/** The demo accounts (docs/security.md); the demo driver account drives as XY-D001. */
const DISPATCHER = { username: 'dispatcher', password: 'demo-dispatcher' }
const DEMO_DRIVER = { username: 'driver', password: 'demo-driver', code: 'XY-D001' }
const OTHER_DRIVER = 'XY-D002'
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
/** Screenshots for a person to look at (not compared). */
const SHOTS = new URL('../../test-results/roster/', import.meta.url)
// Page-side expressions as strings: this file is type-checked without the DOM library.
const FIT = `(() => { const v = document.getElementById('view'); const b = document.querySelector('.roster-board'); return { view: v.scrollWidth - v.clientWidth, boardScrolls: getComputedStyle(b).overflow } })()`
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: new URL(name, SHOTS).pathname })

interface Trip {
  instanceId: string
  routeName: string
  headsign: string
  departureTs: number
  endTs: number
}
interface Duty {
  id: string
  vehicleId: string
  driverId: string
  trips: Trip[]
}
interface Roster {
  published: boolean
  limits: { turnaroundMin: number }
  duties: Duty[]
  unassigned: Trip[]
}

describe.skipIf(!chromiumAvailable())('roster board in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let dispatcher: RoleSession
  let date: string
  let duty: Duty
  /** In the duty from the start; `clash` overlaps it, `later` does not. */
  let first: Trip
  let clash: Trip
  let later: Trip

  const roster = async (): Promise<Roster> =>
    (await server.apiJson<Roster>('GET', `/api/roster?date=${date}`, undefined, dispatcher)).body
  const lane = (id: string): string => `.lane.duty[data-duty="${id}"]`

  beforeAll(async () => {
    await buildDriver({ quiet: true })
    server = await startServer({ DEMO_DATA: 'auto', ROSTER_AUTO: 'off', SIM_VEHICLES: '0' })
    dispatcher = await server.loginAs('dispatcher')
    date = serviceDayOf(Date.now())
    const day = await roster()
    expect(day.duties).toEqual([])
    const gapMs = (day.limits.turnaroundMin + 5) * 60_000
    first = day.unassigned[0] as Trip
    clash = day.unassigned.find((t) => t !== first && t.departureTs < first.endTs) as Trip
    later = day.unassigned.find(
      (t) => t.departureTs >= first.endTs + gapMs && t.endTs - t.departureTs < 3 * 3_600_000,
    ) as Trip
    expect([first, clash, later].every(Boolean)).toBe(true)
    const vehicles = (
      await server.apiJson<{ items: { id: string; seats: number; status: string }[] }>(
        'GET',
        '/api/vehicles?limit=1000',
        undefined,
        dispatcher,
      )
    ).body.items
    const vehicle = vehicles.find((v) => v.status === 'active' && v.seats >= 19) as { id: string }
    const made = await server.apiJson<Duty>(
      'POST',
      '/api/roster/duties',
      { date, vehicleId: vehicle.id, driverId: OTHER_DRIVER, tripInstanceIds: [first.instanceId] },
      dispatcher,
    )
    expect(made.status).toBe(201)
    duty = made.body
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, DISPATCHER.username, DISPATCHER.password, `#/roster?date=${date}`, 'zh')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the day: the duty with its vehicle, driver and driving time, the unassigned trips, not published', async () => {
    await page.locator(lane(duty.id)).waitFor({ timeout: 30_000 })
    expect(await page.locator('h1').innerText()).toContain('排班')
    expect(await page.locator('input[name=date]').inputValue()).toBe(date)
    expect(await page.locator('[data-published]').innerText()).toContain('未发布')
    expect(await page.locator(`${lane(duty.id)} select[name=vehicle]`).inputValue()).toBe(duty.vehicleId)
    expect(await page.locator(`${lane(duty.id)} select[name=driver]`).inputValue()).toBe(OTHER_DRIVER)
    expect(await page.locator(`${lane(duty.id)} [data-k=driving]`).innerText()).toMatch(/驾驶 .+ \/ 8 小时/)
    expect(await page.locator(`${lane(duty.id)} .trip-block`).count()).toBe(1)
    expect(await page.locator(`.lane.unassigned .trip-block[data-trip="${later.instanceId}"]`).count()).toBe(1)
    // Fits the screen: the view does not scroll sideways; the lanes scroll in their own box.
    const fit = (await page.evaluate(FIT)) as { view: number; boardScrolls: string }
    expect(fit.view).toBeLessThanOrEqual(0)
    expect(fit.boardScrolls).toBe('auto')
    // Today by default; the arrows step a day and back.
    await page.click('button.next-day')
    await expect.poll(() => page.locator('input[name=date]').inputValue()).not.toBe(date)
    await page.click('button.prev-day')
    await page.locator(lane(duty.id)).waitFor()
  })

  it('moves an unassigned trip onto the duty by drag and drop', async () => {
    await page.dragAndDrop(`.lane.unassigned .trip-block[data-trip="${later.instanceId}"]`, `${lane(duty.id)} .track`)
    await page.locator(`${lane(duty.id)} .trip-block[data-trip="${later.instanceId}"]`).waitFor({ timeout: 30_000 })
    expect(await page.locator(`.lane.unassigned .trip-block[data-trip="${later.instanceId}"]`).count()).toBe(0)
    const d = (await roster()).duties.find((x) => x.id === duty.id)
    expect(d?.trips.map((t) => t.instanceId)).toEqual([first.instanceId, later.instanceId])
  })

  it('refuses an overlapping trip chosen with the keyboard, and says why where it was asked', async () => {
    const block = page.locator(`.lane.unassigned .trip-block[data-trip="${clash.instanceId}"]`)
    await block.focus()
    await page.keyboard.press('Enter')
    const bar = page.locator(`.roster-selection [data-trip="${clash.instanceId}"]`)
    await bar.waitFor()
    await page.locator('.roster-selection select[name=to]').selectOption(duty.id)
    await page.locator('.roster-selection button.move').click()
    const refusal = page.locator('.roster-selection .note.error')
    await refusal.waitFor({ timeout: 30_000 })
    expect(await refusal.innerText()).toContain('overlap')
    expect(await refusal.innerText()).toContain(clash.instanceId)
    // Nothing moved: the trip is still unassigned (on the board and on the server).
    expect(await page.locator(`.lane.unassigned .trip-block[data-trip="${clash.instanceId}"]`).count()).toBe(1)
    expect((await roster()).unassigned.some((t) => t.instanceId === clash.instanceId)).toBe(true)

    // Dropped on the lane instead, the same refusal is drawn in that lane.
    await page.dragAndDrop(`.lane.unassigned .trip-block[data-trip="${clash.instanceId}"]`, `${lane(duty.id)} .track`)
    const inLane = page.locator(`${lane(duty.id)} .note.error`)
    await inLane.waitFor({ timeout: 30_000 })
    expect(await inLane.innerText()).toContain('overlap')
    await shot(page, 'refused.png')
  })

  it('changes the duty’s driver with its select', async () => {
    await page.locator(`${lane(duty.id)} select[name=driver]`).selectOption(DEMO_DRIVER.code)
    await page.locator(`${lane(duty.id)} .note.ok`).waitFor({ timeout: 30_000 })
    expect(await page.locator(`${lane(duty.id)} select[name=driver]`).inputValue()).toBe(DEMO_DRIVER.code)
    expect((await roster()).duties.find((x) => x.id === duty.id)?.driverId).toBe(DEMO_DRIVER.code)
  })

  it('tells the driver the day is not published yet, then publishes it', async () => {
    const phone = await browser.newPage(PHONE)
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${server.baseUrl}/driver`)
    await phone.fill('input[name=username]', DEMO_DRIVER.username)
    await phone.fill('input[name=password]', DEMO_DRIVER.password)
    await phone.click('form.sign-in button[type=submit]')
    const card = phone.locator(`.duty[data-date="${date}"]`)
    await card.waitFor({ timeout: 30_000 })
    expect(await card.getAttribute('data-published')).toBe('no')
    expect(await card.innerText()).toContain('还没发布')

    await page.click('button.publish')
    await expect.poll(() => page.locator('[data-published]').innerText(), { timeout: 30_000 }).toContain('已发布')
    expect((await roster()).published).toBe(true)
    await shot(page, 'board.png')

    await phone.reload()
    const published = phone.locator(`.duty[data-date="${date}"][data-published=yes]`)
    await published.waitFor({ timeout: 30_000 })
    expect(await published.getAttribute('data-duty')).toBe(duty.id)
    const text = await published.innerText()
    const plate = (
      await server.apiJson<{ plate: string }>('GET', `/api/vehicles/${duty.vehicleId}`, undefined, dispatcher)
    ).body.plate
    expect(text).toContain(plate)
    expect(text).toContain(later.headsign)
    expect(
      await published.locator('.duty-trips li').evaluateAll((els) => els.map((e) => e.getAttribute('data-trip'))),
    ).toEqual([first.instanceId, later.instanceId])
    await phone.screenshot({ path: new URL('driver.png', SHOTS).pathname, fullPage: true })
    // Only the 401 of /api/auth/me before signing in.
    expect(phoneErrors.filter((e) => !e.includes('status of 401'))).toEqual([])
    await phone.close()
  })

  it('left no errors in the console page but the refusals it showed', () => {
    // The 409s are the refusals above; the 401 is /api/auth/me before signing in.
    expect(errors.filter((e) => !e.includes('status of 409') && !e.includes('status of 401'))).toEqual([])
  })
})
