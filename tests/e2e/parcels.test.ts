/**
 * Parcels in real Chromium: a post point's keeper takes a parcel on the phone page and prints its
 * label (one 100 × 150 mm page whose QR holds the tracking address); the bus's driver scans it on
 * board from the trip's manifest on a phone screen (the number typed, as when the camera cannot
 * read), a second scan is refused with the reason; `/p/<number>` shows it riding the bus; the
 * dispatcher finds it in the console with its custody steps.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { buildDriver } from '../../apps/driver/scripts/build.js'
import { startServer, TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { makeParcelLine, type ParcelLine } from '../support/parcel-line.js'
import { decodeQrSvg } from '../support/qr.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
const PUBLIC_URL = 'https://bus.example.cn'
/** Screenshots for a person to look at (and for docs/parcels.md). */
const SHOTS = new URL('../../test-results/parcels/', import.meta.url)
const shot = (name: string): string => new URL(name, SHOTS).pathname

describe.skipIf(!chromiumAvailable())('parcels in Chromium', () => {
  let server: TestServer
  let line: ParcelLine
  let browser: Browser
  let keeper: Page
  let driver: Page
  let errors: string[]
  let trip: string
  let number: string

  beforeAll(async () => {
    await buildDriver({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'PX', PUBLIC_URL })
    line = await makeParcelLine(server, 'PX', 'PX-V901')
    // A trip from the station to the village in an hour, with its bus and driver.
    trip = await line.trip1('PX-R1-E2E', Date.now() + 3_600_000, [0, 600, 900])
    const assigned = await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, {
      vehicleId: 'PX-V901',
      driverId: line.driverId,
    })
    expect(assigned.status).toBe(200)
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    keeper = await (await browser.newContext(PHONE)).newPage()
    driver = await browser.newPage(PHONE)
    errors = [...watchErrors(keeper), ...watchErrors(driver)]
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lets the keeper take a parcel on the phone and print its label with the QR code', async () => {
    await keeper.goto(`${server.baseUrl}/post`)
    await keeper.fill('input[name=username]', line.keeperStation.user.username)
    await keeper.fill('input[name=password]', TEST_USER_PASSWORD)
    await keeper.click('form.sign-in button[type=submit]')
    await keeper.locator('main.keeper h1').waitFor({ timeout: 30_000 })
    expect(await keeper.locator('main.keeper h1').innerText()).toContain('江门镇综合运输服务站')

    await keeper.selectOption('.consign-form select[name=toPoint]', line.village)
    await keeper.fill('.consign-form input[name=senderName]', '张秀英')
    await keeper.fill('.consign-form input[name=senderPhone]', '13800000011')
    await keeper.fill('.consign-form input[name=recipientName]', '李建国')
    await keeper.fill('.consign-form input[name=recipientPhone]', '13912345678')
    await keeper.selectOption('.consign-form select[name=sizeClass]', 'M')
    await keeper.fill('.consign-form input[name=weightKg]', '4.5')
    await keeper.click('.consign-form button')
    const done = keeper.locator('[data-consigned]')
    await done.waitFor({ timeout: 30_000 })
    number = (await done.getAttribute('data-consigned')) as string
    expect(number).toMatch(/^PX-P-\d{8}-0001$/)
    expect(await done.innerText()).toContain('¥5.00')
    // It waits at the station for its bus.
    await keeper.locator(`[data-list="toSend"] [data-parcel="${number}"]`).waitFor({ timeout: 30_000 })
    await keeper.screenshot({ path: shot('keeper.png'), fullPage: true })

    // The label, as printed: one 100 × 150 mm page, the number, both post points, the QR of the tracking address.
    const href = (await keeper.locator('[data-consigned] a.label-link').getAttribute('href')) as string
    const label = await keeper.context().newPage()
    await label.setViewportSize({ width: 420, height: 600 })
    const res = await label.goto(`${server.baseUrl}${href}`)
    expect(res?.status()).toBe(200)
    expect(await label.locator('.label .number').innerText()).toBe(number)
    expect(await label.locator('.label .to').innerText()).toContain('石坝村邮站')
    expect(decodeQrSvg(await label.locator('.label .qr').innerHTML())).toBe(`${PUBLIC_URL}/p/${number}`)
    await label.locator('.label').screenshot({ path: shot('label.png') })
    const pdf = await label.pdf({ preferCSSPageSize: true, printBackground: true })
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1)
    await label.close()
  })

  it("lets the driver scan the parcel on board from the trip's manifest on a phone", async () => {
    await driver.goto(`${server.baseUrl}/driver`)
    await driver.fill('input[name=username]', line.driver.user.username)
    await driver.fill('input[name=password]', TEST_USER_PASSWORD)
    await driver.click('form.sign-in button[type=submit]')
    await driver.locator('header.bar').waitFor({ timeout: 30_000 })
    await driver.goto(`${server.baseUrl}/driver#/trip/${encodeURIComponent(trip)}`)
    const item = driver.locator(`.parcel-stop[data-stop="${line.station}"] [data-parcel="${number}"]`)
    await item.waitFor({ timeout: 30_000 })
    expect(await driver.locator('.trip-parcels h2').first().innerText()).toContain('包裹 1 件 · 待装 1')
    expect(await driver.locator(`.parcel-stop[data-stop="${line.village}"] [data-parcel="${number}"]`).count()).toBe(1)
    await driver.screenshot({ path: shot('driver-before.png'), fullPage: true })

    // The camera path ends in the same box: the number typed, then 装车.
    await driver.fill('.parcel-scan-form input[name=code]', number.toLowerCase())
    await driver.click('.parcel-scan-form button[value=load]')
    const message = driver.locator('[data-parcel-message]')
    await message.waitFor({ timeout: 30_000 })
    expect(await message.innerText()).toContain(`${number}：在车上`)
    await driver
      .locator(`.parcel-stop[data-stop="${line.station}"] [data-parcel="${number}"][data-status="loaded"]`)
      .waitFor({ timeout: 30_000 })
    await driver.screenshot({ path: shot('driver-scanned.png'), fullPage: true })
    const api = await server.apiJson<{
      status: string
      custody: { action: string; byName: string; vehicleId: string }[]
    }>('GET', `/api/parcels/${number}`)
    expect(api.body.status).toBe('loaded')
    expect(api.body.custody.at(-1)).toMatchObject({
      action: 'load',
      byName: line.driver.user.username,
      vehicleId: 'PX-V901',
    })

    // The same label again: refused, and the page says why.
    await driver.fill('.parcel-scan-form input[name=code]', number)
    await driver.click('.parcel-scan-form button[value=load]')
    await driver.locator('[data-parcel-error]').waitFor({ timeout: 30_000 })
    expect(await driver.locator('[data-parcel-error]').innerText()).toContain('这件已经扫过了')
    expect(errors.filter((e) => !e.includes('409'))).toEqual([])
  })

  it('shows where the parcel is at /p/<number>, and the dispatcher sees its custody steps', async () => {
    const page = await browser.newPage(PHONE)
    const res = await page.goto(`${server.baseUrl}/p/${number}`)
    expect(res?.status()).toBe(200)
    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('loaded')
    expect(await page.locator('.ride').innerText()).toMatch(/PX-V901 号班车[\s\S]*预计到达石坝村邮站/)
    expect(await page.locator('ol').innerText()).toMatch(/装车 · 江门镇综合运输服务站 · PX-V901[\s\S]*收寄/)
    await page.screenshot({ path: shot('track.png'), fullPage: true })
    expect((await page.goto(`${server.baseUrl}/p/PX-P-20260101-9999`))?.status()).toBe(404)
    expect(await page.locator('h1').innerText()).toBe('查无此件')
    await page.close()

    const desk = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const dispatcher = await server.loginAs('dispatcher')
    await signIn(desk, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, '#/parcels')
    const row = desk.locator(`.parcels-view tr[data-id="${number}"]`)
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const card = desk.locator(`.card.parcel[data-parcel="${number}"]`)
    await card.waitFor({ timeout: 30_000 })
    expect(await card.innerText()).toMatch(/(交接记录|Custody)[\s\S]*(装车 → 运输中|Loaded → On a bus)[\s\S]*PX-V901/)
    await desk.screenshot({ path: shot('console.png'), fullPage: true })
    await desk.close()
  })
})
