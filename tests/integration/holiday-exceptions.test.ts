/**
 * County-wide holiday exceptions through the real server, on the demo county: one Spring Festival
 * exception (除夕–初三) takes the market trips off those days for every market calendar at once —
 * the trip list of those days has none left but the exempt calendar's, the day after is as before,
 * other kinds run — and deleting it brings them back. The calendar preview says why a day is off,
 * with its lunar date; the calendars' own rules are untouched. Bad input is refused with its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCounty } from '@rb/domain'
import { startServer, targets, type TestServer } from '../support/server.js'

interface Instance {
  id: string
  tripId: string
  kind: string
}
interface Calendar {
  id: string
  name: string
  rules: { removed: string[] }
}
interface Summary {
  id: string
  kind: string
  words: { zh: string; en: string }
}
interface Preview {
  kind: string
  words: { zh: string }
  days: { date: string; runs: boolean; lunar: string; market: boolean; holiday: string | null }[]
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string } }
}

const SPRING = ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']

describe.each(targets())('holiday exceptions on $name', (target) => {
  let server: TestServer
  let marketCalendars: string[]
  let tripCalendar: Map<string, string>

  const trips = async (date: string): Promise<Instance[]> =>
    (await server.apiJson<{ items: Instance[] }>('GET', `/api/trips?date=${date}`)).body.items
  const marketTrips = async (date: string): Promise<Instance[]> =>
    (await trips(date)).filter((i) => marketCalendars.includes(tripCalendar.get(i.tripId) ?? ''))

  beforeAll(async () => {
    server = await startServer({ ...target.env, DEMO_DATA: 'auto', SIM_VEHICLES: '0' })
    // The demo county seeds itself into the embedded database only; PostgreSQL gets it here.
    if ((await server.app.rb.network.snapshot()).stops.length === 0)
      await server.app.rb.network.importNetwork(demoCounty())
    const summary = (await server.apiJson<{ items: Summary[] }>('GET', '/api/calendars-summary')).body.items
    marketCalendars = summary.filter((c) => c.kind === 'market').map((c) => c.id)
    const schedule = (
      await server.apiJson<{ items: { id: string; calendarId: string }[] }>('GET', '/api/schedule/trips')
    ).body.items
    tripCalendar = new Map(schedule.map((t) => [t.id, t.calendarId]))
  })
  afterAll(async () => {
    await server?.close()
  })

  it('reads every market calendar as one kind, with its rule in words', async () => {
    expect(marketCalendars.length).toBeGreaterThanOrEqual(11)
    const summary = (await server.apiJson<{ items: Summary[] }>('GET', '/api/calendars-summary')).body.items
    const jiangmen = summary.find((c) => c.id === 'XY-C-MKT-T02')!
    expect(jiangmen.words.zh).toBe('农历每月逢一、四、七')
    expect(jiangmen.words.en).toBe('lunar days ending in 1, 4, 7')
  })

  it('stops the market buses of every market calendar from 除夕 to 初三 in one change, but the exempt one', async () => {
    const before = await Promise.all(SPRING.map(marketTrips))
    expect(before.flat().length).toBeGreaterThan(0)
    const dayAfter = (await marketTrips('2027-02-09')).length
    const others = (await trips('2027-02-06')).filter(
      (i) => !marketCalendars.includes(tripCalendar.get(i.tripId) ?? ''),
    ).length
    // The exempt calendar: one that runs on one of those days.
    const exempt = tripCalendar.get(before.flat()[0]!.tripId)!

    const put = await server
      .loginAs('operator')
      .then((op) =>
        server.apiJson(
          'PUT',
          '/api/holiday-exceptions/sf-2027',
          { name: '春节', start: '2027-02-05', end: '2027-02-08', kinds: ['market'], exemptCalendars: [exempt] },
          op,
        ),
      )
    expect(put.status).toBe(200)

    for (const d of SPRING) {
      const left = await marketTrips(d)
      expect(left.every((i) => tripCalendar.get(i.tripId) === exempt)).toBe(true)
    }
    expect(before.flat().filter((i) => tripCalendar.get(i.tripId) !== exempt).length).toBeGreaterThan(0)
    expect((await marketTrips('2027-02-09')).length).toBe(dayAfter)
    expect(
      (await trips('2027-02-06')).filter((i) => !marketCalendars.includes(tripCalendar.get(i.tripId) ?? '')).length,
    ).toBe(others)

    // The calendars' own rules are as they were: the exception is applied when the timetable is read.
    const stored = (await server.apiJson<Calendar>('GET', '/api/calendars/XY-C-MKT-T02')).body
    expect(stored.rules.removed).not.toContain('2027-02-06')

    // The preview says why: 正月初一 is a market day of a 1-4-7 lunar town, off for 春节.
    const preview = (
      await server.apiJson<Preview>('GET', '/api/calendars/XY-C-MKT-T02/preview?from=2027-01-01&months=12')
    ).body
    expect(preview.days).toHaveLength(365)
    const newYear = preview.days.find((d) => d.date === '2027-02-06')!
    if (exempt !== 'XY-C-MKT-T02')
      expect(newYear).toEqual({ date: '2027-02-06', runs: false, lunar: '正月初一', market: true, holiday: '春节' })
    expect(preview.days.find((d) => d.date === '2027-02-09')).toMatchObject({
      lunar: '正月初四',
      market: true,
      runs: true,
      holiday: null,
    })

    // Deleted, the market buses are back.
    expect((await server.apiJson('DELETE', '/api/holiday-exceptions/sf-2027')).status).toBe(204)
    expect((await Promise.all(SPRING.map(marketTrips))).flat().length).toBe(before.flat().length)
  })

  it('refuses bad input with the field named, and writes for operators only', async () => {
    const backwards = await server.apiJson<ErrorBody>('PUT', '/api/holiday-exceptions/bad', {
      name: 'x',
      start: '2027-02-08',
      end: '2027-02-05',
      kinds: ['market'],
      exemptCalendars: [],
    })
    expect(backwards.status).toBe(400)
    expect(backwards.body.error.details?.field).toBe('end')
    const ghost = await server.apiJson<ErrorBody>('PUT', '/api/holiday-exceptions/bad', {
      name: 'x',
      start: '2027-02-05',
      end: '2027-02-08',
      kinds: ['market'],
      exemptCalendars: ['NO-SUCH'],
    })
    expect(ghost.status).toBe(400)
    expect(ghost.body.error.details?.field).toBe('exemptCalendars')
    const kind = await server.apiJson<ErrorBody>('PUT', '/api/holiday-exceptions/bad', {
      name: 'x',
      start: '2027-02-05',
      end: '2027-02-08',
      kinds: ['weekend'],
      exemptCalendars: [],
    })
    expect(kind.status).toBe(400)
    expect(
      (await server.apiJson<{ items: { id: string }[] }>('GET', '/api/holiday-exceptions')).body.items.map((h) => h.id),
    ).not.toContain('bad')
    const dispatcher = await server.loginAs('dispatcher')
    expect(
      (
        await server.apiJson(
          'PUT',
          '/api/holiday-exceptions/sf',
          { name: 'x', start: '2027-02-05', end: '2027-02-08', kinds: ['market'], exemptCalendars: [] },
          dispatcher,
        )
      ).status,
    ).toBe(403)
  })
})
