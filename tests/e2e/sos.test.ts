/**
 * An SOS in real Chromium: a bus sends an emergency alarm over MQTT; the dispatcher's console shows
 * the banner over whatever view is open and sounds the alarm (Web Audio, started by the sign-in
 * click), draws the bus red; an acknowledgement without a note is refused, with one the banner and
 * the sound go and the alert shows acknowledged with the note; resolving it (again only with a
 * note) returns the bus to its colour. Also: the trip board's state chips and late-only filter,
 * and the live map's legend for buses and signs.
 */
import { mkdirSync } from 'node:fs'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { topics } from '@rb/protocol'
import { TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, waitForConsole, watchErrors } from './support/browser.js'
import { startDemoServer } from './support/console.js'
import { makeTestLine, type TestLine } from './support/trip.js'

/** Screenshots for a person to look at (not compared). */
const SHOTS = new URL('../../test-results/sos/', import.meta.url)
// Page-side expressions as strings: this file is type-checked without the DOM library.
const ALARM = `document.body.dataset.alarm ?? ''`
const BEEPS = `globalThis.rbConsole.alarm.beeps`
const AUDIO = `globalThis.rbConsole.alarm.contextState`
const drawnEmergency = (page: Page, id: string): Promise<boolean | null> =>
  page.evaluate(
    `(globalThis.rbConsole.map.lastCollection.features.find((f) => f.properties.id === ${JSON.stringify(id)})?.properties.emergency) ?? null`,
  )

interface Alert {
  id: string
  type: string
  vehicleId: string | null
  status: string
  ackBy: string | null
  ackNote: string | null
  resolvedBy: string | null
  resolveNote: string | null
}

