/**
 * The day at a glance in real Chromium, on the demo county: every number on the home view opens
 * its list, and the list shows as many — trips not run, still to run, running late, open alerts,
 * open repair tickets, buses offline. Screenshots for the docs.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { ADMIN, startDemoServer } from './support/console.js'

const SHOTS = new URL('../../test-results/home/', import.meta.url)

async function figure(page: Page, key: string): Promise<number> {
  const text = await page.locator(`a.tile[data-figure=${key}] b`).innerText()
  return Number(text)
}

/** Opens the home view and waits until its figures are read. */
async function home(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/#/home`)
  await page.locator('a.tile[data-figure=tripsMissed] b').waitFor()
  await page.waitForFunction(() => document.querySelector('.home .status')?.textContent !== '')
}

async function follow(page: Page, key: string): Promise<void> {
  await page.locator(`a.tile[data-figure=${key}]`).click()
}

describe.skipIf(!chromiumAvailable())('the day at a glance', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    server = await startDemoServer({ SIM_VEHICLES: '0' })
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/home', 'zh')
    await page.locator('a.tile[data-figure=tripsMissed] b').waitFor()
    await page.waitForFunction(() => document.querySelector('.home .status')?.textContent !== '')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('opens first, in Chinese, with every figure a link', async () => {
    await page.screenshot({ path: new URL('home-zh.png', SHOTS).pathname })
    expect(await page.locator('h1').innerText()).toBe('今日概览')
    expect(await page.locator('a.tile').count()).toBe(12)
    for (const href of await page.locator('a.tile').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '')))
      expect(href).toMatch(/^#\//)
  })

  it('counts trips as the trip board lists them under the link', async () => {
    for (const key of ['tripsMissed', 'tripsToCome', 'tripsLate', 'tripsRun', 'tripsRunning']) {
      await home(page, server.baseUrl)
      const n = await figure(page, key)
      await follow(page, key)
      await page.locator('h1', { hasText: '班次' }).waitFor()
      await expect.poll(async () => page.locator('.board tbody tr[data-id]').count(), { timeout: 30_000 }).toBe(n)
      await expect.poll(() => page.locator('.page > p.status').innerText(), { timeout: 30_000 }).toBe(`${n} 个班次`)
    }
    // The demo county at this hour has trips nobody ran and trips still to come: the test means something.
    await home(page, server.baseUrl)
    expect((await figure(page, 'tripsMissed')) + (await figure(page, 'tripsToCome'))).toBeGreaterThan(0)
  })

  it('counts open alerts, open repair tickets and buses offline as their lists do', async () => {
    await home(page, server.baseUrl)
    const alerts = await figure(page, 'alertsOpen')
    await follow(page, 'alertsOpen')
    await page.locator('.tabs .tab[data-status=open]').waitFor()
    expect(Number(await page.locator('.tabs .tab[data-status=open] b').innerText())).toBe(alerts)

    await home(page, server.baseUrl)
    const tickets = await figure(page, 'ticketsOpen')
    await follow(page, 'ticketsOpen')
    await expect.poll(async () => page.locator('.page tbody tr[data-id]').count(), { timeout: 30_000 }).toBe(tickets)

    await home(page, server.baseUrl)
    const offline = await figure(page, 'busesOffline')
    await follow(page, 'busesOffline')
    await page.locator('.legend .chip[data-status=offline].on').waitFor()
    expect(Number(await page.locator('.legend .chip[data-status=offline] b').innerText())).toBe(offline)
    // The 401s are the sign-in page asking who is signed in.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
