/**
 * Admin › GTFS in real Chromium, in Chinese, as an operator: a feed that reuses the county bus
 * station's number XY-0001 is checked first (dry run: the conflict is listed, confirm stays off),
 * imported with that stop given a new number, and undone from the import list — the county's
 * station never changes, and after the undo the feed's stops are gone.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Stop } from '@rb/domain'
import { nevadaFeed } from '../support/gtfs-feeds.js'
import { TEST_USER_PASSWORD, type TestServer } from '../support/server.js'
import { chromiumAvailable, launch, signIn, watchErrors } from './support/browser.js'
import { startDemoServer } from './support/console.js'

describe.skipIf(!chromiumAvailable())('GTFS import in the console: dry run, confirm, undo', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let station: Stop
  let stopCount: number

  const stops = async (): Promise<Stop[]> =>
    (await server.apiJson<{ items: Stop[] }>('GET', '/api/stops?limit=1000')).body.items

  beforeAll(async () => {
    server = await startDemoServer()
    const operator = await server.loginAs('operator')
    const all = await stops()
    station = all.find((s) => s.code === 'XY-0001')!
    stopCount = all.length
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    errors = watchErrors(page)
    await signIn(page, server.baseUrl, operator.user.username, TEST_USER_PASSWORD, '#/admin/gtfs', 'zh')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lists the conflict in the dry run and does not import until a choice is made', async () => {
    const card = page.locator('.card.gtfs-import')
    await card
      .locator('input[name=feed]')
      .setInputFiles({ name: 'nevada.zip', mimeType: 'application/zip', buffer: Buffer.from(nevadaFeed()) })
    expect(await card.locator('button.import').isDisabled()).toBe(true)
    await card.locator('button.dry-run').click()
    await expect
      .poll(() => card.locator('.import-status .status').textContent(), { timeout: 60_000 })
      .toMatch(/^预检：将写入 \d+ 行，1 个冲突$/)
    const conflict = card.locator('tr[data-id="stop:XY-0001"]')
    expect(await conflict.textContent()).toContain(station.name)
    expect(await conflict.textContent()).toContain('Stagecoach Hotel & Casino')
    expect(await card.locator('.conflicts-title').textContent()).toBe(
      '数据包中有 1 个编号已被本县使用：请逐个选择，或统一选择',
    )
    expect(await card.locator('button.import').isDisabled()).toBe(true)
    // Nothing written by the dry run.
    expect((await stops()).length).toBe(stopCount)
    expect((await server.apiJson<{ items: unknown[] }>('GET', '/api/gtfs/imports')).body.items).toEqual([])
    await card.screenshot({
      path: fileURLToPath(
        new URL(
          `../../${process.env.DOC_SCREENSHOTS === '1' ? 'docs/images' : 'test-results/gtfs'}/gtfs-import-dry-run.png`,
          import.meta.url,
        ),
      ),
    })
  })

  it('imports with the feed’s stop given a new number, leaving the county bus station as it was', async () => {
    const card = page.locator('.card.gtfs-import')
    const before = (await stops()).length
    await card.locator('select[name="choice-stop:XY-0001"]').selectOption('rename')
    expect(await card.locator('button.import').isDisabled()).toBe(false)
    await card.locator('button.import').click()
    await expect
      .poll(() => card.locator('.import-status .status').textContent(), { timeout: 60_000 })
      .toMatch(/^已导入（第 \d+ 次导入）：写入 \d+ 行$/)
    const after = await stops()
    expect(after.length).toBe(before + 9)
    expect(after.find((s) => s.code === 'XY-0001')).toEqual(station)
    expect(after.some((s) => s.name === 'Stagecoach Hotel & Casino (Demo)')).toBe(true)
    await card.locator('.import-history tbody tr').first().waitFor()
    expect(await card.locator('.import-history tbody tr').first().textContent()).toContain('已导入')
  })

  it('undoes the import from the list: the feed’s stops are gone again', async () => {
    const card = page.locator('.card.gtfs-import')
    await card.locator('.import-history tbody tr').first().locator('button.undo').click()
    await expect
      .poll(() => card.locator('.undo-status .status').textContent(), { timeout: 60_000 })
      .toMatch(/^第 \d+ 次导入已撤销：删除 \d+ 行，恢复 0 行$/)
    expect((await stops()).some((s) => s.name === 'Stagecoach Hotel & Casino (Demo)')).toBe(false)
    expect((await stops()).find((s) => s.code === 'XY-0001')).toEqual(station)
    await expect
      .poll(() => card.locator('.import-history tbody tr').first().textContent())
      .toMatch(/已由 t-operator 撤销/)
    expect(await card.locator('.import-history tbody tr').first().locator('button.undo').isDisabled()).toBe(true)
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