describe.skipIf(!chromiumAvailable())('SOS in the dispatcher console', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let freshErrors: string[] = []
  let line: TestLine
  let dispatcher = ''
  let bus: mqtt.MqttClient
  const sos = async (): Promise<Alert | undefined> =>
    (
      await server.apiJson<{ items: Alert[] }>(
        'GET',
        `/api/alerts?type=driver_alarm&vehicleId=${line.vehicleId}&limit=5`,
      )
    ).body.items[0]

  beforeAll(async () => {
    server = await startDemoServer({ SIM_VEHICLES: '0' })
    line = await makeTestLine(server)
    dispatcher = (await server.loginAs('dispatcher')).user.username
    // The bus waits at its first stop, reporting, so the console knows where it is.
    const first = (await server.apiJson<{ point: [number, number] }>('GET', `/api/stops/${line.stopCodes[0]}`)).body
      .point
    bus = await mqtt.connectAsync(server.mqttUrl, { clientId: `${line.vehicleId}-sos` })
    for (let i = 3; i >= 0; i--)
      await bus.publishAsync(
        topics.position(line.vehicleId),
        JSON.stringify({
          ts: new Date(Date.now() - i * 5000).toISOString(),
          lat: first[1],
          lon: first[0],
          speed: 0,
          heading: 0,
        }),
        { qos: 1 },
      )
    mkdirSync(SHOTS, { recursive: true })
    // Audio only after a click on the page itself, whatever else the browser knows of the site.
    browser = await launch(['--autoplay-policy=document-user-activation-required'])
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, dispatcher, TEST_USER_PASSWORD, '#/trips')
  })
  afterAll(async () => {
    await bus?.endAsync()
    await browser?.close()
    await server?.close()
  })

  it('shows the banner over any view and sounds the alarm when a bus sends an SOS', async () => {
    await page.locator('h1', { hasText: 'Trip board' }).waitFor()
    expect(await page.evaluate(ALARM)).toBe('')
    await bus.publishAsync(
      topics.event(line.vehicleId),
      JSON.stringify({ ts: new Date().toISOString(), type: 'alarm', alarm: 'emergency' }),
      { qos: 1 },
    )
    const item = page.locator(`.sos-banner li[data-vehicle="${line.vehicleId}"]`)
    await item.waitFor({ timeout: 30_000 })
    const what = await item.locator('.sos-what').textContent()
    expect(what).toContain('emergency')
    expect(what).toContain('川E·E2E01')
    expect(what).toContain(`near 测试站0 ${line.stopCodes[0]}`)
    // The sign-in click on this page started the audio: it beeps, no click needed.
    await expect.poll(() => page.evaluate(ALARM), { timeout: 30_000 }).toBe('sounding')
    expect(await page.evaluate(AUDIO)).toBe('running')
    const beeps = Number(await page.evaluate(BEEPS))
    await expect.poll(async () => Number(await page.evaluate(BEEPS)), { timeout: 30_000 }).toBeGreaterThan(beeps)
    // Every view has it.
    await page.goto(`${server.baseUrl}/#/alerts`)
    await item.waitFor({ timeout: 30_000 })
    expect(await page.locator('tr.emergency', { hasText: 'Driver alarm' }).count()).toBe(1)
  })

  it('says the sound is blocked on a page nobody has clicked yet, and sounds after a click', async () => {
    // A browser context nobody has clicked in: a reload may keep the sign-in click's activation
    // (Chromium lets a page play after a same-origin navigation that followed a click).
    const session = await server.loginAs('dispatcher')
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await context.addCookies([{ name: 'rb_session', value: session.token, url: server.baseUrl }])
    await context.addInitScript(`localStorage.setItem('rb.console.lang', 'en')`)
    const fresh = await context.newPage()
    freshErrors = watchErrors(fresh)
    await fresh.goto(`${server.baseUrl}/#/trips`)
    await page.close()
    page = fresh
    await waitForConsole(page)
    const enable = page.locator('.sos-banner button.sos-enable')
    await enable.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      // What the page had instead, for whoever reads the failure.
      const seen = await page.evaluate(
        `JSON.stringify({ banner: document.querySelector('.sos-banner')?.outerHTML, alarm: document.body.dataset.alarm, audio: globalThis.rbConsole.alarm.contextState })`,
      )
      throw new Error(`${err.message}\npage: ${seen}\nalert: ${JSON.stringify(await sos())}`)
    })
    expect(await page.evaluate(ALARM)).toBe('blocked')
    await page.screenshot({ path: new URL('banner-sound-blocked.png', SHOTS).pathname })
    await enable.click()
    await expect.poll(() => page.evaluate(ALARM), { timeout: 30_000 }).toBe('sounding')
    expect(await page.evaluate(AUDIO)).toBe('running')
    await page.locator('.sos-banner .sos-on').waitFor()
  })

  it('shows the bus on the map in emergency red, and the legend for buses and signs', async () => {
    await page.locator('.sos-banner li button.sos-show').click()
    await page.locator(`.vehicle-panel[data-vehicle="${line.vehicleId}"]`).waitFor({ timeout: 30_000 })
    await expect.poll(() => drawnEmergency(page, line.vehicleId), { timeout: 30_000 }).toBe(true)
    await expect.poll(() => page.locator('.legend .key.sos b').textContent(), { timeout: 30_000 }).toBe('1')
    expect(await page.locator('.legend .chip[data-status=layover]').count()).toBe(1)
    expect(await page.locator('.legend .chip[data-status=off_duty]').count()).toBe(1)
    expect(await page.locator('.legend .key[data-sign]').count()).toBe(3)
    await page.waitForTimeout(800)
    await page.screenshot({ path: new URL('banner-live-map.png', SHOTS).pathname })
  })

  it('refuses an acknowledgement without a note; with one, the banner and the sound stop', async () => {
    const item = page.locator(`.sos-banner li[data-vehicle="${line.vehicleId}"]`)
    await item.locator('button.sos-ack').click()
    await expect.poll(() => item.locator('.sos-status').textContent()).toMatch(/note is required/)
    expect(await page.evaluate(ALARM)).toBe('sounding')
    expect((await sos())?.status).toBe('open')
    await item.locator('input[name=note]').fill('已电话联系司机，120 已出发')
    await item.locator('button.sos-ack').click()
    await page.locator('.sos-banner').waitFor({ state: 'hidden', timeout: 30_000 })
    await expect.poll(() => page.evaluate(ALARM), { timeout: 30_000 }).toBe('')
    const a = await sos()
    expect(a).toMatchObject({ status: 'acknowledged', ackBy: dispatcher, ackNote: '已电话联系司机，120 已出发' })
    // Acknowledged is not resolved: the bus stays red.
    expect(await drawnEmergency(page, line.vehicleId)).toBe(true)
    await page.goto(`${server.baseUrl}/#/alerts?status=acknowledged`)
    const row = page.locator(`tr[data-id="${a!.id}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect(await row.locator('.ack').textContent()).toContain('已电话联系司机')
    expect(await row.locator('.ack').textContent()).toContain(dispatcher)
  })

  it('resolves the alert only with a note; the bus is drawn in its own colour again', async () => {
    const a = (await sos())!
    await page.locator(`tr[data-id="${a.id}"]`).click()
    const detail = page.locator(`.alert-detail[data-alert="${a.id}"]`)
    await detail.waitFor()
    expect(await detail.locator('[data-k=acknowledged]').textContent()).toContain('120 已出发')
    await detail.locator('button.do-resolve').click()
    await expect.poll(() => detail.locator('.resolve-form .status').textContent()).toMatch(/note/)
    await detail.locator('.resolve-form textarea').fill('司机无恙，车辆已回场')
    await detail.locator('button.do-resolve').click()
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 30_000 }).toBe('resolved')
    expect(await sos()).toMatchObject({
      status: 'resolved',
      resolvedBy: dispatcher,
      resolveNote: '司机无恙，车辆已回场',
    })
    // The incident log of the bus holds the acknowledgement and the resolution.
    await expect
      .poll(() => detail.locator('.incidents tbody tr').count(), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2)
    await page.locator('.tabs .tab[data-status=resolved]').click()
    await page.locator(`tr[data-id="${a.id}"] .resolved`, { hasText: '车辆已回场' }).waitFor({ timeout: 30_000 })
    await page.screenshot({ path: new URL('alerts-resolved.png', SHOTS).pathname })
    await page.goto(`${server.baseUrl}/#/live`)
    await expect.poll(() => drawnEmergency(page, line.vehicleId), { timeout: 30_000 }).toBe(false)
  })

  it('filters the trip board by state and by lateness', async () => {
    await page.goto(`${server.baseUrl}/#/trips`)
    const rows = page.locator('.board tbody tr[data-id]')
    await rows.first().waitFor({ timeout: 30_000 })
    const states = async (): Promise<string[]> =>
      page.$$eval('.board tbody tr[data-id] [data-state]', (els) => [
        ...new Set(els.map((e) => e.getAttribute('data-state') ?? '')),
      ])
    const all = await rows.count()
    const count = async (state: string): Promise<number> =>
      Number(await page.locator(`.state-chips .chip[data-state=${state}] b`).textContent())
    expect(await count('all')).toBe(all)
    // Our bookable trip later today has nobody on it yet.
    const scheduled = await count('scheduled')
    expect(scheduled).toBeGreaterThan(0)
    await page.locator('.state-chips .chip[data-state=scheduled]').click()
    await expect.poll(() => rows.count()).toBe(scheduled)
    expect(await states()).toEqual(['scheduled'])
    expect(await page.locator(`tr[data-id="${line.bookableTrip}"]`).count()).toBe(1)
    // A second state adds to the first.
    const assigned = await count('assigned')
    await page.locator('.state-chips .chip[data-state=assigned]').click()
    await expect.poll(() => rows.count()).toBe(scheduled + assigned)
    await page.locator('.state-chips .chip[data-state=all]').click()
    await expect.poll(() => rows.count()).toBe(all)
    // Late only: every row left is one the server calls late, with its delay shown.
    await page.locator('input[name=late]').check()
    await expect
      .poll(async () => (await rows.count()) === (await page.locator('.board tbody .punct.late').count()))
      .toBe(true)
    await page.locator('input[name=late]').uncheck()
    await page.screenshot({ path: new URL('trip-board.png', SHOTS).pathname })
    // The one 401 is the sign-in page asking who is signed in.
    expect([...errors, ...freshErrors].filter((e) => !e.includes('401'))).toEqual([])
  })
})
