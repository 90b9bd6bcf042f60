/**
 * The geofence page in real Chromium at 1366×768 against the real server with the demo county:
 * an operator draws a polygon by clicking on the map, names and saves it (read back through the
 * API), reshapes it and changes a rule, imports a GeoJSON file (a bad one shows the refused part
 * and saves nothing), and deletes a fence; a dispatcher sees the page without edit controls.
 * DOC_SCREENSHOTS=1 writes the screenshots into docs/images (else test-results/geofences).
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import mqtt from 'mqtt'
import type { Geofence } from '@rb/domain'
import { TEST_USER_PASSWORD, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { startDemoServer } from './support/console.js'

const VIEWPORT = { width: 1366, height: 768 }
const SHOTS = new URL(
  process.env.DOC_SCREENSHOTS ? '../../docs/images/' : '../../test-results/geofences/',
  import.meta.url,
)
const shot = (name: string): string => new URL(name, SHOTS).pathname

// Page-side expressions as strings: this file is type-checked without the DOM library.
const DRAW_STATE = 'globalThis.rbGeofences.draw'
/** Ids of the fences the map draws now (rendered, not only handed to the source). */
const RENDERED = `[...new Set(globalThis.rbGeofences.map.queryRenderedFeatures({ layers: ['fences-fill'] }).map((f) => f.properties.id))].sort()`
const NO_SIDEWAYS_SCROLL = 'document.documentElement.scrollWidth <= window.innerWidth'

async function drawState(page: Page): Promise<{ mode: string; count: number }> {
  return page.evaluate(DRAW_STATE) as Promise<{ mode: string; count: number }>
}

/** Waits until the map has drawn everything it was given (no tiles or sources pending). */
async function mapIdle(page: Page): Promise<void> {
  await page.waitForFunction('globalThis.rbGeofences.map.loaded() && !globalThis.rbGeofences.map.isMoving()', null, {
    timeout: 30_000,
  })
}

