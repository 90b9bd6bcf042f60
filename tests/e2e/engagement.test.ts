/**
 * Notices and surveys in real Chromium against the real server: a dispatcher's notice arrives on
 * the signed-in driver's phone page live (no reload, no polling), pinned with an unread badge
 * until the driver opens it, and the read receipt reaches the console; a villager answers a
 * survey from the stop page on a phone-sized screen, and its chart shows in the console.
 * DOC_SCREENSHOTS=1 writes the screenshots into docs/images (else test-results/engagement).
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { buildDriver } from '../../apps/driver/scripts/build.js'
import { buildVillager } from '../../apps/villager/scripts/build.js'
import { bookingNetwork } from '../support/booking-network.js'
import { startServer, TEST_USER_PASSWORD, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
const SHOTS = new URL(
  process.env.DOC_SCREENSHOTS ? '../../docs/images/' : '../../test-results/engagement/',
  import.meta.url,
)
const shot = (name: string): string => new URL(name, SHOTS).pathname
// Page-side expressions as strings: this file is type-checked without the DOM library.
const PUSHES = 'globalThis.rbNotices.pushes'

interface Receipt {
  driverId: string
  readTs: number | null
}

describe.skipIf(!chromiumAvailable())('notices and surveys in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let driverPage: Page
  let errors: string[]
  let dispatcher: RoleSession
  let stopCode: string

  beforeAll(async () => {
    await buildDriver({ quiet: true })
    await buildVillager({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'EG' })
    dispatcher = await server.loginAs('dispatcher')
    stopCode = (await bookingNetwork(server, 'EG')).stops[0] as string
    for (const [id, name] of [
      ['EG-D001', '王建国'],
      ['EG-D002', '李春华'],
    ]) {
      const r = await server.apiJson('PUT', `/api/drivers/${id}`, {
        name,
        phone: '13812345678',
        licenceClass: 'A1',
        serviceSince: '2010-05-01',
        pioneer: false,
        status: 'active',
      })
      expect(r.status).toBeLessThan(300)
    }
    await server.loginAs('driver', { username: 'eg-driver', driverCode: 'EG-D001' })
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    driverPage = await (await browser.newContext(PHONE)).newPage()
    errors = watchErrors(driverPage)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  let noticeId = 0

  it('brings a notice to the driver page live, pinned with an unread badge until opened', async () => {
    await driverPage.goto(`${server.baseUrl}/driver`)
    await driverPage.fill('input[name=username]', 'eg-driver')
    await driverPage.fill('input[name=password]', TEST_USER_PASSWORD)
    await driverPage.click('form.sign-in button[type=submit]')
    await driverPage.locator('nav.days').waitFor({ timeout: 30_000 })
    await driverPage.locator('[data-live=up]').waitFor({ timeout: 30_000 })
    expect(await driverPage.locator('.pinned-notice').count()).toBe(0)
    expect(await driverPage.evaluate(PUSHES)).toBe(0)

    const sent = await server.apiJson<{ id: number }>(
      'POST',
      '/api/notices',
      {
        title: '冬季山区道路行车安全',
        body: '近期夜间气温低于零度，桃花岭一带弯道易结冰。\n请出车前检查防滑链，弯道减速慢行。',
        link: 'https://example.org/winter',
        audience: 'drivers',
        driverIds: ['EG-D001', 'EG-D002'],
        remindAfterH: 4,
      },
      dispatcher,
    )
    expect(sent.status).toBe(201)
    noticeId = sent.body.id
    const pinned = driverPage.locator(`.pinned-notice[data-notice="${noticeId}"]`)
    await pinned.waitFor({ timeout: 30_000 })
    // It came over the socket: the page was not reloaded and does not poll.
    expect(await driverPage.evaluate(PUSHES)).toBeGreaterThanOrEqual(1)
    expect(await driverPage.locator('.unread-badge').innerText()).toBe('1')
    expect(await pinned.innerText()).toContain('冬季山区道路行车安全')
    await driverPage.screenshot({ path: shot('engagement-driver-pinned-zh.png') })

    await pinned.click()
    await driverPage.locator(`article.notice[data-notice="${noticeId}"] .read-mark`).waitFor({ timeout: 30_000 })
    expect(await driverPage.locator('article.notice').innerText()).toContain('弯道减速慢行')
    expect(await driverPage.locator('.unread-badge').count()).toBe(0)
    await driverPage.screenshot({ path: shot('engagement-driver-notice-zh.png') })
    const receipt = await waitFor(async () => {
      const d = await server.apiJson<{ receipts: Receipt[] }>('GET', `/api/notices/${noticeId}`, undefined, dispatcher)
      return d.body.receipts.find((r) => r.driverId === 'EG-D001' && r.readTs !== null)
    })
    expect(receipt.readTs).toBeGreaterThan(0)
    await driverPage.goto(`${server.baseUrl}/driver#/`)
    await driverPage.locator('nav.days').waitFor({ timeout: 30_000 })
    expect(await driverPage.locator('.pinned-notice').count()).toBe(0)
    // The one 401 is the page asking who is signed in before the sign-in.
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([])
    expect(errors.length).toBeLessThanOrEqual(1)
  })

  it('lets a villager answer a survey from the stop page on a phone, and charts it in the console', async () => {
    const hour = 3_600_000
    const created = await server.apiJson<{ id: number }>(
      'POST',
      '/api/surveys',
      {
        title: '乡村公交服务满意度调查',
        intro: '请花一分钟告诉我们您对班车的看法。',
        audience: 'villagers',
        opensAt: new Date(Date.now() - hour).toISOString(),
        closesAt: new Date(Date.now() + 72 * hour).toISOString(),
        questions: [
          { kind: 'single', text: '您多久坐一次乡村公交？', options: ['几乎每天', '每周几次', '赶场天才坐', '很少坐'] },
          {
            kind: 'multiple',
            text: '您最希望改进哪些方面？',
            options: ['增加班次', '更准点', '车内更干净'],
            required: false,
          },
          { kind: 'rating', text: '总体满意度（1–5分）' },
          { kind: 'text', text: '还有什么建议？', required: false },
        ],
      },
      dispatcher,
    )
    expect(created.status).toBe(201)
    const id = created.body.id
    // Two answers already in, so the chart has more than one bar.
    for (const [phone, q1, q3] of [
      ['13900000001', 0, 5],
      ['13900000002', 2, 4],
    ] as const) {
      const r = await fetch(`${server.baseUrl}/api/villager/surveys/${id}/answers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone, answers: { q1, q3 } }),
      })
      expect(r.status).toBe(201)
    }

    const phone = await (await browser.newContext(PHONE)).newPage()
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${server.baseUrl}/s/${stopCode}`)
    const link = phone.locator(`a.survey-link[data-survey="${id}"]`)
    await link.waitFor({ timeout: 30_000 })
    await phone.screenshot({ path: shot('engagement-stop-link-zh.png') })
    await link.click()
    await phone.locator('form.survey').waitFor({ timeout: 30_000 })
    await phone.locator('[data-question=q1] label.choice', { hasText: '赶场天才坐' }).click()
    await phone.locator('[data-question=q2] label.choice', { hasText: '更准点' }).click()
    await phone.locator('[data-question=q3] label.choice', { hasText: '4' }).click()
    await phone.fill('textarea[name=q4]', '赶场天希望加一班车')
    await phone.fill('input[name=phone]', '139 0000 0003')
    await phone.screenshot({ path: shot('engagement-survey-phone-zh.png'), fullPage: true })
    await phone.click('form.survey button[type=submit]')
    await phone.locator('[data-survey-state=sent]').waitFor({ timeout: 30_000 })
    await phone.screenshot({ path: shot('engagement-survey-sent-zh.png') })
    expect(phoneErrors).toEqual([])
    const results = await server.apiJson<{ results: { responses: number; questions: { counts: number[] }[] } }>(
      'GET',
      `/api/surveys/${id}/results`,
      undefined,
      dispatcher,
    )
    expect(results.body.results.responses).toBe(3)
    expect(results.body.results.questions[0]?.counts).toEqual([1, 0, 2, 0])

    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage()
    const deskErrors = watchErrors(desk)
    await signIn(desk, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, `#/surveys?survey=${id}`, 'zh')
    const bar = desk.locator(`.chart[data-chart="survey-${id}-q1"] rect[data-category="赶场天才坐"]`)
    await bar.waitFor({ timeout: 30_000 })
    expect(await bar.getAttribute('data-value')).toBe('2')
    expect(
      await desk.locator(`.chart[data-chart="survey-${id}-q3"] rect[data-category="4"]`).getAttribute('data-value'),
    ).toBe('2')
    expect(await desk.locator('.survey-texts').innerText()).toContain('赶场天希望加一班车')
    await desk
      .locator(`.survey-detail[data-survey="${id}"]`)
      .screenshot({ path: shot('engagement-console-survey-zh.png') })

    await desk.goto(`${server.baseUrl}/#/notices?notice=${noticeId}`)
    const counts = desk.locator(`.notice-detail[data-notice="${noticeId}"]`)
    await counts.waitFor({ timeout: 30_000 })
    expect(await desk.locator('tr .read-count').first().innerText()).toBe('1 / 2')
    await desk.screenshot({ path: shot('engagement-console-notices-zh.png') })
    // The console asks who is signed in before the sign-in form: those 401s are expected.
    expect(deskErrors.filter((e) => !e.includes('status of 401'))).toEqual([])
  })
})
