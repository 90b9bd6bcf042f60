/**
 * The county settings page in real Chromium: an admin sees the lateness policy, the missed-trip
 * grace and the driving limit in minutes with the server's ranges; a value the server refuses is
 * shown in its words with the field marked; a valid change is saved in the API's units. A
 * dispatcher has no such page.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { ADMIN, startDemoServer } from './support/console.js'

const SHOTS = new URL('../../test-results/settings/', import.meta.url)

interface Settings {
  lateness: { earlyS: number; lateS: number }
  missedGraceS: number
  dailyDrivingLimitMin: number
  pioneer: { minAverage: number; minRatings: number; ratingDays: number; complaintDays: number }
  gridPoints: { sign: number; road: number; critical: number }
  updatedBy: string | null
}

describe.skipIf(!chromiumAvailable())('county settings page', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    server = await startDemoServer({ SIM_VEHICLES: '0' })
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/admin/settings')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the settings in minutes with their ranges', async () => {
    const late = page.locator('input[name=lateMin]')
    await expect.poll(() => late.inputValue(), { timeout: 30_000 }).toBe('5')
    expect(await page.locator('input[name=earlyMin]').inputValue()).toBe('1')
    expect(await page.locator('input[name=missedGraceMin]').inputValue()).toBe('10')
    expect(await page.locator('input[name=dailyDrivingLimitMin]').inputValue()).toBe('480')
    // The pioneer driver rule and the grid reporters' points, as plain numbers.
    expect(await page.locator('input[name=pioneerMinAverage]').inputValue()).toBe('4.8')
    expect(await page.locator('input[name=pioneerMinRatings]').inputValue()).toBe('50')
    expect(await page.locator('input[name=gridSign]').inputValue()).toBe('5')
    expect(await page.locator('input[name=gridCritical]').inputValue()).toBe('30')
    const average = page.locator('input[name=pioneerMinAverage]')
    expect(await page.locator('label.field', { has: average }).locator('small').textContent()).toBe('from 1 to 5')
    expect(await page.locator('label.field', { has: late }).locator('small').textContent()).toBe('from 0.5 to 60 min')
  })

  it("shows the server's refusal with the field it names, and saves a valid change", async () => {
    await page.locator('input[name=lateMin]').fill('0.25')
    await page.locator('form.settings button.save').click()
    const status = page.locator('form.settings .status')
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/lateness\.lateS must be/)
    expect(await status.getAttribute('class')).toContain('error')
    expect(await page.locator('input[name=lateMin]').getAttribute('class')).toContain('invalid')
    await page.screenshot({ path: new URL('refused.png', SHOTS).pathname })
    await page.locator('input[name=lateMin]').fill('3')
    await page.locator('input[name=missedGraceMin]').fill('15')
    await page.locator('input[name=pioneerMinAverage]').fill('4.5')
    await page.locator('input[name=gridCritical]').fill('40')
    await page.locator('form.settings button.save').click()
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/saved/)
    expect(await page.locator('input[name=lateMin]').getAttribute('class')).not.toContain('invalid')
    const saved = (await server.apiJson<Settings>('GET', '/api/settings')).body
    expect(saved).toMatchObject({
      lateness: { earlyS: 60, lateS: 180 },
      missedGraceS: 900,
      dailyDrivingLimitMin: 480,
      pioneer: { minAverage: 4.5, minRatings: 50, ratingDays: 90, complaintDays: 90 },
      gridPoints: { sign: 5, road: 10, critical: 40 },
      updatedBy: 'admin',
    })
    expect(await page.locator('form.settings p.muted').last().textContent()).toMatch(/Last changed by admin/)
    expect(errors.filter((e) => !e.includes('401') && !e.includes('400'))).toEqual([])
  })

  it('is not offered to a dispatcher', async () => {
    const dispatcher = (await server.loginAs('dispatcher')).user.username
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await signIn(other, server.baseUrl, dispatcher, TEST_USER_PASSWORD, '#/admin/settings')
    expect(await other.locator('a[data-path="admin/settings"]').count()).toBe(0)
    expect(await other.locator('h1', { hasText: 'County settings' }).count()).toBe(0)
    await other.close()
  })
})
