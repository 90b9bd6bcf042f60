/**
 * Grid reporters in real Chromium against the real server: a villager registers as a grid
 * reporter on a 360 px phone from the stop page (the SMS code read from the outbox, as the phone
 * would get it), reports a pothole, a dispatcher confirms its points on the ticket in the console,
 * and the reporter sees them on 我的上报; the month's leaderboard shows them.
 * DOC_SCREENSHOTS=1 writes the screenshots into docs/images (else test-results/grid-reporters).
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { buildVillager } from '../../apps/villager/scripts/build.js'
import { bookingNetwork } from '../support/booking-network.js'
import { startServer, TEST_USER_PASSWORD, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
const SHOTS = new URL(
  process.env.DOC_SCREENSHOTS ? '../../docs/images/' : '../../test-results/grid-reporters/',
  import.meta.url,
)
const shot = (name: string): string => new URL(name, SHOTS).pathname

describe.skipIf(!chromiumAvailable())('grid reporters in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let dispatcher: RoleSession
  let stopCode: string

  beforeAll(async () => {
    await buildVillager({ quiet: true })
    server = await startServer({ COUNTY_PREFIX: 'GE' })
    dispatcher = await server.loginAs('dispatcher')
    stopCode = (await bookingNetwork(server, 'GE')).stops[0] as string
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('registers a reporter on a phone, and shows the points a dispatcher confirms in the console', async () => {
    const phone = await (await browser.newContext(PHONE)).newPage()
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${server.baseUrl}/s/${stopCode}#report`)
    await phone.locator('a[data-link=grid]').click()
    const join = phone.locator('form[data-form=grid-register]')
    await join.waitFor({ timeout: 30_000 })
    await phone.fill('input[name=reporterName]', '王秀英')
    await phone.fill('input[name=reporterPhone]', '139 0000 7788')
    await phone.screenshot({ path: shot('engagement-grid-register-zh.png') })
    await join.locator('button[type=submit]').click()
    await phone.locator('form[data-form=grid-code]').waitFor({ timeout: 30_000 })
    const text = await waitFor(async () => {
      const r = await server.app.rb.db.query<{ body: string }>(
        "SELECT body FROM notification_outbox WHERE recipient = '13900007788' AND kind = 'verify_code' ORDER BY id DESC LIMIT 1",
      )
      return r.rows[0]?.body
    })
    const code = /验证码(\d{6})/.exec(text)?.[1] ?? ''
    // A wrong code first: told so, the form stays.
    await phone.fill('input[name=reporterCode]', code === '000000' ? '111111' : '000000')
    await phone.click('form[data-form=grid-code] button[type=submit]')
    await phone.locator('[data-grid-error]').waitFor({ timeout: 30_000 })
    expect(await phone.locator('[data-grid-error]').innerText()).toContain('还可以再试 4 次')
    await phone.fill('input[name=reporterCode]', code)
    await phone.click('form[data-form=grid-code] button[type=submit]')
    const me = phone.locator('[data-grid-reporter]')
    await me.waitFor({ timeout: 30_000 })
    expect(await me.innerText()).toContain('王秀英')

    // A pothole at this stop, sent from the report page with the reporter's token.
    await phone.click('a[href="#report"]')
    await phone.locator('button[data-category=pothole]').click()
    await phone.click('form[data-form=report] button[type=submit]')
    await phone.locator('[data-notice=sent]').waitFor({ timeout: 30_000 })
    const sent = await server.app.rb.db.query<{ id: string; ticket_id: string; reporter_id: string | null }>(
      'SELECT id, ticket_id, reporter_id FROM report WHERE stop_code = $1',
      [stopCode],
    )
    expect(sent.rows).toHaveLength(1)
    expect(sent.rows[0]?.reporter_id).toMatch(/^G/)
    const ticket = Number(sent.rows[0]?.ticket_id)

    // The dispatcher confirms it on the ticket in the console.
    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    const deskErrors = watchErrors(desk)
    await signIn(desk, server.baseUrl, dispatcher.user.username, TEST_USER_PASSWORD, `#/tickets?ticket=${ticket}`, 'zh')
    const confirm = desk.locator(`[data-action=grid-confirm][data-report="${sent.rows[0]?.id}"]`)
    await confirm.waitFor({ timeout: 30_000 })
    expect(await confirm.innerText()).toBe('确认积分（+10）')
    await desk
      .locator(`.card.ticket[data-ticket="${ticket}"]`)
      .screenshot({ path: shot('engagement-grid-ticket-zh.png') })
    await confirm.click()
    await desk.locator(`[data-grid-report="${sent.rows[0]?.id}"]`, { hasText: '+10 分' }).waitFor({ timeout: 30_000 })

    // The month's leaderboard.
    await desk.goto(`${server.baseUrl}/#/grid`)
    const row = desk.locator('.grid-view tr', { hasText: '王秀英' })
    await row.waitFor({ timeout: 30_000 })
    expect(await row.innerText()).toContain('139****7788')
    expect(await desk.locator('[data-grid-totals]').innerText()).toContain('10 分')
    await desk.screenshot({ path: shot('engagement-grid-leaderboard-zh.png') })
    expect(deskErrors.filter((e) => !e.includes('status of 401'))).toEqual([])

    // The reporter sees the points.
    await phone.goto(`${server.baseUrl}/s/${stopCode}#grid`)
    await phone.locator('[data-points=month]', { hasText: '10' }).waitFor({ timeout: 30_000 })
    expect(await phone.locator(`[data-grid-report="${sent.rows[0]?.id}"] [data-report-points]`).innerText()).toBe('+10')
    await phone.locator('.toast').waitFor({ state: 'hidden', timeout: 30_000 })
    await phone.screenshot({ path: shot('engagement-grid-mine-zh.png') })
    // The wrong code's 400 was expected.
    expect(phoneErrors.filter((e) => !e.includes('status of 400'))).toEqual([])
  })
})
