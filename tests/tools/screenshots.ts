/**
 * Takes the screenshots in docs/images in Debian's Chromium:
 *   npm run docs:screenshots                  an in-process demo server with a simulated morning,
 *                                             an off-route bus, a phone booking and a sign report
 *   npm run docs:screenshots -- http://localhost:8080 [user] [password]
 *                                             a running server (default user dispatcher / demo-dispatcher)
 */
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { TEST_USER_PASSWORD, waitFor, type TestServer } from '../support/server.js'
import { launch, signIn } from '../e2e/support/browser.js'
import { runScenario, startDemoServer } from '../e2e/support/console.js'
import { driveOffRoute, makeTestLine, type TestLine } from '../e2e/support/trip.js'
import { buildConsole } from '../../apps/console/scripts/build.js'

// SHOTS_DIR writes the pictures elsewhere (to compare, or to take one without touching the others).
const out = process.env.SHOTS_DIR
  ? pathToFileURL(`${process.env.SHOTS_DIR.replace(/\/$/, '')}/`)
  : new URL('../../docs/images/', import.meta.url)
const given = process.argv[2]

/** Plain pages (no sign-in needed, or the sheets with a session). */
const pages: [path: string, file: string, width: number, height: number][] = [
  ['/about', 'start-page.png', 900, 520],
  ['/api/stops/XY-0001/sheet', 'sign-sheet.png', 794, 1123],
  ['/docs', 'api-docs.png', 1100, 900],
]

interface Session {
  base: string
  user: string
  password: string
  server?: TestServer
  line?: TestLine
}

async function demo(): Promise<Session> {
  await buildConsole({ quiet: true })
  const server = await startDemoServer()
  const line = await makeTestLine(server)
  await runScenario(server, 'school-morning', 10)
  await driveOffRoute(server, line)
  const dispatcher = await server.loginAs('dispatcher')
  // A phone booking and a villager's sign report, so those views have something in them.
  await server.apiJson(
    'POST',
    `/api/trip-instances/${line.bookableTrip}/bookings`,
    {
      boardStop: line.stopCodes[0],
      alightStop: line.stopCodes[3],
      seats: 2,
      name: '王大妈',
      phone: '13912345678',
      waitlist: true,
      idempotencyKey: 'docs-booking-1',
    },
    dispatcher,
  )
  await fetch(`${server.baseUrl}/api/stops/${line.stopCodes[1]}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ category: 'damaged', note: '牌子被撞歪了', idempotencyKey: 'docs-report-1' }),
  })
  return { base: server.baseUrl, user: dispatcher.user.username, password: TEST_USER_PASSWORD, server, line }
}

const shot = async (page: Page, file: string): Promise<void> => {
  await page.waitForTimeout(800)
  await page.screenshot({ path: new URL(file, out).pathname })
  console.log(`${file}`)
}

async function consoleShots(page: Page, s: Session): Promise<void> {
  await page.goto(`${s.base}/`)
  await page.locator('form.sign-in').waitFor()
  await shot(page, 'console-sign-in.png')
  await signIn(page, s.base, s.user, s.password)
  // Wait for buses on the map, then open the one that is off route (or the first).
  const id = await waitFor(
    async () =>
      page.evaluate(() => {
        const c = (
          globalThis as unknown as {
            rbConsole: { map: { lastCollection: { features: { properties: { id: string; status: string } }[] } } }
          }
        ).rbConsole
        const f = c.map.lastCollection.features
        return (f.find((x) => x.properties.status === 'off_route') ?? f[0])?.properties.id ?? null
      }),
    60_000,
    500,
  )
  await page.waitForTimeout(3000)
  await shot(page, 'console-live-map.png')
  await page.goto(`${s.base}/#/live?vehicle=${encodeURIComponent(s.line?.vehicleId ?? id)}`)
  await page.locator('.vehicle-panel').waitFor()
  await page.waitForTimeout(1500)
  await shot(page, 'console-vehicle.png')
  await page.goto(`${s.base}/#/alerts`)
  await page.locator('table.grid').waitFor()
  await shot(page, 'console-alerts.png')
  await page.goto(`${s.base}/#/trips${s.line ? `?trip=${s.line.bookableTrip}` : ''}`)
  await page.locator('table.grid').first().waitFor()
  await page.waitForTimeout(1500)
  await shot(page, 'console-trip-board.png')
  await page.goto(`${s.base}/#/tickets`)
  await page.locator('table.grid tbody tr').first().click()
  await page.locator('.card.ticket').waitFor()
  await shot(page, 'console-tickets.png')
  await page.goto(`${s.base}/#/replay?vehicle=${encodeURIComponent(id)}`)
  await page.locator('.replay-panel input[type=range]').waitFor({ timeout: 20_000 })
  await page.locator('.replay-panel select[aria-label=speed]').selectOption('300')
  await page.locator('.replay-panel button.play').click()
  await page.waitForTimeout(2500)
  await shot(page, 'console-replay.png')
  await page.goto(`${s.base}/#/reports`)
  await page.locator('[data-report=kilometres] .chart').waitFor({ timeout: 20_000 })
  await shot(page, 'console-reports.png')
  await page.goto(`${s.base}/#/roster`)
  await page.locator('.lane.duty').first().waitFor({ timeout: 20_000 })
  await shot(page, 'console-roster.png')
  await page.goto(`${s.base}/#/sim`)
  await page.locator('.sim-run').waitFor()
  await page.waitForTimeout(2500)
  await shot(page, 'console-sim.png')
  await page.goto(`${s.base}/#/admin/stops`)
  await page.locator('tbody tr').first().click()
  await page.locator('.card.edit').waitFor()
  await shot(page, 'console-admin-stops.png')
}

const session: Session = given
  ? { base: given, user: process.argv[3] ?? 'dispatcher', password: process.argv[4] ?? 'demo-dispatcher' }
  : await demo()
const browser = await launch()
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  await consoleShots(page, session)
  // The same page, signed in: the sign sheets need a session too.
  for (const [path, file, width, height] of pages) {
    await page.setViewportSize({ width, height })
    await page.goto(`${session.base}${path}`, { waitUntil: 'networkidle' })
    await shot(page, file)
  }
} finally {
  await browser.close()
  await session.server?.close()
}
process.exit(0)
