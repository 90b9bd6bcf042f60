/**
 * Admin pages in real Chromium, as an operator: edit a stop sign, a vehicle and a driver; export
 * the network as GTFS and import it back; print sign sheets. A dispatcher sees them read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { ADMIN, startDemoServer } from './support/console.js'

describe.skipIf(!chromiumAvailable())('admin pages', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    server = await startDemoServer()
    const operator = await server.loginAs('operator')
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, operator.user.username, TEST_USER_PASSWORD, '#/admin/stops')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('edits a stop sign: the new name is saved and the console network has it', async () => {
    await page.fill('input[name=q]', 'XY-0007')
    const row = page.locator('tbody tr[data-id="XY-0007"]')
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const card = page.locator('.card.edit[data-id="XY-0007"]')
    await card.locator('input[name=name]').fill('新修站牌')
    await card.locator('button.save').click()
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 30_000 }).toBe('XY-0007 saved')
    expect((await server.apiJson<{ name: string }>('GET', '/api/stops/XY-0007')).body.name).toBe('新修站牌')
    expect(
      await page.evaluate(
        () =>
          (
            globalThis as unknown as { rbConsole: { ctx: { network: { stop(c: string): { name: string } } } } }
          ).rbConsole.ctx.network.stop('XY-0007').name,
      ),
    ).toBe('新修站牌')
  })

  it('edits a vehicle and a driver (the driver phone is typed again: the list shows it masked)', async () => {
    await page.goto(`${server.baseUrl}/#/admin/vehicles`)
    await page.locator('tbody tr[data-id="XY-V001"]').click()
    const v = page.locator('.card.edit[data-id="XY-V001"]')
    await v.locator('input[name=seats]').fill('23')
    await v.locator('button.save').click()
    await expect.poll(() => v.locator('.status').textContent(), { timeout: 30_000 }).toBe('XY-V001 saved')
    expect((await server.apiJson<{ seats: number }>('GET', '/api/vehicles/XY-V001')).body.seats).toBe(23)

    await page.goto(`${server.baseUrl}/#/admin/drivers`)
    await page.locator('tbody tr[data-id="XY-D001"]').click()
    const d = page.locator('.card.edit[data-id="XY-D001"]')
    await d.locator('input[name=phone]').fill('13700001111')
    await d.locator('input[name=pioneer]').check()
    await d.locator('button.save').click()
    await expect.poll(() => d.locator('.status').textContent(), { timeout: 30_000 }).toBe('XY-D001 saved')
    const driver = (await server.apiJson<{ pioneer: boolean; phoneMasked: string }>('GET', '/api/drivers/XY-D001')).body
    expect(driver.pioneer).toBe(true)
    expect(driver.phoneMasked.endsWith('1111')).toBe(true)
  })

  it('exports the network as GTFS and imports the zip back; prints a township of sign sheets', async () => {
    await page.goto(`${server.baseUrl}/#/admin/gtfs`)
    const href = await page.locator('a.export').getAttribute('href')
    expect(href).toMatch(/^\/api\/gtfs\/export\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/)
    const zip = await page.evaluate(
      async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())),
      href!,
    )
    expect(String.fromCharCode(zip[0]!, zip[1]!)).toBe('PK')
    await page
      .locator('input[name=feed]')
      .setInputFiles({ name: 'network.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) })
    // Its own export again: the dry run lists what differs from the county's rows (calendars come
    // back as dates), and keeping the county's for all of them writes nothing.
    await page.locator('button.dry-run').click()
    await expect
      .poll(() => page.locator('.import-status .status').textContent(), { timeout: 60_000 })
      .toMatch(/^dry run: \d+ rows would be written, \d+ conflicts$/)
    if ((await page.locator('select[name=choice-all]').count()) > 0)
      await page.locator('select[name=choice-all]').selectOption('keep')
    await page.locator('button.import').click()
    await expect
      .poll(() => page.locator('.import-status .status').textContent(), { timeout: 60_000 })
      .toMatch(/^imported as import \d+: 0 rows written$/)
    const sheet = await page.locator('a', { hasText: 'Print township' }).getAttribute('href')
    const html = await page.evaluate(async (url) => (await fetch(url)).text(), sheet!)
    expect(html).toContain('<svg')
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })

  it('shows a dispatcher the admin pages read-only', async () => {
    const dispatcher = await server.loginAs('dispatcher')
    const other = await browser.newPage({ viewport: { width: 1200, height: 800 } })
    await signIn(other, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, '#/admin/vehicles')
    await other.locator('tbody tr[data-id="XY-V002"]').click()
    expect(await other.locator('.card.edit button.save').isDisabled()).toBe(true)
    await other.goto(`${server.baseUrl}/#/admin/gtfs`)
    expect(await other.locator('button.import').isDisabled()).toBe(true)
    // Simulator controls and bookings are role-aware in the navigation too.
    expect(await other.locator('nav a[data-path=bookings]').count()).toBe(1)
    await other.close()
  })

  it('lets the admin create a dispatcher account whose generated password signs in, without the accounts page', async () => {
    const admin = await browser.newPage({ viewport: { width: 1300, height: 800 } })
    await signIn(admin, server.baseUrl, ADMIN.username, ADMIN.password, '#/admin/users')
    await admin.locator('button', { hasText: '+ New account' }).click()
    const card = admin.locator('.card.edit')
    await card.locator('input[name=username]').fill('e2e.clerk')
    await card.locator('input[name=displayName]').fill('调度员小张')
    await card.locator('select[name=role]').selectOption('dispatcher')
    await card.locator('button.save').click()
    await expect
      .poll(() => card.locator('.status').textContent(), { timeout: 30_000 })
      .toMatch(/^created; password \(shown once\): \S{10,}$/)
    const password = (await card.locator('.status').textContent())!.split(': ')[1]!
    await admin.locator('tbody tr[data-id="e2e.clerk"]').waitFor()
    await admin.close()
    const clerk = await browser.newPage({ viewport: { width: 1300, height: 800 } })
    await signIn(clerk, server.baseUrl, 'e2e.clerk', password)
    expect(await clerk.locator('.me .who').textContent()).toContain('调度员小张')
    expect(await clerk.locator('nav a[data-path="admin/users"]').count()).toBe(0)
    expect(await clerk.locator('nav a[data-path=live]').count()).toBe(1)
    await clerk.close()
  })
})
