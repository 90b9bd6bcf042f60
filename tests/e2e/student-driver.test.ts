/**
 * The student-run roll call on the driver's page in real Chromium on a phone screen: the driver
 * opens today's student run from the trips screen, taps a pupil on while online, then loses the
 * signal, taps two more (the screen shows them at once, waiting), and when the signal is back the
 * page sends them by itself: the server has each tap once. When the run ends with pupils on board,
 * the roll call turns red until the driver confirms the bus empty, and the dispatcher's console
 * sounds it in the SOS banner.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buildDriver } from '../../apps/driver/scripts/build.js'
import { startServer, TEST_USER_PASSWORD, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { ROSTER_HEADER, studentNetwork, type StudentNetwork } from '../support/student-network.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
/** Screenshots for the docs. */
/** DOC_SCREENSHOTS=1 writes into docs/images (the pictures the docs show), else test-results/students. */
const SHOTS =
  process.env.DOC_SCREENSHOTS === '1'
    ? new URL('../../docs/images/', import.meta.url)
    : new URL('../../test-results/students/', import.meta.url)

interface RunView {
  counts: { boarded: number; absent: number }
  stops: { boarding: { pupilId: number; name: string; status: string | null }[] }[]
}

describe.skipIf(!chromiumAvailable())('student-run roll call on the driver page', () => {
  let server: TestServer
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  let net: StudentNetwork
  let driver: RoleSession

  beforeAll(async () => {
    await buildDriver({ quiet: true })
    server = await startServer({ STUDENT_CHECK_S: '2' })
    // The run leaves in ten minutes: the driver calls the roll while the pupils get on.
    net = await studentNetwork(server, {
      prefix: 'SD',
      origin: [105.5, 28.25],
      departureTs: Math.floor(Date.now() / 60_000) * 60_000 + 600_000,
      vehicleId: 'SD-V001',
      driverCode: 'SD-D001',
    })
    const school = await server.loginAs('school', { username: 'sd-school' })
    await server.apiJson('POST', `/api/schools/${net.schoolId}/staff`, { username: 'sd-school' })
    const roster = [
      ROSTER_HEADER,
      net.row('2001', '王子涵', 0, '13900000001'),
      net.row('2002', '李欣怡', 0, '13900000002'),
      net.row('2003', '张浩然', 1, '13900000003'),
      net.row('2004', '刘梓轩', 2, '13900000004'),
    ].join('\n')
    expect((await net.importCsv(school, roster)).status).toBe(200)
    driver = await server.loginAs('driver', { username: 'sd-driver', driverCode: 'SD-D001' })
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    context = await browser.newContext(PHONE)
    page = await context.newPage()
    errors = watchErrors(page)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const serverView = async (): Promise<RunView> =>
    (await server.apiJson<RunView>('GET', `/api/student-runs/${net.instanceId}`, undefined, driver)).body
  const statusOf = (v: RunView, name: string): string | null | undefined =>
    v.stops.flatMap((s) => s.boarding).find((e) => e.name === name)?.status

  it('opens the run from the trips screen and taps a pupil on', async () => {
    await page.goto(`${server.baseUrl}/driver`)
    await page.fill('input[name=username]', 'sd-driver')
    await page.fill('input[name=password]', TEST_USER_PASSWORD)
    await page.click('form.sign-in button[type=submit]')
    const card = page.locator(`a.srun[data-run="${net.instanceId}"]`)
    await card.waitFor({ timeout: 30_000 })
    expect(await card.innerText()).toMatch(/石坝—水尾小学 学生车[\s\S]*上学[\s\S]*应到 4/)
    await card.click()
    const row = page.locator('li.pupil', { hasText: '王子涵' }).first()
    await row.waitFor()
    // Large targets: a thumb in a moving bus.
    const box = await row.locator('button.tap.on').boundingBox()
    expect(box?.height).toBeGreaterThanOrEqual(56)
    await row.locator('button.tap.on').click()
    await page.locator('li.pupil[data-status="boarded"]', { hasText: '王子涵' }).first().waitFor()
    await waitFor(async () => statusOf(await serverView(), '王子涵') === 'boarded', 60_000)
  })

  it('keeps taps made without a signal and sends them once the signal is back', async () => {
    await context.setOffline(true)
    await page.locator('li.pupil', { hasText: '李欣怡' }).first().locator('button.tap.on').click()
    await page.locator('li.pupil', { hasText: '张浩然' }).first().locator('button.tap.absent').click()
    // The screen answers at once and says what is waiting.
    await page.locator('p.sync[data-pending="2"]').waitFor()
    expect(await page.locator('li.pupil[data-status="boarded"]', { hasText: '李欣怡' }).count()).toBeGreaterThan(0)
    expect(await page.locator('li.pupil[data-status="absent"]', { hasText: '张浩然' }).count()).toBeGreaterThan(0)
    await page.screenshot({ path: new URL('student-driver-offline.png', SHOTS).pathname })
    const before = await serverView()
    expect([statusOf(before, '李欣怡'), statusOf(before, '张浩然')]).toEqual([null, null])

    await context.setOffline(false)
    await page.locator('p.sync').waitFor({ state: 'detached', timeout: 30_000 })
    const after = await serverView()
    expect([
      statusOf(after, '王子涵'),
      statusOf(after, '李欣怡'),
      statusOf(after, '张浩然'),
      statusOf(after, '刘梓轩'),
    ]).toEqual(['boarded', 'boarded', 'absent', null])
    expect(after.counts).toMatchObject({ boarded: 2, absent: 1 })
    // Each tap is stored once, however often the queue sent it.
    const stored = await server.app.rb.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pupil_check WHERE trip_instance_id = $1',
      [net.instanceId],
    )
    expect(stored.rows[0]?.n).toBe(3)
    expect(await page.evaluate('globalThis.rbPupils.pending')).toBe(0)
    await page.screenshot({ path: new URL('student-driver.png', SHOTS).pathname })
    // The one 401 is the page asking who is signed in before sign-in; the rest are the lost signal's.
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|socket\.io|status of 401/.test(e))).toEqual(
      [],
    )
  })

  it('turns red when the run ends with pupils on board, until the driver confirms the bus is empty; the dispatcher hears it', async () => {
    // The run's end as the tracking engine reports it (driven over MQTT in the integration test).
    const alert = await server.app.rb.students.runs.end(net.instanceId, Date.now(), 'SD-V001')
    expect(alert).toMatchObject({ type: 'pupil_left_on_bus', severity: 'critical', data: { count: 2 } })
    server.app.rb.students.publishAlerts([alert!])

    const dispatcher = await server.loginAs('dispatcher', { username: 'sd-dispatcher' })
    const consolePage = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await signIn(consolePage, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, '#/alerts', 'zh')
    const banner = consolePage.locator(`.sos-banner li[data-alert="${alert!.id}"]`)
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.innerText()).toMatch(/车上仍有学生 王子涵（三年级1班）、李欣怡（三年级1班）/)
    await consolePage.screenshot({ path: new URL('student-left-console.png', SHOTS).pathname })
    await consolePage.close()

    await page.reload()
    const notice = page.locator('section.left-alarm')
    await notice.waitFor({ timeout: 30_000 })
    expect(await notice.locator('.left-names').innerText()).toBe('李欣怡、王子涵')
    await page.screenshot({ path: new URL('student-driver-left.png', SHOTS).pathname })
    await notice.locator('button.confirm-empty').click()
    await notice.waitFor({ state: 'detached' })
    await page.locator('p.banner.ok', { hasText: '已确认车内无人' }).waitFor()
    const after = await server.apiJson<{ items: { id: string; status: string; resolvedBy: string | null }[] }>(
      'GET',
      `/api/alerts?tripInstanceId=${net.instanceId}&status=resolved`,
    )
    expect(after.body.items.find((a) => a.id === alert!.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: 'sd-driver',
    })
  })
})
