/**
 * The console at the sizes dispatchers use (1366×768 and 1920×1080), in real Chromium: every view
 * fits without sideways scrolling with the whole top bar on screen; a trip far down the board and
 * a bus on the map open their panels in view; the page is Chinese first, and the English switch
 * (remembered for the account) leaves no Chinese label behind — and the Chinese page no English
 * one. The legend shows a shape as well as a colour for every bus and sign state.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, waitForConsole, watchErrors } from './support/browser.js'
import { ADMIN, startDemoServer } from './support/console.js'

const SHOTS = new URL('../../test-results/layout/', import.meta.url)
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]
/** Every view an admin has (the navigation's paths). */
const VIEWS = [
  'live',
  'alerts',
  'trips',
  'roster',
  'bookings',
  'tickets',
  'ratings',
  'replay',
  'geofences',
  'reports',
  'sim',
  'admin/stops',
  'admin/routes',
  'admin/calendars',
  'admin/trips',
  'admin/vehicles',
  'admin/drivers',
  'admin/gtfs',
  'admin/users',
  'admin/settings',
]

/** Labels: what the console itself writes (headings, column heads, buttons, field names, navigation, legend, tabs, chips). */
const LABELS =
  'nav a, nav summary, h1, h3, h4, th, button:not(.lang-switch):not(.trip-block), label.field > span, legend, .tabs, .state-chips, .legend, .kv > span'

/** Texts of the labels on screen, one per element. */
async function labels(page: Page): Promise<string[]> {
  return page.evaluate(
    (sel) =>
      [...document.querySelectorAll<HTMLElement>(sel)]
        .filter((e) => e.offsetParent !== null || e.closest('nav'))
        .map((e) => (e.innerText || e.textContent || '').trim())
        .filter(Boolean),
    LABELS,
  )
}

const CJK = /[\u3400-\u9fff]/
/** English words in a Chinese label, once codes (XY-V001, school-morning), units and format names are set aside. */
function englishWords(text: string): string[] {
  const plain = text.replace(/[\w.-]*\d[\w.-]*|\w+(?:-\w+)+/g, ' ')
  return (plain.match(/[A-Za-z]{3,}/g) ?? []).filter(
    (w) =>
      ![
        'GTFS',
        'CSV',
        'JSON',
        'GeoJSON',
        'GPX',
        'MQTT',
        'SOS',
        'WGS',
        'LineString',
        'Feature',
        'gpx',
        'English',
      ].includes(w),
  )
}

async function overflow(page: Page): Promise<{ doc: number; view: number; topRight: number; width: number }> {
  return page.evaluate(() => {
    const view = document.getElementById('view')!
    const top = document.querySelector('header.top')!
    const right = Math.max(
      ...[...top.querySelectorAll<HTMLElement>('*')]
        .filter((e) => e.offsetParent !== null && !e.closest('details:not([open]) .menu'))
        .map((e) => e.getBoundingClientRect().right),
    )
    return {
      doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      view: view.scrollWidth - view.clientWidth,
      topRight: right,
      width: window.innerWidth,
    }
  })
}

async function open(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => (location.hash = `#/${p}`), path)
  await page.waitForFunction((p) => document.querySelector(`nav a.active[data-path="${p}"]`) !== null, path)
  // Lists fill in from the API: wait until the view has settled (no pending fetch for a moment).
  await page.waitForLoadState('networkidle').catch(() => {})
}

describe.skipIf(!chromiumAvailable())('console layout and language', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    server = await startDemoServer({ SIM_VEHICLES: '0' })
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  for (const size of SIZES) {
    it(`fits ${size.width}×${size.height} in Chinese: no sideways scroll, the whole bar on screen, no English label`, async () => {
      const page = await browser.newPage({ viewport: size })
      const errors = watchErrors(page)
      await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/live', 'zh')
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
      for (const path of VIEWS) {
        await open(page, path)
        const o = await overflow(page)
        expect({ path, ...o, doc: o.doc <= 0, view: o.view <= 1, topRight: o.topRight <= o.width }).toEqual({
          path,
          ...o,
          doc: true,
          view: true,
          topRight: true,
        })
        const english = (await labels(page)).flatMap((l) => englishWords(l).map((w) => `${path}: "${w}" in "${l}"`))
        expect(english).toEqual([])
        if (size.width === 1366)
          await page.screenshot({ path: new URL(`${path.replace('/', '-')}-zh.png`, SHOTS).pathname })
      }
      expect(errors.filter((e) => !e.includes('401'))).toEqual([])
      await page.close()
    })
  }

  it('switches to English for the account: every label, on every view, and again after signing in elsewhere', async () => {
    const page = await browser.newPage({ viewport: SIZES[0] })
    await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/trips', 'zh')
    expect(await page.locator('h1').innerText()).toBe('班次')
    await page.locator('header .lang-switch').click()
    await page.waitForFunction(
      () => document.documentElement.lang === 'en' && document.querySelector('h1')?.textContent === 'Trip board',
    )
    await waitForConsole(page)
    for (const path of VIEWS) {
      await open(page, path)
      const chinese = (await labels(page)).filter((l) => CJK.test(l)).map((l) => `${path}: ${l}`)
      expect(chinese).toEqual([])
    }
    // The account remembers it: a fresh browser whose last language was Chinese gets English.
    const other = await browser.newPage({ viewport: SIZES[1] })
    await signIn(other, server.baseUrl, ADMIN.username, ADMIN.password, '#/alerts', 'zh')
    await other.waitForFunction(() => document.querySelector('h1')?.textContent === 'Alerts')
    await other.locator('header .lang-switch').click()
    await other.waitForFunction(
      () => document.documentElement.lang === 'zh-CN' && document.querySelector('h1')?.textContent === '告警',
    )
    await page.close()
    await other.close()
  })

  for (const size of SIZES) {
    it(`opens panels in view at ${size.width}×${size.height}: a trip far down the board, a bus on the map`, async () => {
      const page = await browser.newPage({ viewport: size })
      await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/trips', 'zh')
      const rows = page.locator('.board tbody tr[data-id]')
      await waitFor(async () => (await rows.count()) > 40, 60_000, 200)
      const last = rows.last()
      const detail = page.locator('.detail .trip-detail h2')
      // The board re-renders as buses report: a row may be replaced while it is scrolled to; try again then.
      await waitFor(
        async () => {
          try {
            await last.scrollIntoViewIfNeeded({ timeout: 5_000 })
            await last.click({ timeout: 5_000 })
            await detail.waitFor({ timeout: 5_000 })
            return true
          } catch {
            return false
          }
        },
        60_000,
        200,
      )
      const box = await detail.boundingBox()
      expect(box).not.toBeNull()
      expect(box!.y).toBeGreaterThanOrEqual(0)
      expect(box!.y + box!.height).toBeLessThanOrEqual(size.height)
      await page.screenshot({ path: new URL(`trips-detail-${size.width}.png`, SHOTS).pathname })

      // The legend: a shape for every bus and sign state, not only a colour.
      await open(page, 'live')
      const shapes = await page.evaluate(() => ({
        buses: [...document.querySelectorAll('.legend .chip[data-status] svg.mark.dot')].map(
          (s) => s.querySelector('path')?.getAttribute('d') ?? '',
        ),
        signs: [...document.querySelectorAll('.legend .key[data-sign] svg.mark.square')].length,
      }))
      expect(shapes.buses.length).toBe(8)
      expect(new Set(shapes.buses).size).toBe(8)
      expect(shapes.signs).toBe(3)
      await page.close()
    })
  }
})
