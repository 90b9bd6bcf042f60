/**
 * Replay of several buses at once in real Chromium: two buses of a simulated scenario played
 * together — both tracks and both buses on the map, each bus's speed over time under the map, the
 * events in their lanes — and the timeline synced with the slider both ways: the slider moves the
 * cursor, a click on the chart or on an event mark moves the replay there.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { ADMIN, runScenario, startDemoServer } from './support/console.js'

/** The routes `school-morning` drives and its service day (Asia/Shanghai, UTC+8) as a UTC range. */
const SCENARIO = JSON.parse(
  readFileSync(new URL('../../simulators/fleet/scenarios/school-morning.json', import.meta.url), 'utf8'),
) as { date: string; routes: string[] }
const SCENARIO_DAY = {
  from: new Date(Date.parse(`${SCENARIO.date}T00:00:00+08:00`)).toISOString(),
  to: new Date(Date.parse(`${SCENARIO.date}T24:00:00+08:00`)).toISOString(),
}

interface Source {
  serialize(): { data: { features: { properties: { id: string; colour: string } }[] } }
}

describe.skipIf(!chromiumAvailable())('replay: several buses, speed chart, events on the timeline', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let buses: string[] = []

  // Three hooks, each within the default hook time on a busy machine: start, drive, open.
  beforeAll(async () => {
    server = await startDemoServer({ SIM_VEHICLES: '0' })
  })
  beforeAll(async () => {
    // The scenario replays a school morning of its own date, weeks back: the tracking engine
    // follows today's trips only, so its buses raise no stop events, and their "online" events
    // are stamped when they connect, weeks after their fixes. Geofences judge every fix at its
    // own time: a circle across each of the scenario's routes gives enter and exit events
    // inside the tracks' own range.
    for (const id of SCENARIO.routes) {
      const route = (await server.apiJson<{ geometry: [number, number][] }>('GET', `/api/routes/${id}`)).body
      for (const at of [0.3, 0.6]) {
        const center = route.geometry[Math.floor(route.geometry.length * at)]!
        const put = await server.apiJson('PUT', `/api/geofences/${id}-${at * 10}`, {
          name: `${id} ${at * 10}`,
          category: 'other',
          shape: { kind: 'circle', center, radiusM: 400 },
          speedLimitKmh: null,
          alertOnExit: false,
          routeKinds: [],
          dwellS: null,
          active: true,
        })
        if (put.status !== 200)
          throw new Error(`could not put a fence on ${id}: ${put.status} ${JSON.stringify(put.body)}`)
      }
    }
    await runScenario(server)
    // Two buses that have driven a while, the first with a fence crossed inside its track.
    buses = await waitFor(
      async () => {
        const crossed = (
          await server.apiJson<{ items: { vehicleId: string; type: string; data: { fenceId?: string } }[] }>(
            'GET',
            `/api/events?from=${SCENARIO_DAY.from}&to=${SCENARIO_DAY.to}&type=geofence_enter,geofence_exit&limit=1000`,
          )
        ).body.items
        // One of this test's fences (the demo county has its own, named otherwise).
        const ours = (fenceId: string | undefined): boolean => SCENARIO.routes.some((r) => fenceId?.startsWith(`${r}-`))
        const first = crossed.find((e) => e.type === 'geofence_exit' && ours(e.data.fenceId))?.vehicleId
        const moving = (
          await server.apiJson<{ items: { vehicleId: string }[] }>('GET', '/api/vehicles/positions')
        ).body.items.map((p) => p.vehicleId)
        const second = moving.find((id) => id !== first)
        return first && second ? [first, second] : null
      },
      110_000,
      1000,
    )
  })
  beforeAll(async () => {
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, ADMIN.username, ADMIN.password, '#/live', 'zh')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('plays two buses together with their speed over time and their events under the map', async () => {
    await page.goto(`${server.baseUrl}/#/replay?vehicle=${buses.join(',')}`)
    const panel = page.locator('.replay-panel')
    await expect.poll(() => panel.locator('.status').textContent(), { timeout: 30_000 }).toMatch(/^\d+ 个点/)
    const dock = page.locator('.replay-dock')
    await dock.waitFor({ timeout: 30_000 })
    // Each bus its own speed line, drawn.
    for (const id of buses)
      expect(
        (await dock.locator(`path.dock-speed-line[data-vehicle="${id}"]`).getAttribute('d'))?.length,
      ).toBeGreaterThan(10)
    // Both tracks and both buses on the map, in different colours.
    const sources = await page.evaluate(() => {
      const m = (globalThis as unknown as { rbConsole: { map: { map: { getSource(id: string): Source } } } }).rbConsole
        .map.map
      return {
        tracks: m
          .getSource('replay-track')
          .serialize()
          .data.features.map((f) => f.properties),
        points: m
          .getSource('replay-point')
          .serialize()
          .data.features.map((f) => f.properties),
      }
    })
    expect(sources.tracks.map((f) => f.id).sort()).toEqual([...buses].sort())
    expect(new Set(sources.tracks.map((f) => f.colour)).size).toBe(2)
    expect(sources.points.length).toBeGreaterThanOrEqual(1)
    // The first bus's fence crossings are marks in the fences' lane, and rows naming the fence.
    expect(await dock.locator(`.dock-mark[data-kind="geofence"][data-vehicle="${buses[0]}"]`).count()).toBeGreaterThan(
      0,
    )
    expect(
      await panel
        .locator('.events tr', { hasText: buses[0] })
        .filter({ hasText: /离开围栏 XY-R\d+ \d/ })
        .count(),
    ).toBeGreaterThan(0)
    // Inside the view: no sideways scroll, the dock on screen.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    ).toBe(true)
    const box = (await dock.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(1366)
    expect(box.y + box.height).toBeLessThanOrEqual(768)
    // Clear of the map's scale and attribution.
    for (const control of ['.maplibregl-ctrl-scale', '.maplibregl-ctrl-attrib']) {
      const c = (await page.locator(control).boundingBox())!
      expect(c.x >= box.x + box.width || c.y >= box.y + box.height || c.y + c.height <= box.y, control).toBe(true)
    }
    await page.screenshot({ path: '/tmp/e2e-replay-timeline.png' })
    // A wider screen: the chart redraws to its width and still fits.
    const narrowSvg = Number(await dock.locator('svg.dock-svg').getAttribute('width'))
    await page.setViewportSize({ width: 1440, height: 900 })
    await expect
      .poll(async () => Number(await dock.locator('svg.dock-svg').getAttribute('width')))
      .toBe(narrowSvg + 1440 - 1366)
    const wide = (await dock.boundingBox())!
    expect(wide.x + wide.width).toBeLessThanOrEqual(1440)
    expect(wide.y + wide.height).toBeLessThanOrEqual(900)
    await page.screenshot({ path: '/tmp/e2e-replay-timeline-1440.png' })
    await page.setViewportSize({ width: 1366, height: 768 })
  })

  it('keeps the chart and the slider in step: the slider moves the cursor, a click on the chart or a mark moves the replay', async () => {
    const panel = page.locator('.replay-panel')
    const dock = page.locator('.replay-dock')
    const slider = panel.locator('input[type=range]')
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))]
    const replayTs = async (): Promise<number> => Number(await page.locator('#view').getAttribute('data-replay-ts'))
    const cursorX = async (): Promise<number> => Number(await dock.getAttribute('data-cursor-x'))
    expect(await cursorX()).toBe(0)
    await slider.evaluate(
      (el, value) => {
        const input = el as unknown as { value: string; dispatchEvent(e: unknown): boolean }
        input.value = String(value)
        input.dispatchEvent(new Event('input'))
      },
      Math.round((min + max) / 2),
    )
    const chart = (await dock.locator('.dock-chart').boundingBox())!
    const plotWidth = Number(await dock.locator('svg.dock-svg').getAttribute('width')) - 64
    expect(Math.abs((await cursorX()) - plotWidth / 2)).toBeLessThanOrEqual(2)
    // A click a quarter of the way along the speed chart seeks to a quarter of the range.
    await page.mouse.click(chart.x + 64 + plotWidth / 4, chart.y + 40)
    const quarter = min + (max - min) / 4
    expect(Math.abs((await replayTs()) - quarter)).toBeLessThanOrEqual((max - min) / plotWidth + 1000)
    expect(Math.abs(Number(await slider.inputValue()) - quarter)).toBeLessThanOrEqual((max - min) / plotWidth + 1000)
    // A click on an event mark seeks to that event's own time.
    const mark = dock.locator('.dock-mark').first()
    const ts = Number(await mark.getAttribute('data-ts'))
    await mark.click()
    expect(await replayTs()).toBe(ts)
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
