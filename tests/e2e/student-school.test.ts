/**
 * The school's view in real Chromium: a school account signs in to the console and sees only its
 * school's view; today's run shows the bus on its way along its stops, who boarded and who is
 * absent (the driver's taps), live without a reload; the absentee list names the absent pupil; a
 * roster file with a bad row is refused with the row's line, and nothing on the roster changes.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { topics } from '@rb/protocol'
import { startServer, TEST_USER_PASSWORD, type RoleSession, type TestServer } from '../support/server.js'
import { ROSTER_HEADER, STUDENT_OFFSETS_S, studentNetwork, type StudentNetwork } from '../support/student-network.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'

/** DOC_SCREENSHOTS=1 writes into docs/images (the pictures the docs show), else test-results/students. */
const SHOTS =
  process.env.DOC_SCREENSHOTS === '1'
    ? new URL('../../docs/images/', import.meta.url)
    : new URL('../../test-results/students/', import.meta.url)

describe.skipIf(!chromiumAvailable())('the school view in the console', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let net: StudentNetwork
  let driver: RoleSession
  let bus: MqttClient
  const vehicleId = 'SS-V001'
  // The run left stop 1 half a minute ago.
  const departureTs = Math.floor(Date.now() / 1000) * 1000 - 30_000
  let opSeq = 0
  const tap = (pupilId: number, status: string, stop: number) => ({
    opId: `op-e2e-${Date.now().toString(36)}-${opSeq++}`,
    pupilId,
    status,
    stopCode: net.codes[stop],
    ts: Date.now(),
  })

  beforeAll(async () => {
    server = await startServer({ STUDENT_CHECK_S: '2', TRACKING_TICK_MS: '200' })
    net = await studentNetwork(server, {
      prefix: 'SS',
      origin: [105.52, 28.27],
      departureTs,
      vehicleId,
      driverCode: 'SS-D001',
    })
    const school = await server.loginAs('school', { username: 'ss-school' })
    await server.apiJson('POST', `/api/schools/${net.schoolId}/staff`, { username: 'ss-school' })
    const roster = [
      ROSTER_HEADER,
      net.row('3001', '王子涵', 0, '13900000001'),
      net.row('3002', '李欣怡', 0, '13900000002'),
      net.row('3003', '张浩然', 1, '13900000003'),
      net.row('3004', '刘梓轩', 2, '13900000004'),
    ].join('\n')
    expect((await net.importCsv(school, roster)).status).toBe(200)
    driver = await server.loginAs('driver', { username: 'ss-driver', driverCode: 'SS-D001' })
    bus = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev` })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    errors = watchErrors(page)
  })
  afterAll(async () => {
    await bus?.endAsync()
    await browser?.close()
    await server?.close()
  })

  /** The bus at stop 1 from a minute before departure, then on its way at 10 m/s (fixes every 5 s up to `toS`). */
  async function drive(fromS: number, toS: number): Promise<void> {
    for (let s = fromS; s <= toS; s += 5) {
      const m = s < 10 ? 0 : Math.min(500, (s - 10) * 10)
      const [lon, lat] = net.at(m)
      await bus.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts: departureTs + s * 1000, lat, lon, speed: m > 0 ? 36 : 0, heading: 0 }),
        { qos: 1 },
      )
    }
  }

  it('shows the school its run live: the bus on its way, who boarded, who is absent', async () => {
    await drive(-60, 0)
    const ids = new Map(
      (
        await server.apiJson<{ items: { id: number; name: string }[] }>('GET', `/api/schools/${net.schoolId}/pupils`)
      ).body.items.map((p) => [p.name, p.id]),
    )
    await signIn(page, server.baseUrl, 'ss-school', TEST_USER_PASSWORD, '#/school', 'zh')
    // A school account has this view and no other.
    expect(await page.locator('nav.nav a').evaluateAll((as) => as.map((a) => a.getAttribute('data-path')))).toEqual([
      'school',
    ])
    const card = page.locator(`article.run-card[data-run="${net.instanceId}"]`)
    await card.waitFor({ timeout: 30_000 })
    expect(await card.locator('header').innerText()).toMatch(/石坝—水尾小学 学生车[\s\S]*上学[\s\S]*川E·S0001/)

    // The driver taps; the bus drives on: the page follows without a reload.
    const r = await server.apiJson<{ stored: number }>(
      'POST',
      `/api/student-runs/${net.instanceId}/checks`,
      { marks: [tap(ids.get('王子涵') as number, 'boarded', 0), tap(ids.get('李欣怡') as number, 'absent', 0)] },
      driver,
    )
    expect(r.body.stored).toBe(2)
    await drive(5, Math.min(STUDENT_OFFSETS_S[1] as number, Math.floor((Date.now() - departureTs) / 1000) + 20))
    await card.locator('.kid[data-status="boarded"]', { hasText: '王子涵' }).waitFor({ timeout: 30_000 })
    await card.locator('.kid[data-status="absent"]', { hasText: '李欣怡' }).waitFor()
    await card.locator('.run-state.moving').waitFor({ timeout: 30_000 })
    await card.locator('.run-strip li.passed').first().waitFor({ timeout: 30_000 })
    expect(await card.locator('.run-strip li.next').getAttribute('data-stop')).toBe(net.codes[1])
    expect(await card.locator('[data-k=counts]').innerText()).toMatch(/应到 4 · 车上 1 · 已下车 0 · 缺席 1/)
    await page.screenshot({ path: new URL('student-school-live.png', SHOTS).pathname })

    await page.click('.school-tabs button[data-tab=absent]')
    const row = page.locator('table.grid tbody tr', { hasText: '李欣怡' })
    await row.waitFor()
    expect(await row.innerText()).toMatch(/司机标记缺席/)
  })

  it('refuses a roster file with a bad row, naming its line, and keeps the roster as it was', async () => {
    await page.click('.school-tabs button[data-tab=roster]')
    await page.locator('table.grid tbody tr', { hasText: '王子涵' }).waitFor()
    const bad = [ROSTER_HEADER, net.row('3005', '陈雨桐', 2, '13900000005'), net.row('3006', '杨一诺', 2, '139')].join(
      '\n',
    )
    await page.setInputFiles('form.import-form input[type=file]', {
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    })
    await page.click('form.import-form button[type=submit]')
    const problems = page.locator('ul.row-errors li')
    await problems.first().waitFor()
    expect(await problems.allInnerTexts()).toEqual([
      expect.stringMatching(/^第 3 行 · phone1 · guardian 1's phone '139' is not an 11-digit mobile number$/),
    ])
    await page.locator('form.import-form').screenshot({ path: new URL('student-roster-import.png', SHOTS).pathname })
    const roster = await server.apiJson<{ items: unknown[] }>('GET', `/api/schools/${net.schoolId}/pupils`)
    expect(roster.body.items).toHaveLength(4)
    expect(errors.filter((e) => !/status of (400|401|403)/.test(e))).toEqual([])
  })
})