describe.skipIf(!chromiumAvailable())('the geofence page in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let operator: RoleSession
  let dispatcher: RoleSession

  const fences = async (): Promise<Geofence[]> =>
    (await server.apiJson<{ items: Geofence[] }>('GET', '/api/geofences', undefined, operator)).body.items

  beforeAll(async () => {
    server = await startDemoServer()
    operator = await server.loginAs('operator')
    dispatcher = await server.loginAs('dispatcher')
    // A demo bus drives in and out of the bus station's fence: its events are on the page.
    const device = await mqtt.connectAsync(server.mqttUrl, { clientId: 'gf-e2e-XY-V001' })
    let ts = Date.now() - 120_000
    for (const [lon, lat] of [
      [105.446, 28.16],
      [105.4402, 28.1601],
      [105.4401, 28.16],
      [105.447, 28.1603],
    ]) {
      ts += 20_000
      await device.publishAsync(
        'rb/v1/veh/XY-V001/pos',
        JSON.stringify({ ts: new Date(ts).toISOString(), lat, lon, speed: 20, heading: 90 }),
        { qos: 1 },
      )
    }
    await device.endAsync()
    await waitFor(async () => {
      const r = await server.apiJson<{ items: { type: string }[] }>('GET', '/api/geofences/events', undefined, operator)
      return r.body.items.some((e) => e.type === 'geofence_exit') || null
    })
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage()
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, operator.user.username, TEST_USER_PASSWORD, '#/geofences', 'zh')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lists the demo county fences and draws them on the map', async () => {
    await page.locator('.fence-list tr[data-id="XY-G06"]').waitFor({ timeout: 30_000 })
    const rows = await page.locator('.fence-list tbody tr').count()
    expect(rows).toBe(6)
    expect(await page.locator('.fence-list tr[data-id="XY-G03"]').innerText()).toContain('叙永一中')
    await mapIdle(page)
    const drawn = await waitFor(async () => {
      const ids = (await page.evaluate(RENDERED)) as string[]
      return ids.length > 0 ? ids : null
    })
    expect(drawn.every((id) => id.startsWith('XY-G'))).toBe(true)
    // The bus that drove through the station's fence: enter and exit, newest first.
    const events = page.locator('.fence-recent li[data-fence="XY-G01"]')
    await events.nth(1).waitFor({ timeout: 30_000 })
    expect(
      await events.evaluateAll((li) => li.map((e) => (e as unknown as { dataset: { type: string } }).dataset.type)),
    ).toEqual(['geofence_exit', 'geofence_enter'])
    expect(await events.first().innerText()).toContain('XY-V001')
    expect(await page.evaluate(NO_SIDEWAYS_SCROLL)).toBe(true)
  })

  it('draws a polygon by clicking on the map, names it and saves it', async () => {
    await page.click('.new-polygon')
    expect((await drawState(page)).mode).toBe('polygon')
    // Between the list (left) and the form (right): the map's free middle.
    const corners = [
      [620, 300],
      [820, 290],
      [860, 470],
      [640, 500],
    ] as const
    for (const [x, y] of corners) await page.mouse.click(x, y)
    // One corner too many, taken back with Backspace.
    await page.mouse.click(700, 560)
    await waitFor(async () => (await drawState(page)).count === 5 || null)
    await page.keyboard.press('Backspace')
    await waitFor(async () => (await drawState(page)).count === 4 || null)
    // A click on the first corner closes it.
    await page.mouse.click(corners[0][0], corners[0][1])
    await waitFor(async () => (await drawState(page)).mode === 'edit' || null)
    expect(await page.locator('.fence-panel .shape-text').innerText()).toContain('4')

    await page.fill('.fence-panel input[name=name]', '桃花岭 急弯路段')
    await page.selectOption('.fence-panel select[name=category]', 'danger')
    await page.fill('.fence-panel input[name=speedLimitKmh]', '30')
    await page.click('.fence-panel .save')
    await page.locator('.fence-list tr[data-id="fence-1"]').waitFor({ timeout: 30_000 })
    expect(await page.locator('.fence-list tr[data-id="fence-1"]').innerText()).toContain('桃花岭 急弯路段')

    const stored = (await fences()).find((f) => f.id === 'fence-1')
    expect(stored).toMatchObject({ name: '桃花岭 急弯路段', category: 'danger', speedLimitKmh: 30, active: true })
    if (stored?.shape.kind !== 'polygon') throw new Error('a polygon was drawn')
    expect(stored.shape.rings[0]).toHaveLength(5)
    expect(stored.shape.rings[0]![0]).toEqual(stored.shape.rings[0]![4])

    // It is on the map: a click in its middle finds it among the drawn fences.
    await page.click('.fence-panel .close')
    await mapIdle(page)
    await waitFor(async () => ((await page.evaluate(RENDERED)) as string[]).includes('fence-1') || null)
  })

  it('cancels a drawing with Esc', async () => {
    await page.click('.new-circle')
    await page.mouse.click(740, 380)
    await waitFor(async () => (await drawState(page)).count === 1 || null)
    await page.keyboard.press('Escape')
    await waitFor(async () => (await drawState(page)).mode === 'idle' || null)
    await page.click('.fence-panel .close')
  })

  it('changes a rule and moves a corner of the saved fence', async () => {
    await page.click('.fence-list tr[data-id="fence-1"]')
    await page.locator('.fence-panel[data-id="fence-1"]').waitFor()
    await mapIdle(page)
    const before = (await fences()).find((f) => f.id === 'fence-1')!
    if (before.shape.kind !== 'polygon') throw new Error('a polygon')
    // Drag the first corner's handle 40 px to the right.
    const at = (await page.evaluate(
      `(() => { const m = globalThis.rbGeofences.map; const f = m.queryRenderedFeatures({ layers: ['fence-handles'] }).find((x) => x.properties.index === 0); const p = m.project(f.geometry.coordinates); const box = m.getContainer().getBoundingClientRect(); return [box.left + p.x, box.top + p.y] })()`,
    )) as [number, number]
    await page.mouse.move(at[0], at[1])
    await page.mouse.down()
    await page.mouse.move(at[0] + 20, at[1], { steps: 4 })
    await page.mouse.move(at[0] + 40, at[1], { steps: 4 })
    await page.mouse.up()
    await page.fill('.fence-panel input[name=speedLimitKmh]', '40')
    await page.check('.fence-panel input[name=alertOnExit]')
    await page.click('.fence-panel .save')
    const after = await waitFor(async () => {
      const f = (await fences()).find((x) => x.id === 'fence-1')
      return f?.speedLimitKmh === 40 ? f : null
    })
    expect(after.alertOnExit).toBe(true)
    if (after.shape.kind !== 'polygon') throw new Error('still a polygon')
    expect(after.shape.rings[0]![0]![0]).toBeGreaterThan(before.shape.rings[0]![0]![0])
    expect(after.shape.rings[0]![1]).toEqual(before.shape.rings[0]![1])
    await page.click('.fence-panel .close')
  })

  it('imports a GeoJSON file, and refuses a bad one naming the part, saving nothing', async () => {
    const good = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: '观兴中心校', radius: 300 },
          geometry: { type: 'Point', coordinates: [105.625, 28.29] },
        },
        {
          type: 'Feature',
          properties: { name: '落卜 赶场街' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [105.57, 28.105],
                [105.58, 28.105],
                [105.58, 28.115],
                [105.57, 28.115],
                [105.57, 28.105],
              ],
            ],
          },
        },
      ],
    }
    await page.click('.open-import')
    await page.setInputFiles('.fence-import input[type=file]', {
      name: 'fences.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify(good)),
    })
    await page.waitForFunction(
      `document.querySelector('.fence-import textarea').value.includes('FeatureCollection')`,
      null,
      { timeout: 30_000 },
    )
    await page.selectOption('.fence-import select[name=category]', 'school')
    await page.click('.fence-import .send-import')
    await page.locator('.fence-import .imported li').nth(1).waitFor({ timeout: 30_000 })
    const imported = (await fences()).filter((f) => f.id.startsWith('import-1-'))
    expect(imported.map((f) => [f.name, f.category, f.shape.kind])).toEqual([
      ['观兴中心校', 'school', 'circle'],
      ['落卜 赶场街', 'school', 'polygon'],
    ])
    await page.locator('.fence-list tr[data-id="import-1-2"]').waitFor()
    await page.screenshot({ path: shot('console-geofences-import-zh.png') })

    const count = (await fences()).length
    const bad = {
      type: 'FeatureCollection',
      features: [
        good.features[1],
        {
          type: 'Feature',
          properties: { name: '坏形状' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [105.5, 28.1],
                [105.51, 28.1],
              ],
            ],
          },
        },
      ],
    }
    await page.fill('.fence-import textarea', JSON.stringify(bad))
    await page.click('.fence-import .send-import')
    const error = page.locator('.fence-import .import-error')
    await error.waitFor({ timeout: 30_000 })
    expect(await error.innerText()).toContain('geojson.1.shape.rings')
    expect((await fences()).length).toBe(count)
    await page.click('.fence-import .close')
  })

  it('deletes a fence after asking', async () => {
    await page.click('.fence-list tr[data-id="fence-1"]')
    page.once('dialog', (d) => void d.accept())
    await page.click('.fence-panel .delete')
    await page.locator('.fence-list tr[data-id="fence-1"]').waitFor({ state: 'detached', timeout: 30_000 })
    expect((await fences()).some((f) => f.id === 'fence-1')).toBe(false)
  })

  it('shows a selected demo fence with its rules, fitting 1366 px', async () => {
    await page.click('.fence-list tr[data-id="XY-G05"]')
    await page.locator('.fence-panel[data-id="XY-G05"]').waitFor()
    await mapIdle(page)
    expect(await page.evaluate(NO_SIDEWAYS_SCROLL)).toBe(true)
    // The panel is on screen, whole.
    const box = await page.locator('.fence-panel').boundingBox()
    expect(box!.x + box!.width).toBeLessThanOrEqual(VIEWPORT.width)
    expect(box!.y).toBeGreaterThanOrEqual(0)
    await page.screenshot({ path: shot('console-geofences-zh.png') })
    // Besides the sign-in's 401, only the refused import's 400.
    expect(errors.filter((e) => !e.includes('status of 401') && !e.includes('status of 400'))).toEqual([])
    expect(errors.filter((e) => e.includes('status of 400'))).toHaveLength(1)
  })

  it('shows a dispatcher the fences without edit controls, and the server refuses their writes', async () => {
    const other = await (await browser.newContext({ viewport: VIEWPORT })).newPage()
    const otherErrors = watchErrors(other)
    await signIn(other, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, '#/geofences', 'zh')
    await other.locator('.fence-list tr[data-id="XY-G01"]').waitFor({ timeout: 30_000 })
    expect(await other.locator('.new-polygon, .new-circle, .open-import').count()).toBe(0)
    expect(await other.locator('.fence-side .read-only').count()).toBe(1)
    await other.click('.fence-list tr[data-id="XY-G01"]')
    await other.locator('.fence-panel[data-id="XY-G01"]').waitFor()
    expect(await other.locator('.fence-panel .save, .fence-panel .delete, .fence-panel .draw-polygon').count()).toBe(0)
    expect(await other.locator('.fence-panel input[name=name]').isDisabled()).toBe(true)
    const put = await server.apiJson('DELETE', '/api/geofences/XY-G01', undefined, dispatcher)
    expect(put.status).toBe(403)
    // The one 401 of each page is asking who is signed in before the sign-in.
    expect(otherErrors.filter((e) => !e.includes('status of 401'))).toEqual([])
  })
})
