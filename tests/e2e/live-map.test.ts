/**
 * The live map in real Chromium: sign in, see simulated buses move (the one GeoJSON source's
 * coordinates change), open a vehicle, filter and search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { ADMIN, drawnVehicles, runScenario, sourceVehicleIds, startDemoServer } from './support/console.js'

describe.skipIf(!chromiumAvailable())('live map', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    server = await startDemoServer()
    await runScenario(server)
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the simulated buses moving: their coordinates in the vehicles source change between ticks', async () => {
    const first = await waitFor(
      async () => {
        const v = await drawnVehicles(page)
        return Object.keys(v).length > 0 ? v : null
      },
      60_000,
      250,
    )
    const moved = await waitFor(
      async () => {
        const now = await drawnVehicles(page)
        const ids = Object.keys(now).filter(
          (id) => first[id] && (now[id]![0] !== first[id]![0] || now[id]![1] !== first[id]![1]),
        )
        return ids.length > 0 ? ids : null
      },
      60_000,
      250,
    )
    expect(moved.length).toBeGreaterThan(0)
    // The map itself holds them (one source, not DOM markers) …
    await waitFor(async () => (await sourceVehicleIds(page)).length > 0, 60_000, 200)
    expect(await page.locator('.maplibregl-marker').count()).toBe(0)
    // … and they arrived over the live socket, not only from the first HTTP snapshot.
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { rbConsole: { live: { received: { positions: number } } } }).rbConsole.live
            .received.positions,
      ),
    ).toBeGreaterThan(0)
  })

  it('opens a vehicle panel with its number, plate, driver, trip, delay, next stop and last update', async () => {
    const ids = Object.keys(await drawnVehicles(page))
    const id = ids[0]!
    await page.goto(`${server.baseUrl}/#/live?vehicle=${encodeURIComponent(id)}`)
    const panel = page.locator(`.vehicle-panel[data-vehicle="${id}"]`)
    await panel.waitFor({ timeout: 30_000 })
    await expect.poll(() => panel.locator('[data-k=plate]').textContent(), { timeout: 30_000 }).toMatch(/\S{3,}/)
    expect(await panel.locator('h2').textContent()).toBe(id)
    for (const k of ['driver', 'trip', 'delay', 'next', 'eta', 'booked', 'age'])
      expect(await panel.locator(`[data-k=${k}]`).count()).toBe(1)
    await expect.poll(() => panel.locator('[data-k=age]').textContent(), { timeout: 30_000 }).toMatch(/ago/)
    await panel.locator('button[title=Close]').click()
    expect(await page.locator('.vehicle-panel').count()).toBe(0)
  })

  it('opens a vehicle by clicking its dot on the map', async () => {
    // The whole county in view (the previous test flew to one bus).
    await page.evaluate(() => {
      const c = (
        globalThis as unknown as {
          rbConsole: {
            map: { fitTo(p: [number, number][]): void }
            ctx: { network: { stops: { point: [number, number] }[] } }
          }
        }
      ).rbConsole
      c.map.fitTo(c.ctx.network.stops.map((s) => s.point))
    })
    const box = await page.locator('#map canvas').boundingBox()
    // Where a drawn bus is once the camera has stopped; the bus may move on before the click lands,
    // so a click that opens nothing is tried again at its new place.
    await waitFor(
      async () => {
        const point = await page.evaluate(() => {
          const c = (
            globalThis as unknown as {
              rbConsole: {
                map: {
                  map: {
                    isMoving(): boolean
                    queryRenderedFeatures(o: { layers: string[] }): { properties: { id: string } }[]
                    project(p: [number, number]): { x: number; y: number }
                  }
                  lastCollection: {
                    features: { properties: { id: string }; geometry: { coordinates: [number, number] } }[]
                  }
                }
              }
            }
          ).rbConsole
          if (c.map.map.isMoving()) return null
          const rendered = new Set(
            c.map.map.queryRenderedFeatures({ layers: ['vehicles'] }).map((f) => f.properties.id),
          )
          const f = c.map.lastCollection.features.find((x) => rendered.has(x.properties.id))
          if (!f) return null
          const p = c.map.map.project(f.geometry.coordinates)
          return { id: f.properties.id, x: p.x, y: p.y }
        })
        if (!point) return null
        await page.mouse.click(box!.x + point.x, box!.y + point.y)
        return page
          .locator('.vehicle-panel')
          .waitFor({ timeout: 30_000 })
          .then(
            () => true,
            () => null,
          )
      },
      60_000,
      200,
    )
    // The bus moves between reading its place and the click: any vehicle's panel means the click hit one.
    expect(await page.locator('.vehicle-panel h2').textContent()).toMatch(/\S+/)
  })

  it('filters by status with the legend and searches by vehicle number and stop code', async () => {
    const all = Object.keys(await drawnVehicles(page))
    expect(all.length).toBeGreaterThan(1)
    const target = all[all.length - 1]!
    await page.fill('input.search', target)
    await expect.poll(async () => Object.keys(await drawnVehicles(page)), { timeout: 30_000 }).toEqual([target])
    await page.fill('input.search', '')
    await expect.poll(async () => Object.keys(await drawnVehicles(page)).length, { timeout: 30_000 }).toBeGreaterThan(1)
    // A status with no vehicle in it empties the map; clicking again clears the filter.
    const counts = await page.$$eval('.legend .chip', (chips) =>
      chips.map((c) => [c.getAttribute('data-status'), Number(c.querySelector('b')?.textContent)] as const),
    )
    const none = counts.find(([, n]) => n === 0)?.[0]
    if (none) {
      await page.click(`.legend .chip[data-status=${none}]`)
      await expect.poll(async () => Object.keys(await drawnVehicles(page)).length, { timeout: 30_000 }).toBe(0)
      await page.click(`.legend .chip[data-status=${none}]`)
      await expect
        .poll(async () => Object.keys(await drawnVehicles(page)).length, { timeout: 30_000 })
        .toBeGreaterThan(0)
    }
    await page.fill('input.search', '1')
    await page.press('input.search', 'Enter')
    await page.locator('.stop-panel[data-stop$="-0001"]').waitFor({ timeout: 30_000 })
    await page.fill('input.search', '')
  })

  it('draws route lines, numbered stop signs and township names without any request leaving the server', async () => {
    const layers = await page.evaluate(() => {
      const c = (
        globalThis as unknown as { rbConsole: { map: { map: { querySourceFeatures(id: string): unknown[] } } } }
      ).rbConsole
      return {
        routes: c.map.map.querySourceFeatures('routes').length,
        stops: c.map.map.querySourceFeatures('stops').length,
      }
    })
    expect(layers.routes).toBeGreaterThan(0)
    expect(layers.stops).toBeGreaterThan(0)
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    await page.reload()
    await page.waitForFunction(() => !!(globalThis as unknown as { rbConsole?: unknown }).rbConsole)
    await page.waitForTimeout(1000)
    const origin = new URL(server.baseUrl).origin
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual(
      [],
    )
    // Only the expected 401 of /api/auth/me before sign-in.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
