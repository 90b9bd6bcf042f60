/**
 * The demo county's basemap in real Chromium with no internet: the console draws the server's
 * generated archive (read by HTTP range requests from the server itself) — roads, rivers, relief
 * shading, contours, woods, and village and river names drawn from local fonts (no glyph server) —
 * and no request leaves the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { ADMIN, startDemoServer } from './support/console.js'

interface MapHandle {
  areTilesLoaded(): boolean
  loaded(): boolean
  jumpTo(o: { center: [number, number]; zoom: number }): void
  queryRenderedFeatures(o: { layers: string[] }): { properties: Record<string, unknown> }[]
  getStyle(): { glyphs?: string; sprite?: unknown; sources: Record<string, { type: string; url?: string }> }
}

/** Rendered features per basemap layer, once every tile in view has loaded. */
async function rendered(
  page: Page,
  layers: string[],
): Promise<Record<string, { properties: Record<string, unknown> }[]>> {
  await page.waitForFunction(
    () => {
      const m = (globalThis as unknown as { rbConsole: { map: { map: MapHandle } } }).rbConsole.map.map
      return m.loaded() && m.areTilesLoaded()
    },
    null,
    { timeout: 60_000 },
  )
  return page.evaluate((ids) => {
    const m = (globalThis as unknown as { rbConsole: { map: { map: MapHandle } } }).rbConsole.map.map
    return Object.fromEntries(
      ids.map((id) => [id, m.queryRenderedFeatures({ layers: [id] }).map((f) => ({ properties: f.properties }))]),
    )
  }, layers)
}

describe.skipIf(!chromiumAvailable())('the demo county basemap', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  const requests: { url: string; range: string | undefined; status?: number }[] = []

  beforeAll(async () => {
    server = await startDemoServer({ SIM_VEHICLES: '0' })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
    errors = watchErrors(page)
    page.on('response', (r) => requests.push({ url: r.url(), range: r.request().headers().range, status: r.status() }))
    page.on('requestfailed', (r) => requests.push({ url: r.url(), range: undefined }))
    await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/live', 'zh')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows roads, rivers, relief and woods over the whole county', async () => {
    const got = await waitFor(
      async () => {
        const r = await rendered(page, [
          'bm-road',
          'bm-waterway',
          'bm-contour',
          'bm-hillshade-shadow',
          'bm-landcover-wood',
          'bm-landuse',
        ])
        return Object.values(r).every((list) => list.length > 0) ? r : null
      },
      60_000,
      500,
    )
    expect(new Set(got['bm-waterway']!.map((f) => f.properties.name))).toEqual(new Set(['永宁河', '倒流河', '赤水河']))
    expect(got['bm-contour']!.some((f) => f.properties.index === true)).toBe(true)
    await page.screenshot({ path: '/tmp/e2e-basemap-county.png' })
  })

  it('names the villages and rivers from local fonts when zoomed in, with no glyph or sprite server', async () => {
    await page.evaluate(() =>
      (globalThis as unknown as { rbConsole: { map: { map: MapHandle } } }).rbConsole.map.map.jumpTo({
        center: [105.445, 28.175],
        zoom: 12.5,
      }),
    )
    const got = await waitFor(
      async () => {
        const r = await rendered(page, ['bm-place-village', 'bm-waterway-name'])
        return r['bm-place-village']!.length > 0 && r['bm-waterway-name']!.length > 0 ? r : null
      },
      60_000,
      500,
    )
    for (const f of got['bm-place-village']!) expect(f.properties.name).toMatch(/村$/)
    const style = await page.evaluate(() =>
      (globalThis as unknown as { rbConsole: { map: { map: MapHandle } } }).rbConsole.map.map.getStyle(),
    )
    expect(style.glyphs).toBeUndefined()
    expect(style.sprite).toBeUndefined()
    expect(style.sources.basemap).toMatchObject({
      type: 'vector',
      url: `pmtiles://${server.baseUrl}/basemap/demo.pmtiles`,
    })
    await page.screenshot({ path: '/tmp/e2e-basemap-villages.png' })
  })

  it('read the archive from the server by range requests, and nothing from anywhere else', async () => {
    const origin = new URL(server.baseUrl).origin
    expect(
      requests.filter((r) => !r.url.startsWith(origin) && !r.url.startsWith('blob:') && !r.url.startsWith('data:')),
    ).toEqual([])
    const archive = requests.filter((r) => r.url.endsWith('/basemap/demo.pmtiles'))
    expect(archive.length).toBeGreaterThan(2)
    expect(archive.every((r) => /^bytes=\d+-\d+$/.test(r.range ?? '') && r.status === 206)).toBe(true)
    // Only the expected 401 of /api/auth/me before sign-in.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
