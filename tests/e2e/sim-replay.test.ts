/**
 * An operator starts a simulated scenario from the console, sees its buses move on the map and
 * stops it; a vehicle's track is then replayed with the time slider and speed control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { TEST_USER_PASSWORD, waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { drawnVehicles, startDemoServer } from './support/console.js'

describe.skipIf(!chromiumAvailable())('simulator panel and replay', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let movedId = ''

  beforeAll(async () => {
    server = await startDemoServer()
    const operator = await server.loginAs('operator')
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, operator.user.username, TEST_USER_PASSWORD, '#/sim')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('starts a named scenario, shows its buses moving on the map, and stops it', async () => {
    await page.locator('button[data-scenario="school-morning"]').waitFor({ timeout: 30_000 })
    expect(await page.locator('.sim-scenarios button[data-scenario]').count()).toBeGreaterThanOrEqual(3)
    await page.fill('.sim-panel input[name=speed]', '60')
    await page.click('button[data-scenario="school-morning"]')
    await expect
      .poll(() => page.locator('.sim-run .sim-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('running')
    const first = await waitFor(
      async () => {
        const v = await drawnVehicles(page)
        return Object.keys(v).length > 0 ? v : null
      },
      60_000,
      250,
    )
    movedId = await waitFor(
      async () => {
        const now = await drawnVehicles(page)
        return Object.keys(now).find(
          (id) => first[id] && (now[id]![0] !== first[id]![0] || now[id]![1] !== first[id]![1]),
        )
      },
      60_000,
      250,
    )
    expect(movedId).toBeTruthy()
    await expect
      .poll(
        async () =>
          Number((await page.locator('.sim-run [data-k=points]').textContent())?.split('/')[0]?.replace(/,/g, '')),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0)
    await page.click('.sim-panel button.stop')
    await expect
      .poll(() => page.locator('.sim-run .sim-state').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('stopped')
  })

  it('replays the track of a vehicle the scenario drove: time slider, speed control, play and pause', async () => {
    await page.goto(`${server.baseUrl}/#/replay?vehicle=${encodeURIComponent(movedId)}`)
    const panel = page.locator('.replay-panel')
    await expect.poll(() => panel.locator('.status').textContent(), { timeout: 30_000 }).toMatch(/^\d+ points/)
    const count = Number((await panel.locator('.status').textContent())!.split(' ')[0])
    expect(count).toBeGreaterThan(1)
    const slider = panel.locator('input[type=range]')
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))]
    expect(max).toBeGreaterThan(min)
    const replayTs = async (): Promise<number> => Number(await page.locator('#view').getAttribute('data-replay-ts'))
    expect(await replayTs()).toBe(min)
    // The point on the map is where the track starts.
    const point = async (): Promise<[number, number] | null> =>
      page.evaluate(() => {
        const c = (
          globalThis as unknown as {
            rbConsole: {
              map: {
                map: {
                  getSource(id: string): {
                    serialize(): { data: { features: { geometry: { coordinates: [number, number] } }[] } }
                  }
                }
              }
            }
          }
        ).rbConsole
        return c.map.map.getSource('replay-point').serialize().data.features[0]?.geometry.coordinates ?? null
      })
    const start = await point()
    expect(start).not.toBeNull()
    // Played at 600× it runs to the end of the track and stops there.
    await panel.locator('select[aria-label=Speed]').selectOption('600')
    await panel.locator('button.play').click()
    await expect.poll(replayTs, { timeout: 30_000 }).toBe(max)
    await expect.poll(() => panel.locator('button.play').textContent()).toBe('▶')
    const end = await point()
    expect(end).not.toEqual(start)
    // Seeking with the slider moves the bus to that instant.
    const seek = async (v: number): Promise<void> =>
      slider.evaluate((el, value) => {
        const input = el as unknown as { value: string; dispatchEvent(e: unknown): boolean }
        input.value = String(value)
        input.dispatchEvent(new Event('input'))
      }, v)
    await seek(min)
    expect(await replayTs()).toBe(min)
    expect(await point()).toEqual(start)
    // Paused, the clock stands still.
    await panel.locator('select[aria-label=Speed]').selectOption('1')
    await panel.locator('button.play').click()
    await expect.poll(replayTs, { timeout: 30_000 }).toBeGreaterThan(min)
    await panel.locator('button.play').click()
    const paused = await replayTs()
    await page.waitForTimeout(500)
    expect(await replayTs()).toBe(paused)
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })

  it('shows a dispatcher the running fleet but not the start and stop buttons', async () => {
    const dispatcher = await server.loginAs('dispatcher')
    const other = await browser.newPage({ viewport: { width: 1200, height: 800 } })
    await signIn(other, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, '#/sim')
    await other.locator('.sim-scenarios button[data-scenario]').first().waitFor({ timeout: 30_000 })
    expect(await other.locator('.sim-scenarios button[data-scenario]:not([disabled])').count()).toBe(0)
    expect(await other.locator('.sim-panel button.stop').count()).toBe(0)
    await other.close()
  })
})
