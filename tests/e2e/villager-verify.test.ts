/**
 * Booking with SMS code confirmation (BOOKING_VERIFY=always) on the villager page, in real
 * Chromium on a 360×740 phone screen against the real server; the codes are read from the SMS
 * outbox in the database, as the phone would receive them. The seat is held with a countdown, the
 * code field opens the number keypad, a wrong code is told with the tries left, a lost text is
 * sent again after the cooldown (the old code stops working), the right code confirms the booking
 * and its "booked" text goes out; a held booking is offered again from "my bookings"; a hold that
 * ran out says so and offers to book again.
 * DOC_SCREENSHOTS=1 writes the screenshots into docs/images (else test-results/villager).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { bookingRepo } from '@rb/db'
import { buildVillager } from '../../apps/villager/scripts/build.js'
import { startServer, waitFor, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, watchErrors } from './support/browser.js'
import { apiPut, villagerShot } from './support/villager.js'

const ORIGIN: [number, number] = [105.46, 28.12]
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / 111_195]
const NAMES = ['场镇', '石坝村', '水尾村', '卫生院']
const HEIGHT = 740
const PHONE = { viewport: { width: 360, height: HEIGHT }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

describe.skipIf(!chromiumAvailable())('villager page, booking with an SMS code, in Chromium on 360×740', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  const codes: string[] = []
  let trip: string

  const stopUrl = (): string => `${server.baseUrl}/s/${codes[1]}`
  const put = (path: string, body: unknown, method = 'PUT') => apiPut(server, path, body, method)

  /** Inside the screen: visible, top and bottom within the viewport. */
  async function inView(l: Locator): Promise<boolean> {
    if (!(await l.isVisible())) return false
    const b = await l.boundingBox()
    return b !== null && b.y >= 0 && b.y + b.height <= HEIGHT
  }

  /** The newest SMS code texted for a booking, once the outbox has written it. */
  async function smsCode(bookingCode: string, notThis?: string): Promise<string> {
    const booking = await bookingRepo.bookingByCode(server.app.rb.db, bookingCode)
    return waitFor(
      async () => {
        const texts = (await bookingRepo.messagesFor(server.app.rb.db, { bookingId: booking?.id ?? 0 })).filter(
          (m) => m.kind === 'verify_code',
        )
        const code = /验证码(\d{6})/.exec(texts.at(-1)?.body ?? '')?.[1]
        return code && code !== notThis ? code : null
      },
      60_000,
      100,
    )
  }

  async function bookOnPage(phone: string): Promise<string> {
    await page.goto(stopUrl())
    await page.goto(`${stopUrl()}#b/${trip}`)
    await page.locator('form[data-form=book]').waitFor({ timeout: 30_000 })
    await page.locator('.choice', { hasText: '卫生院' }).click()
    await page.fill('#bk-name', '李秀英')
    await page.fill('#bk-phone', phone)
    await page.locator('form[data-form=book] button[type=submit]').click()
    const held = page.locator('[data-verify="held"]')
    await held.waitFor({ timeout: 30_000 })
    return (await held.getAttribute('data-booking')) ?? ''
  }

  beforeAll(async () => {
    await buildVillager({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'VV', BOOKING_VERIFY: 'always' })
    await put('/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })
    await put('/api/townships/VV-T01', { name: '水尾镇', nameEn: 'Shuiwei', center: ORIGIN })
    for (const [i, name] of NAMES.entries())
      codes.push(
        (await put('/api/stops', { name, townshipId: 'VV-T01', point: at(i * 400), installedOn: '2026-01-01' }, 'POST'))
          .code as string,
      )
    await put('/api/routes/VV-R01', {
      name: '场镇—卫生院',
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
    // Three hours ahead, bookable until an hour before.
    const dep = Math.round((Date.now() + 3 * 3_600_000) / 60_000) * 60_000
    const day = serviceDayOf(dep)
    await put('/api/schedule/trips/VV-R01-A', {
      routeId: 'VV-R01',
      calendarId: 'daily',
      direction: 0,
      headsign: '卫生院',
      departureS: (dep - serviceDayStartMs(day)) / 1000,
      stopOffsetsS: [0, 120, 240, 360],
      seats: 19,
      minRiders: 0,
      bookingPolicy: 'optional',
      bookingCutoffMin: 60,
    })
    trip = `VV-R01-A_${day.replaceAll('-', '')}`
    browser = await launch()
    page = await (await browser.newContext({ ...PHONE, locale: 'zh-CN' })).newPage()
    errors = watchErrors(page)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('holds the seat with a countdown, refuses a wrong code with the tries left, sends the code again, and confirms', async () => {
    const code = await bookOnPage('13900000501')
    const toast = page.locator('.toast')
    expect(await toast.textContent()).toBe('座位已保留，请输入短信验证码')
    // The seat is held, and counting down.
    const left = page.locator('[data-countdown]')
    expect(await left.getAttribute('role')).toBe('timer')
    const first = (await left.textContent()) ?? ''
    expect(first).toMatch(/^[45]:\d\d$/)
    await expect.poll(() => left.textContent(), { timeout: 30_000 }).not.toBe(first)
    expect(await page.locator('[data-verify="held"]').textContent()).toContain('139****0501')
    // The number keypad, and the text's code offered by the keyboard.
    const input = page.locator('#sms-code')
    expect(await input.getAttribute('inputmode')).toBe('numeric')
    expect(await input.getAttribute('autocomplete')).toBe('one-time-code')
    expect(await page.locator('[data-verify-status]').getAttribute('aria-live')).toBe('polite')
    // Not sent again at once: the button says when.
    const resend = page.locator('[data-action="resend-code"]')
    expect(await resend.isDisabled()).toBe(true)
    expect(await resend.textContent()).toMatch(/^\d+ 秒后可重新发送$/)
    await villagerShot(page, 'verify-held-zh')

    // Too few digits: said at once, nothing sent.
    await input.fill('12')
    await page.locator('form[data-form=verify] button[type=submit]').click()
    const fieldError = page.locator('[data-field-error="smsCode"]')
    await expect.poll(() => fieldError.textContent()).toBe('请输入短信里的 6 位数字')
    // A wrong code: the tries left, next to the field and in the toast, inside the screen.
    const sms = await smsCode(code)
    await input.fill(sms === '000000' ? '111111' : '000000')
    await page.locator('form[data-form=verify] button[type=submit]').click()
    await expect.poll(() => fieldError.textContent(), { timeout: 30_000 }).toBe('验证码不对，还可以试 4 次')
    expect(await fieldError.getAttribute('role')).toBe('alert')
    expect(await input.getAttribute('aria-invalid')).toBe('true')
    expect(await inView(fieldError)).toBe(true)
    expect(await toast.textContent()).toBe('验证码不对，还可以试 4 次')
    expect(await inView(toast)).toBe(true)
    await villagerShot(page, 'verify-wrong-zh')

    // The text did not come: once the cooldown is over, a new code (the old one stops working).
    await expect.poll(() => resend.isEnabled(), { timeout: 90_000, interval: 500 }).toBe(true)
    expect(await resend.textContent()).toBe('重新发送验证码')
    await resend.click()
    await expect
      .poll(() => page.locator('[data-verify-status]').textContent(), { timeout: 30_000 })
      .toBe('新验证码已发送，之前的验证码不再有效')
    const fresh = await smsCode(code, sms)
    expect(await resend.isDisabled()).toBe(true)
    await input.fill(sms)
    await page.locator('form[data-form=verify] button[type=submit]').click()
    await expect.poll(() => fieldError.textContent(), { timeout: 30_000 }).toBe('验证码不对，还可以试 3 次')

    // The right code: the booking stands, its code shown big, the "booked" text goes out.
    await input.fill(fresh)
    await page.locator('form[data-form=verify] button[type=submit]').click()
    await page.locator('[data-code]').waitFor({ timeout: 30_000 })
    expect((await page.locator('[data-code]').textContent())?.trim()).toBe(code)
    expect(await toast.textContent()).toBe(`预约成功，乘车码 ${code}`)
    await villagerShot(page, 'verify-done-zh')
    const stored = await bookingRepo.bookingByCode(server.app.rb.db, code)
    expect(stored?.status).toBe('confirmed')
    await waitFor(
      async () =>
        (await bookingRepo.messagesFor(server.app.rb.db, { bookingId: stored?.id ?? 0 })).some(
          (m) => m.kind === 'booked' && m.sentTs !== null,
        ),
      60_000,
      100,
    )
  })

  it('offers a held booking again from "my bookings", and says so when the hold ran out', async () => {
    const code = await bookOnPage('13900000502')
    // Left the page before typing the code: "my bookings" says the seat is held and leads back.
    await page.goto(`${stopUrl()}#mine`)
    const row = page.locator(`.booking[data-booking="${code}"]`)
    await expect
      .poll(() => row.locator('.warning').textContent(), { timeout: 30_000 })
      .toBe('座位保留中，输入短信验证码后预约才算成功')
    await row.locator('a', { hasText: '输入短信验证码' }).click()
    await page.locator(`[data-verify="held"][data-booking="${code}"]`).waitFor({ timeout: 30_000 })
    // The hold runs out (moved into the past in the database) before the code is typed.
    const sms = await smsCode(code)
    await server.app.rb.db.query(
      "UPDATE booking_hold SET expires_at = now() - interval '1 second' WHERE booking_id = (SELECT id FROM booking WHERE code = $1)",
      [code],
    )
    await page.locator('#sms-code').fill(sms)
    await page.locator('form[data-form=verify] button[type=submit]').click()
    const closed = page.locator('[data-verify="closed"]')
    await closed.waitFor({ timeout: 30_000 })
    expect(await closed.locator('h2').textContent()).toBe('保留时间已过，座位已释放，请重新预约')
    expect(await page.locator('.toast').textContent()).toBe('保留时间已过，座位已释放，请重新预约')
    await villagerShot(page, 'verify-expired-zh')
    // The server lets the seat go; the page offers the form again.
    await waitFor(
      async () =>
        (await server.app.rb.booking.abuse.sweep()) >= 0 &&
        (await bookingRepo.bookingByCode(server.app.rb.db, code))?.status === 'cancelled',
      60_000,
      200,
    )
    await closed.locator('[data-action="book-again"]').click()
    await page.locator('form[data-form=book]').waitFor({ timeout: 30_000 })
  })

  it('had no script errors; the only failed requests are the refusals the tests caused', () => {
    const caused = [/status of 400/, /status of 409/]
    expect(errors.filter((e) => !caused.some((c) => c.test(e)))).toEqual([])
  })
})
