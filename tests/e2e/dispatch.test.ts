/**
 * A dispatcher's day in real Chromium: an off-route alert appears live and is acknowledged, the
 * vehicle opens from it, a phone booking is taken, and a villager's sign report becomes a repair
 * ticket that is assigned and fixed — the sign's colour on the map follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { TEST_USER_PASSWORD, waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { startDemoServer } from './support/console.js'
import { driveOffRoute, makeTestLine, type TestLine } from './support/trip.js'

interface StopFeature {
  properties: { code: string; status: string }
}
const mapStopStatus = async (page: Page, code: string): Promise<string | undefined> =>
  page.evaluate((c) => {
    const rb = (
      globalThis as unknown as { rbConsole: { map: { map: { querySourceFeatures(id: string): StopFeature[] } } } }
    ).rbConsole
    return rb.map.map.querySourceFeatures('stops').find((f) => f.properties.code === c)?.properties.status
  }, code)

describe.skipIf(!chromiumAvailable())('dispatcher workflow', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let line: TestLine
  let dispatcher = ''

  beforeAll(async () => {
    server = await startDemoServer()
    line = await makeTestLine(server)
    dispatcher = (await server.loginAs('dispatcher')).user.username
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, dispatcher, TEST_USER_PASSWORD, '#/alerts')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('sees an off-route alert appear live and acknowledges it (who and when are shown)', async () => {
    await page.locator('h1', { hasText: 'Alerts' }).waitFor()
    await driveOffRoute(server, line)
    const row = page.locator('tr', { hasText: 'Off route' }).filter({ hasText: line.vehicleId })
    await row.waitFor({ timeout: 30_000 })
    expect(Number(await page.locator('a[data-path=alerts] .count').textContent())).toBeGreaterThan(0)
    await row.locator('button.ack').click()
    // It leaves the open alerts for the acknowledged ones, with who and when.
    await page.locator('.tabs .tab[data-status=acknowledged]').click()
    await expect.poll(() => row.locator('.ack').textContent(), { timeout: 30_000 }).toContain(dispatcher)
    const alerts = await server.apiJson<{ items: { type: string; vehicleId: string; ackBy: string | null }[] }>(
      'GET',
      '/api/alerts?limit=50',
    )
    expect(alerts.body.items.find((a) => a.type === 'off_route' && a.vehicleId === line.vehicleId)?.ackBy).toBe(
      dispatcher,
    )
  })

  it('opens the vehicle from the alert: its trip and driver are in the panel, coloured off route', async () => {
    await page.locator('tr', { hasText: 'Off route' }).locator(`a[href*="${line.vehicleId}"]`).first().click()
    const panel = page.locator(`.vehicle-panel[data-vehicle="${line.vehicleId}"]`)
    await panel.waitFor({ timeout: 30_000 })
    await expect
      .poll(() => panel.locator('[data-k=driver]').textContent(), { timeout: 30_000 })
      .toContain(line.driverName)
    expect(await panel.locator('[data-k=trip]').textContent()).toContain(line.runningTrip)
    expect(await panel.locator('[data-k=plate]').textContent()).toBe('川E·E2E01')
    await expect.poll(() => panel.locator('.badge').textContent(), { timeout: 30_000 }).toMatch(/Off route/)
  })

  it('takes a phone booking: the code is given and the seats held go up', async () => {
    await page.goto(`${server.baseUrl}/#/bookings?trip=${encodeURIComponent(line.bookableTrip)}`)
    const detail = page.locator(`.trip-detail[data-trip="${line.bookableTrip}"]`)
    await detail.locator('.phone-booking').waitFor({ timeout: 30_000 })
    expect(await detail.locator('.booked-count').textContent()).toBe('0 / 19')
    // The board reads the seats held on bookable trips when it opens …
    await expect
      .poll(() => page.locator(`tr[data-id="${line.bookableTrip}"]`).textContent(), { timeout: 30_000 })
      .toContain('0 / 19')
    const form = detail.locator('.phone-booking')
    await form.locator('select[name=board]').selectOption(line.stopCodes[0]!)
    await form.locator('select[name=alight]').selectOption(line.stopCodes[2]!)
    await form.locator('input[name=seats]').fill('2')
    await form.locator('input[name=name]').fill('王大妈')
    await form.locator('input[name=phone]').fill('13912345678')
    await form.locator('button.book').click()
    await expect
      .poll(() => form.locator('.status').textContent(), { timeout: 30_000 })
      .toMatch(/booked: code \S+ \(confirmed\)/)
    await expect.poll(() => detail.locator('.booked-count').textContent(), { timeout: 30_000 }).toBe('2 / 19')
    expect(await detail.locator('.bookings tbody tr', { hasText: '王大妈' }).count()).toBe(1)
    // … and follows the live booking change.
    await expect
      .poll(() => page.locator(`tr[data-id="${line.bookableTrip}"]`).textContent(), { timeout: 30_000 })
      .toContain('2 / 19')
  })

  it('moves a sign repair ticket to fixed, and the sign on the map turns from reported to in repair to ok', async () => {
    const code = line.stopCodes[1]!
    // A villager reports the sign from its QR page (public, no session).
    const res = await fetch(`${server.baseUrl}/api/stops/${code}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'damaged', note: '牌子被撞歪了', idempotencyKey: 'e2e-report-0001' }),
    })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
    await page.goto(`${server.baseUrl}/#/tickets`)
    const row = page.locator('tbody tr', { hasText: code })
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const card = page.locator('.card.ticket')
    await card.waitFor()
    expect(await card.getAttribute('data-status')).toBe('open')
    // The map shows the reported sign.
    await waitFor(
      async () =>
        (await page.evaluate(async () => {
          const rb = (globalThis as unknown as { rbConsole: { ctx: { reloadNetwork(): Promise<void> } } }).rbConsole
          await rb.ctx.reloadNetwork()
          return true
        })) && (await mapStopStatus(page, code)) === 'reported',
      60_000,
      250,
    )
    await card.locator('input[name=assignee]').fill('维修一班')
    await card.locator('button[data-action=assign]').click()
    await expect
      .poll(() => page.locator('.card.ticket').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('assigned')
    await expect.poll(() => mapStopStatus(page, code), { timeout: 30_000 }).toBe('in_repair')
    await page.locator('.card.ticket textarea[name=note]').fill('换了新牌子')
    await page.locator('.card.ticket button[data-action=fix]').click()
    await expect.poll(() => page.locator('.card.ticket').getAttribute('data-status'), { timeout: 30_000 }).toBe('fixed')
    await expect.poll(() => mapStopStatus(page, code), { timeout: 30_000 }).toBe('ok')
    expect(await page.locator('.card.ticket tbody tr', { hasText: dispatcher }).count()).toBeGreaterThanOrEqual(2)
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
