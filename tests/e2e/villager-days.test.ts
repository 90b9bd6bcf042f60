/**
 * The villager page, second round, in real Chromium on a 360×740 phone screen against the real
 * server: every tap's result shows inside the screen and is read out (toast, field errors); days
 * ahead with a trip 30 hours away bookable from the sign and a 7-day timetable; a market-day
 * stop naming its next market day with the lunar date; an on-demand trip explained and counting
 * riders live; the hotline to call on every page; "tell me when it comes"; read aloud and large
 * type; a cancelled trip's reason; one word for the ride code; English on a narrow screen; the
 * empty "my bookings" offering trips to book.
 * DOC_SCREENSHOTS=1 writes the screenshots into docs/images (else test-results/villager).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import {
  addDays,
  isMarketDay,
  lunarLabel,
  serviceDate,
  serviceDayOf,
  serviceDayStartMs,
  type ServiceDate,
} from '@rb/domain'
import { buildVillager } from '../../apps/villager/scripts/build.js'
import { startServer, waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, watchErrors } from './support/browser.js'
import { apiPut, villagerShot } from './support/villager.js'

const ORIGIN: [number, number] = [105.46, 28.12]
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / 111_195]
const NAMES = ['场镇', '石坝村', '中学', '水尾村', '卫生院']
const NAMES_EN = ['Town', 'Shiba Village', 'Middle School', 'Shuiwei Village', 'Health Centre']
const STOP_M = [0, 300, 600, 900, 1200]
const PACE_MS = 30 / 3.6
const HEIGHT = 740
const PHONE = { viewport: { width: 360, height: HEIGHT }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
const HOTLINE = '0830-6222222'
const MARKET = { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] } as const
const WEEK = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
// Records what the page asks the phone to say (speech synthesis has no voice in a headless browser).
const SPEECH_RECORDER = `(() => {
  window.__spoken = []
  if (!window.speechSynthesis) return
  window.speechSynthesis.speak = (u) => { window.__spoken.push({ text: u.text, lang: u.lang }) }
})()`

describe.skipIf(!chromiumAvailable())('villager page, days ahead and the rest, in Chromium on 360×740', () => {
  let server: TestServer
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  const codes: string[] = []
  let marketStop: string
  let tripOnDemand: string
  let tripCancelled: string
  let tripFar: string
  let marketDate: ServiceDate
  const here = (): string => codes[3] as string
  const stopUrl = (code = here()): string => `${server.baseUrl}/s/${code}`

  const shot = villagerShot
  const put = (path: string, body: unknown, method = 'PUT') => apiPut(server, path, body, method)

  /** Inside the screen: visible, top and bottom within the viewport. */
  async function inView(l: Locator): Promise<boolean> {
    if (!(await l.isVisible())) return false
    const b = await l.boundingBox()
    return b !== null && b.y >= 0 && b.y + b.height <= HEIGHT
  }

  const bookVia = async (tripInstanceId: string, phone: string, key: string) =>
    fetch(`${server.baseUrl}/api/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ tripInstanceId, boardStop: here(), alightStop: codes[4], seats: 1, name: '乘客', phone }),
    })

  beforeAll(async () => {
    await buildVillager({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'VD' })
    await put('/api/operators/OP1', { name: '叙永公交', phone: HOTLINE })
    await put('/api/townships/VD-T01', { name: '水尾镇', nameEn: 'Shuiwei', center: ORIGIN })
    for (const [i, name] of NAMES.entries())
      codes.push(
        (
          await put(
            '/api/stops',
            {
              name,
              nameEn: NAMES_EN[i],
              townshipId: 'VD-T01',
              point: at(STOP_M[i] as number),
              installedOn: '2026-01-01',
            },
            'POST',
          )
        ).code as string,
      )
    await put('/api/routes/VD-R01', {
      name: '场镇—卫生院',
      nameEn: 'Town–Health Centre',
      kind: 'regular',
      operatorId: 'OP1',
      geometry: [at(0), at(1200)],
      stopCodes: codes,
      speedLimitKmh: 120,
    })
    await put('/api/calendars/daily', {
      name: '每天',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
    })
    const offsets = STOP_M.map((m) => Math.round(m / PACE_MS))
    const trip = async (id: string, dep: number, over: Record<string, unknown>): Promise<string> => {
      const day = serviceDayOf(dep)
      await put(`/api/schedule/trips/${id}`, {
        routeId: 'VD-R01',
        calendarId: 'daily',
        direction: 0,
        headsign: '卫生院',
        departureS: (dep - serviceDayStartMs(day)) / 1000,
        stopOffsetsS: offsets,
        seats: 19,
        minRiders: 0,
        ...over,
      })
      return `${id}_${day.replaceAll('-', '')}`
    }
    const minute = (n: number) => Math.round((Date.now() + n * 60_000) / 60_000) * 60_000
    // On demand in 50 minutes: runs with 3 riders, booking until 20 minutes before.
    tripOnDemand = await trip('VD-R01-D', minute(50), { bookingPolicy: 'required', minRiders: 3, bookingCutoffMin: 20 })
    // In 90 minutes, cancelled for the day with a reason.
    tripCancelled = await trip('VD-R01-C', minute(90), { bookingPolicy: 'none', bookingCutoffMin: 0 })
    await put(`/api/trip-instances/${tripCancelled}/cancel`, { reason: '道路塌方' }, 'POST')
    // 30 hours ahead, bookable until an hour before.
    tripFar = await trip('VD-R01-F', minute(30 * 60), { bookingPolicy: 'optional', bookingCutoffMin: 60 })
    // Two riders booked the on-demand trip already.
    for (const [i, phone] of ['13900000101', '13900000102'].entries())
      expect((await bookVia(tripOnDemand, phone, `bk-e2e-days-${i}`)).status).toBe(201)

    // A stop served only by a market-day bus (lunar 1-4-7), 08:00.
    marketStop = (
      await put(
        '/api/stops',
        { name: '赶场坝', nameEn: 'Market Square', townshipId: 'VD-T01', point: at(2000), installedOn: '2026-01-01' },
        'POST',
      )
    ).code as string
    const far = (
      await put(
        '/api/stops',
        { name: '江门', nameEn: 'Jiangmen', townshipId: 'VD-T01', point: at(2600), installedOn: '2026-01-01' },
        'POST',
      )
    ).code as string
    await put('/api/routes/VD-R02', {
      name: '江门赶场车',
      nameEn: 'Jiangmen market bus',
      kind: 'market',
      operatorId: 'OP1',
      geometry: [at(2000), at(2600)],
      stopCodes: [marketStop, far],
    })
    await put('/api/calendars/market147', { name: '农历1-4-7', rules: { rule: MARKET, added: [], removed: [] } })
    await put('/api/schedule/trips/VD-R02-M', {
      routeId: 'VD-R02',
      calendarId: 'market147',
      direction: 0,
      headsign: '江门',
      departureS: 8 * 3600,
      stopOffsetsS: [0, 300],
      seats: 19,
      minRiders: 0,
      bookingPolicy: 'none',
      bookingCutoffMin: 0,
    })
    // The first market day whose 08:00 is still to come.
    marketDate = serviceDayOf(Date.now())
    while (!isMarketDay(MARKET as never, marketDate) || serviceDayStartMs(marketDate) + 8 * 3_600_000 <= Date.now())
      marketDate = addDays(marketDate, 1)

    browser = await launch()
    context = await browser.newContext({ ...PHONE, locale: 'zh-CN' })
    await context.addInitScript(SPEECH_RECORDER)
    page = await context.newPage()
    errors = watchErrors(page)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it("explains an on-demand trip and counts its riders live; shows a cancelled trip's reason; the hotline is a tap away", async () => {
    await page.goto(stopUrl())
    await expect
      .poll(() => page.evaluate("document.documentElement.dataset.live === 'up'"), { timeout: 30_000 })
      .toBe(true)
    const card = page.locator(`[data-trip="${tripOnDemand}"] [data-booking-line]`)
    expect(await card.textContent()).toMatch(/^需预约 · 满3人发车 · 已约2人 · \d\d:\d\d截止$/)
    // Nobody reloads: a third rider books (by phone, say) and the card counts it.
    expect((await bookVia(tripOnDemand, '13900000103', 'bk-e2e-days-3')).status).toBe(201)
    await expect.poll(() => card.textContent(), { timeout: 30_000 }).toMatch(/已约3人/)
    expect(await page.locator(`[data-trip="${tripCancelled}"] [data-reason]`).textContent()).toBe('取消原因：道路塌方')
    const call = page.locator('a[data-call]').first()
    expect(await call.getAttribute('href')).toBe('tel:08306222222')
    // Where it is, should the page not have settled (a re-render as the live count arrives).
    await expect
      .poll(
        async () =>
          (await inView(call))
            ? true
            : JSON.stringify({ box: await call.boundingBox(), scrollY: await page.evaluate('scrollY') }),
        { timeout: 30_000 },
      )
      .toBe(true)
    await shot(page, 'ondemand-zh')
  })

  it('lists tomorrow and a trip 30 hours ahead; it can be booked from the sign, the code called 乘车码', async () => {
    await page.goto(stopUrl())
    const far = page.locator(`[data-trip="${tripFar}"]`)
    expect(await far.locator('[data-booking-line]').textContent()).toMatch(/^可预约 · 余19座 · .*\d\d:\d\d截止$/)
    const farDay = serviceDayOf(Date.now() + 30 * 3_600_000)
    expect(await page.locator(`.ahead h2.day[data-day="${farDay}"]`).count()).toBe(1)
    await shot(page, 'ahead-zh', true)
    await far.click()
    await page.locator('a.btn', { hasText: '预约座位' }).click()
    await page.locator('.choice', { hasText: '卫生院' }).click()
    await page.fill('#bk-name', '李秀英')
    await page.fill('#bk-phone', '13900000201')
    await page.locator('form[data-form=book] button[type=submit]').click()
    await page.locator('[data-code]').waitFor({ timeout: 30_000 })
    expect(await page.locator('.code-label').textContent()).toBe('乘车码')
    const toast = page.locator('.toast')
    expect(await toast.textContent()).toMatch(/^预约成功，乘车码 [2-9A-Z]{6}$/)
    expect(await inView(toast)).toBe(true)
    expect(await toast.getAttribute('aria-live')).toBe('assertive')
    const list = await server.apiJson<{ items: { status: string }[] }>('GET', `/api/trip-instances/${tripFar}/bookings`)
    expect(list.body.items.map((b) => b.status)).toEqual(['confirmed'])
  })

  it('books for family: the rider named on the booking, both phones get the SMS', async () => {
    await page.goto(stopUrl())
    await page.goto(`${stopUrl()}#b/${tripFar}`)
    await page.locator('form[data-form=book]').waitFor()
    await page.locator('.choice', { hasText: '卫生院' }).click()
    await page.locator('input[name=forFamily]').check()
    await page.fill('#bk-rider-name', '王奶奶')
    await page.fill('#bk-rider-phone', '13900000401')
    await page.fill('#bk-name', '王小明')
    await page.fill('#bk-phone', '13900000402')
    await shot(page, 'family-zh')
    await page.locator('form[data-form=book] button[type=submit]').click()
    const code = ((await page.locator('[data-code]').textContent({ timeout: 30_000 })) ?? '').trim()
    const list = await server.apiJson<{ items: { code: string; name: string; phone: string }[] }>(
      'GET',
      `/api/trip-instances/${tripFar}/bookings`,
    )
    expect(list.body.items.find((b) => b.code === code)).toMatchObject({ name: '王奶奶', phone: '13900000401' })
    const texts = async (phone: string) =>
      (
        await server.app.rb.db.query<{ kind: string }>('SELECT kind FROM notification_outbox WHERE recipient = $1', [
          phone,
        ])
      ).rows.map((r) => r.kind)
    expect(await texts('13900000401')).toEqual(['booked'])
    expect(await texts('13900000402')).toEqual(['booked'])
    // "My bookings" on this phone looks it up with the booker's phone.
    await page.goto(`${stopUrl()}#mine`)
    await expect
      .poll(() => page.locator(`.booking[data-booking="${code}"] .pill`).textContent(), { timeout: 30_000 })
      .toBe('已确认')
  })

  it('shows every booking error next to its field and in a toast, inside the screen', async () => {
    await page.goto(stopUrl())
    await page.goto(`${stopUrl()}#b/${tripFar}`)
    await page.locator('form[data-form=book]').waitFor()
    await page.fill('#bk-phone', '')
    // No stop chosen.
    await page.locator('form[data-form=book] button[type=submit]').click()
    const stopError = page.locator('[data-field-error="alightStop"]')
    await stopError.waitFor()
    expect(await stopError.textContent()).toBe('请选择下车的站')
    expect(await inView(stopError)).toBe(true)
    expect(await inView(page.locator('.toast'))).toBe(true)
    // A phone number the server refuses (16 digits): the field is named.
    await page.locator('.choice', { hasText: '卫生院' }).click()
    await page.fill('#bk-name', '李秀英')
    await page.fill('#bk-phone', '1390000020212345')
    await page.locator('form[data-form=book] button[type=submit]').click()
    const phoneError = page.locator('[data-field-error="phone"]')
    await phoneError.waitFor({ timeout: 30_000 })
    expect(await phoneError.textContent()).toBe('手机号：手机号要 7–15 位数字')
    expect(await inView(phoneError)).toBe(true)
    expect(await page.locator('#bk-phone').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('.toast').textContent()).toBe('手机号：手机号要 7–15 位数字')
    expect(await inView(page.locator('.toast'))).toBe(true)
    await shot(page, 'field-error-zh')
  })

  it('says a report was sent, kept offline, or held back by a busy server, inside the screen', async () => {
    await page.goto(`${stopUrl()}#report`)
    const toast = page.locator('.toast')
    // No category.
    await page.locator('form[data-form=report] button[type=submit]').click()
    await expect.poll(() => toast.textContent()).toBe('请先点选问题')
    expect(await inView(toast)).toBe(true)
    // Sent.
    await page.locator('[data-category="faded"]').click()
    await page.locator('form[data-form=report] button[type=submit]').click()
    await expect.poll(() => toast.textContent(), { timeout: 30_000 }).toBe('已发送，谢谢！')
    expect(await inView(toast)).toBe(true)
    // Online but the server says too many: kept, sent later by itself — not "no network".
    await page.route('**/api/stops/*/reports', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'retry-after': '2', 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'too many' } }),
      }),
    )
    await page.locator('[data-category="blocked"]').click()
    await page.locator('form[data-form=report] button[type=submit]').click()
    await expect.poll(() => toast.textContent(), { timeout: 30_000 }).toBe('提交太频繁，已保存在手机上，稍后自动发送')
    expect(await inView(toast)).toBe(true)
    await shot(page, 'report-rate-limited-zh')
    await page.unroute('**/api/stops/*/reports')
    // … and it goes by itself.
    await expect.poll(() => page.locator('.report-item.r-sent').count(), { timeout: 30_000 }).toBe(2)
    // Offline.
    await context.setOffline(true)
    await expect.poll(() => page.locator('[data-live="banner"]').isVisible()).toBe(true)
    await page.locator('[data-category="other"]').click()
    await page.locator('form[data-form=report] button[type=submit]').click()
    await expect.poll(() => toast.textContent()).toBe('没有网络，已保存在手机上，有网时自动发送')
    expect(await inView(toast)).toBe(true)
    await context.setOffline(false)
    await expect.poll(() => page.locator('.report-item.r-sent').count(), { timeout: 30_000 }).toBe(3)
  })

  it('has a 7-day timetable by route; a bookable departure in it opens the booking', async () => {
    await page.goto(stopUrl())
    await page.locator('a.tt-link').click()
    const route = page.locator('.tt-route[data-route="VD-R01"]')
    await route.waitFor({ timeout: 30_000 })
    expect(await route.locator('dt').count()).toBeGreaterThanOrEqual(6)
    expect(await route.locator(`[data-book="${tripFar}"]`).count()).toBe(1)
    await shot(page, 'timetable-zh')
    await route.locator(`[data-book="${tripFar}"]`).click()
    await page.locator('form[data-form=book]').waitFor({ timeout: 30_000 })
  })

  it('names the next market day of a market-day-only stop with its lunar date', async () => {
    await page.goto(stopUrl(marketStop))
    const [y, m, d] = marketDate.split('-').map(Number) as [number, number, number]
    const weekday = WEEK[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]
    const expected = `下次赶场 ${m}月${d}日 ${weekday} ${lunarLabel(serviceDate(marketDate))}`
    expect(await page.locator('.chip [data-market="VD-R02"]').textContent()).toBe(expected)
    // With no bus in the next hours, the empty list says when the next market day is.
    if ((await page.locator('.deps-section .empty').count()) > 0)
      expect(await page.locator('.deps-section .empty').textContent()).toContain(expected)
    await shot(page, 'market-zh')
  })

  it('"tell me when it comes": a phone number, one SMS when the bus is 2 stops away; listed and cancelled in my bookings', async () => {
    await page.goto(`${stopUrl()}#t/${tripOnDemand}`)
    await page.locator('a.remind-btn').click()
    await page.locator('form[data-form=remind]').waitFor()
    expect(await page.locator('input[name=stopsBefore][value="2"]').isChecked()).toBe(true)
    await page.fill('#rm-phone', '139 0000 0301')
    await page.locator('form[data-form=remind] button[type=submit]').click()
    const toast = page.locator('.toast')
    await expect
      .poll(() => toast.textContent(), { timeout: 30_000 })
      .toBe('好了：车离本站还有2站时发短信到 139****0301')
    expect(await inView(toast)).toBe(true)
    await shot(page, 'remind-zh')
    const rows = (
      await server.app.rb.db.query<{ state: string; stops_before: number; phone: string }>(
        'SELECT state, stops_before, phone FROM stop_reminder WHERE trip_instance_id = $1',
        [tripOnDemand],
      )
    ).rows
    expect(rows).toEqual([{ state: 'active', stops_before: 2, phone: '13900000301' }])
    await page.goto(`${stopUrl()}#mine`)
    const item = page.locator('[data-live="reminders"] [data-reminder]')
    await expect.poll(() => item.locator('.pill').textContent(), { timeout: 30_000 }).toBe('等待中')
    await item.locator('[data-action="cancel-reminder"]').click()
    await expect.poll(() => item.locator('.pill').textContent(), { timeout: 30_000 }).toBe('已取消')
    expect(
      (
        await server.app.rb.db.query<{ state: string }>('SELECT state FROM stop_reminder WHERE trip_instance_id = $1', [
          tripOnDemand,
        ])
      ).rows,
    ).toEqual([{ state: 'cancelled' }])
  })

  it('reads the next bus aloud in Chinese where the phone can speak, and remembers large type', async () => {
    await page.goto(stopUrl())
    const speak = page.locator('[data-action="speak"]')
    await expect.poll(() => speak.isVisible()).toBe(true)
    await speak.click()
    const spoken = await page.evaluate<{ text: string; lang: string }[]>('window.__spoken')
    expect(spoken).toHaveLength(1)
    expect(spoken[0]?.lang).toBe('zh-CN')
    expect(spoken[0]?.text).toMatch(/^水尾村站。下一班车：场镇—卫生院，开往卫生院，/)
    const size = () => page.evaluate<number>('parseFloat(getComputedStyle(document.documentElement).fontSize)')
    expect(await size()).toBe(20)
    await page.locator('[data-action="large"]').click()
    expect(await size()).toBe(25)
    await shot(page, 'large-zh')
    // Painted large by the server on the next visit.
    const res = await page.reload()
    expect(await res?.text()).toContain('<html lang="zh-CN" class="large"')
    expect(await size()).toBe(25)
    await page.locator('[data-action="large"]').click()
    expect(await size()).toBe(20)

    // A browser without speech synthesis: no button.
    const mute = await browser.newContext(PHONE)
    await mute.addInitScript('delete window.speechSynthesis; delete window.SpeechSynthesisUtterance')
    const q = await mute.newPage()
    await q.goto(stopUrl())
    await expect.poll(() => q.evaluate('document.documentElement.dataset.ready !== undefined')).toBe(true)
    expect(await q.locator('[data-action="speak"]').isVisible()).toBe(false)
    await mute.close()
  })

  it('gives the times their own row in English on a narrow screen; the empty "my bookings" offers trips to book', async () => {
    const fresh = await browser.newContext({ ...PHONE, locale: 'en-GB' })
    const q = await fresh.newPage()
    await q.goto(`${stopUrl()}?lang=en`)
    const card = q.locator(`[data-trip="${tripOnDemand}"]`)
    await expect
      .poll(() => q.evaluate("document.documentElement.dataset.live === 'up'"), { timeout: 30_000 })
      .toBe(true)
    // Measured in one go in the page (a live redraw may replace the card between two reads).
    const layout = () =>
      q.evaluate<{ whenBelow: boolean; mainWidth: number } | null>(`(() => {
        const card = document.querySelector('[data-trip="${tripOnDemand}"]')
        if (!card) return null
        const main = card.querySelector('.dep-main').getBoundingClientRect()
        const when = card.querySelector('.dep-when').getBoundingClientRect()
        return { whenBelow: when.top >= main.bottom - 1, mainWidth: main.width }
      })()`)
    await expect.poll(layout).toMatchObject({ whenBelow: true })
    expect((await layout())?.mainWidth).toBeGreaterThan(250)
    expect(await card.locator('[data-booking-line]').textContent()).toMatch(
      /^Book to ride · runs with 3 riders · \d booked · book by \d\d:\d\d$/,
    )
    await shot(q, 'stop-narrow-en')
    await q.locator('.top .lang').click()
    await q.locator('a.btn', { hasText: '我的预约' }).click()
    const offer = q.locator(`[data-live="bookable"] [data-book="${tripFar}"]`)
    await offer.waitFor({ timeout: 30_000 })
    expect(await q.locator('.empty').textContent()).toBe('还没有预约')
    await shot(q, 'mine-empty-zh')
    await offer.click()
    await q.locator('form[data-form=book]').waitFor({ timeout: 30_000 })
    await fresh.close()
  })

  it('had no script errors; the only failed requests are the ones the tests caused', async () => {
    await waitFor(() => true)
    const caused = [/ERR_INTERNET_DISCONNECTED/, /status of 429/, /status of 400/]
    expect(errors.filter((e) => !caused.some((c) => c.test(e)))).toEqual([])
  })
})
