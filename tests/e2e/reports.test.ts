/**
 * Reports in real Chromium: a dispatcher opens the Reports view over a known day, sees the four
 * reports drawn as SVG bar charts with their tables (kilometres of a vehicle whose fixes were
 * stored, a fixed sign ticket's turnaround), and downloads a CSV with the link.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { startDemoServer } from './support/console.js'

const at = (local: string): number => Date.parse(`${local}+08:00`)
const DAY = '2026-03-02'

describe.skipIf(!chromiumAvailable())('reports view', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    server = await startDemoServer()
    const db = server.app.rb.db
    // Three fixes 0.01° apart along a meridian: 2 × 1.112 km.
    for (const [i, lat] of [28.1, 28.11, 28.12].entries()) {
      await db.query(
        `INSERT INTO position (vehicle_id, ts, lng, lat, speed_kmh, heading_deg) VALUES ('E2E-KM', to_timestamp($1::float8 / 1000.0), 105.44, $2, 30, 0)`,
        [at(`${DAY}T08:0${i}:00`), lat],
      )
    }
    const stop = (await db.query<{ code: string }>('SELECT code FROM stop ORDER BY code LIMIT 1')).rows[0]?.code
    await db.query(
      `INSERT INTO repair_ticket (kind, category, dedupe_key, stop_code, lng, lat, status, report_count, opened_at, updated_at, closed_at)
       VALUES ('sign', 'faded', 'e2e-faded', $1, 105.44, 28.1, 'fixed', 1, to_timestamp($2::float8 / 1000.0), to_timestamp($3::float8 / 1000.0), to_timestamp($3::float8 / 1000.0))`,
      [stop, at(`${DAY}T08:00:00`), at(`${DAY}T14:00:00`)],
    )
    const dispatcher = (await server.loginAs('dispatcher')).user.username
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, dispatcher, TEST_USER_PASSWORD, `#/reports?from=${DAY}&to=${DAY}`)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the four reports as charts and tables for the chosen days', async () => {
    await page.locator('h1', { hasText: 'Reports' }).waitFor()
    expect(await page.locator('a[data-path=reports]').count()).toBe(1)
    const kmBar = page.locator('[data-chart=kilometres] rect[data-category="E2E-KM"]')
    await kmBar.waitFor({ timeout: 30_000 })
    expect(Number(await kmBar.getAttribute('data-value'))).toBe(2.2)
    expect(await page.locator('[data-report=kilometres] table').textContent()).toContain('E2E-KM')
    const repair = page.locator('[data-chart=repairs] rect[data-series="median hours"]')
    expect(await repair.getAttribute('data-value')).toBe('6')
    // Nothing ran or was booked that day: those two say so instead of drawing an empty chart.
    expect(await page.locator('[data-chart=on-time]').textContent()).toContain('No data')
    expect(await page.locator('[data-chart=ridership]').textContent()).toContain('No data')
    expect(await page.locator('input[name=from]').inputValue()).toBe(DAY)
  })

  it('downloads a report as CSV (BOM, header, the vehicle row) with the link', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[data-csv=kilometres]').click(),
    ])
    expect(download.suggestedFilename()).toBe(`kilometres_${DAY}_${DAY}.csv`)
    const path = await download.path()
    const text = readFileSync(path, 'utf8')
    expect(text).toBe(`\uFEFFdate,vehicle_id,plate,km,points\r\n${DAY},E2E-KM,,2.224,3\r\n`)
    // The 401s are the sign-in page asking who is signed in before anyone is: once per load, and
    // signIn loads it twice (the second time in the language it set).
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([])
    expect(errors.length).toBeLessThanOrEqual(2)
  })
})
