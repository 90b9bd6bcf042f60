/**
 * County-wide holiday exceptions (a span of days off for every calendar of a kind, with the
 * calendars that run anyway) and the calendar preview the console shows: a year of days with the
 * lunar date, market days, whether the calendar runs (exceptions applied) and which exception
 * stopped it. A change applies at once: the network's timetable is read again.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  addDays,
  AppError,
  applyHolidays,
  CALENDAR_KINDS,
  calendarKind,
  calendarWords,
  holidayDates,
  holidayStops,
  isMarketDayOf,
  lunarLabel,
  parseCalendar,
  runsOn,
  serviceDate,
  springFestival,
  CalendarError,
  type CalendarKind,
  type HolidayException,
} from '@rb/domain'
import { holidaysRepo, networkRepo } from '@rb/db'
import { audit, userOf } from '../../auth/index.js'
import { ErrorResponse } from '../../http/schemas.js'
import type { NetworkService } from '../../network/service.js'
import { DateString, Id } from './schemas.js'

const Kind = Type.Union(
  CALENDAR_KINDS.map((k) => Type.Literal(k)),
  { description: 'market: market days; school: school days; weekly: weekdays only; other' },
)
const Holiday = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 80 }),
  start: DateString,
  end: DateString,
  kinds: Type.Array(Kind, { minItems: 1, uniqueItems: true }),
  exemptCalendars: Type.Array(Id, { uniqueItems: true, description: 'calendars of those kinds that run anyway' }),
})
const HolidayBody = Type.Omit(Holiday, ['id'])
const Words = Type.Object({ zh: Type.String(), en: Type.String() })
const Summary = Type.Object({ id: Type.String(), name: Type.String(), kind: Kind, words: Words })
const PreviewDay = Type.Object({
  date: Type.String(),
  runs: Type.Boolean({ description: 'with the county-wide exceptions applied' }),
  lunar: Type.String({ description: '正月初一 …' }),
  market: Type.Boolean({ description: 'a market day by the calendar’s market rule' }),
  holiday: Type.Union([Type.Null(), Type.String()], { description: 'the exception that stops it that day' }),
})
const Preview = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Kind,
  words: Words,
  from: Type.String(),
  to: Type.String(),
  days: Type.Array(PreviewDay),
})

/** The wire shape (mutable arrays). */
const plain = (h: HolidayException) => ({ ...h, kinds: [...h.kinds], exemptCalendars: [...h.exemptCalendars] })

const READ = { access: ['dispatcher', 'operator'] as const }
const WRITE = { access: ['operator'] as const }

