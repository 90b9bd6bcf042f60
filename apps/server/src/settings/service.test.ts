import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError, DEFAULT_COUNTY_SETTINGS, type CountySettings } from '@rb/domain'
import type { Db, OpenedDb } from '@rb/db'
import { testDatabases } from '../../../../packages/db/src/testing/databases.js'
import { SettingsService } from './service.js'

/** The real database behind a switch: while `away`, every call fails as a lost connection would. */
function switchable(db: Db): Db & { away: boolean } {
  const gone = (): Promise<never> => Promise.reject(new Error('connection refused'))
  const s: Db & { away: boolean } = {
    away: false,
    kind: db.kind,
    query: (sql, params) => (s.away ? gone() : db.query(sql, params)),
    transaction: (fn) => (s.away ? gone() : db.transaction(fn)),
    close: () => db.close(),
  }
  return s
}

function quietLog() {
  const lines: { level: string; msg: string }[] = []
  return {
    lines,
    info: (_: object, msg: string) => lines.push({ level: 'info', msg }),
    warn: (_: object, msg: string) => lines.push({ level: 'warn', msg }),
  }
}

describe.each(testDatabases())('county settings service on $name', (target) => {
  let opened: OpenedDb
  const started: SettingsService[] = []
  const start = async (db: Db, log = quietLog()) => {
    const s = await SettingsService.start(db, log, () => Date.parse('2026-03-02T00:00:00Z'))
    started.push(s)
    return s
  }

  beforeAll(async () => {
    opened = await target.open()
  })
  afterAll(async () => {
    for (const s of started) s.close()
    await opened?.db.close()
  })

  it('starts on the defaults, with a warning, while the database is away, and takes the stored ones once it is back', async () => {
    const db = switchable(opened.db)
    db.away = true
    const log = quietLog()
    const a = await start(db, log)
    expect(a.get()).toEqual(DEFAULT_COUNTY_SETTINGS)
    expect(a.view()).toMatchObject({ updatedTs: null, updatedBy: null })
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('database not reachable at start'))).toBe(true)
    const heard: CountySettings[] = []
    a.onChange((s) => heard.push(s))
    expect(heard).toEqual([DEFAULT_COUNTY_SETTINGS])
    // A change cannot be saved while it is away; the current settings stay.
    await expect(a.update({ missedGraceS: 900 }, 'admin')).rejects.toThrow(/connection refused/)
    expect(await a.refresh()).toBe(false)

    db.away = false
    const b = await start(opened.db)
    await b.update({ lateness: { lateS: 240 }, dailyDrivingLimitMin: 420 }, 'admin')
    expect(await a.refresh()).toBe(true)
    expect(a.get()).toEqual({
      ...DEFAULT_COUNTY_SETTINGS,
      lateness: { earlyS: 60, lateS: 240 },
      dailyDrivingLimitMin: 420,
    })
    expect(a.view()).toMatchObject({ updatedBy: 'admin', updatedTs: Date.parse('2026-03-02T00:00:00Z') })
    expect(heard.at(-1)).toEqual(a.get())
    expect(heard).toHaveLength(2)
    // Reading the same again tells nobody.
    await a.refresh()
    expect(heard).toHaveLength(2)
  })

  it('refuses a bad update and stores nothing of it', async () => {
    const s = await start(opened.db)
    const before = s.get()
    const err = await s.update({ lateness: { lateS: 5 }, dailyDrivingLimitMin: 300 }, 'admin').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).details).toMatchObject({ field: 'lateness.lateS' })
    expect(s.get()).toEqual(before)
    await s.refresh()
    expect(s.get()).toEqual(before)
  })

  it('keeps the defaults for a stored value edited by hand out of range, and says so', async () => {
    await opened.db.query(
      "INSERT INTO county_setting (key, value, updated_at, updated_by) VALUES ('missedGraceS', '99999', now(), 'psql') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    )
    const log = quietLog()
    const s = await start(opened.db, log)
    expect(s.get().missedGraceS).toBe(600)
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('stored values refused'))).toBe(true)
  })
})