export const holidayRoutes: FastifyPluginAsyncTypebox<{ network: NetworkService }> = async (app, { network }) => {
  const db = network.db

  app.get(
    '/api/holiday-exceptions',
    {
      config: READ,
      schema: {
        tags: ['timetable'],
        summary: 'County-wide holiday exceptions',
        response: { 200: Type.Object({ items: Type.Array(Holiday) }) },
      },
    },
    async () => ({ items: (await holidaysRepo.listHolidays(db)).map(plain) }),
  )

  app.put(
    '/api/holiday-exceptions/:id',
    {
      config: WRITE,
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['timetable'],
        summary:
          'Create or replace a holiday exception: every calendar of its kinds stops on its days, but the exempt ones',
        params: Type.Object({ id: Id }),
        body: HolidayBody,
        response: { 200: Holiday, 400: ErrorResponse },
      },
    },
    async (req) => {
      const h: HolidayException = { id: req.params.id, ...req.body }
      try {
        holidayDates(h)
      } catch (err) {
        if (err instanceof CalendarError) throw new AppError('VALIDATION_FAILED', err.message, { field: 'end' })
        throw err
      }
      const known = new Set((await networkRepo.listCalendars(db)).map((c) => c.id))
      const unknown = h.exemptCalendars.filter((id) => !known.has(id))
      if (unknown.length)
        throw new AppError('VALIDATION_FAILED', `no calendar ${unknown.join(', ')}`, { field: 'exemptCalendars' })
      const before = await holidaysRepo.getHoliday(db, h.id)
      await holidaysRepo.saveHoliday(db, h, userOf(req).username)
      await audit(req, 'holiday.save', h.id, before, h)
      network.changed()
      return plain(h)
    },
  )

  app.delete(
    '/api/holiday-exceptions/:id',
    {
      config: WRITE,
      schema: {
        tags: ['timetable'],
        summary: 'Delete a holiday exception',
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const before = await holidaysRepo.getHoliday(db, req.params.id)
      if (!before || !(await holidaysRepo.deleteHoliday(db, req.params.id)))
        throw new AppError('NOT_FOUND', `no holiday exception ${req.params.id}`)
      await audit(req, 'holiday.delete', req.params.id, before, null)
      network.changed()
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/holiday-exceptions/spring-festival',
    {
      config: READ,
      schema: {
        tags: ['timetable'],
        summary:
          'The days of Spring Festival a county stops for: 除夕 to 初三 of the lunar new year in that Gregorian year',
        querystring: Type.Object({ year: Type.Integer({ minimum: 1950, maximum: 2100 }) }),
        response: { 200: Type.Object({ start: Type.String(), end: Type.String() }), 400: ErrorResponse },
      },
    },
    async (req) => springFestival(req.query.year),
  )

  app.get(
    '/api/calendars-summary',
    {
      config: READ,
      schema: {
        tags: ['timetable'],
        summary: 'Every calendar with its kind and its rule in words (Chinese and English)',
        response: { 200: Type.Object({ items: Type.Array(Summary) }) },
      },
    },
    async () => {
      const items = (await networkRepo.listCalendars(db)).map((c) => ({
        id: c.id,
        name: c.name,
        kind: calendarKind(c.rules),
        words: { zh: calendarWords(c.rules, 'zh'), en: calendarWords(c.rules, 'en') },
      }))
      return { items }
    },
  )

  app.get(
    '/api/calendars/:id/preview',
    {
      config: READ,
      schema: {
        tags: ['timetable'],
        summary:
          'A calendar day by day (12 months from `from` by default): runs or not with the exceptions applied, the lunar date, market days, the exception of each day off',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ from: DateString, months: Type.Integer({ minimum: 1, maximum: 24, default: 12 }) }),
        response: { 200: Preview, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const c = await networkRepo.getCalendar(db, req.params.id)
      if (!c) throw new AppError('NOT_FOUND', `calendar ${req.params.id} does not exist`)
      const holidays = await holidaysRepo.listHolidays(db)
      const [effective] = applyHolidays([c], holidays)
      const parsed = parseCalendar(effective!.rules)
      const kind: CalendarKind = calendarKind(c.rules)
      const from = serviceDate(req.query.from)
      const [y, m] = from.split('-').map(Number) as [number, number]
      const endMonth = new Date(Date.UTC(y, m - 1 + req.query.months, 1))
      const to = addDays(serviceDate(endMonth.toISOString().slice(0, 10)), -1)
      const offBy = new Map<string, string>()
      for (const h of holidays)
        if (holidayStops(h, c.id, kind)) for (const d of holidayDates(h)) if (!offBy.has(d)) offBy.set(d, h.name)
      const days = []
      for (let d = from; d <= to; d = addDays(d, 1)) {
        const runs = runsOn(parsed, d)
        days.push({
          date: d,
          runs,
          lunar: lunarLabel(d),
          market: isMarketDayOf(c.rules, d),
          holiday: !runs && offBy.has(d) && !c.rules.removed.includes(d) ? offBy.get(d)! : null,
        })
      }
      return {
        id: c.id,
        name: c.name,
        kind,
        words: { zh: calendarWords(c.rules, 'zh'), en: calendarWords(c.rules, 'en') },
        from,
        to,
        days,
      }
    },
  )
}
