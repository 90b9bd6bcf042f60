/**
 * Reports for the console (dispatchers and operators): on-time performance by route and day,
 * ridership and no-shows by service kind, kilometres per vehicle and day, repair turnaround.
 * Each takes `from`/`to` service dates (at most 92 days) and answers JSON rows, or with
 * `?format=csv` a CSV file (UTF-8 with BOM, header row) to download.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TObject, type TProperties } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import {
  kilometresRow,
  onTimeRow,
  reportRange,
  ridershipRow,
  toCsv,
  turnaroundRow,
  type CountySettings,
  type CsvColumn,
  type KilometresRow,
  type OnTimeRow,
  type ReportRange,
  type RidershipRow,
  type TurnaroundRow,
} from '@rb/domain'
import { analyticsRepo, type Db } from '@rb/db'
import { ErrorResponse } from '../http/schemas.js'
import { stopHourRoutes } from './stop-hours-routes.js'

export interface AnalyticsRoutesOptions {
  db: Db
  /** The county settings: on-time uses their lateness policy, as the console and villager page do. */
  settings: { get(): CountySettings }
}

const STAFF = { access: ['dispatcher', 'operator'] as const }
const Query = Type.Object({
  from: Type.String({ description: 'first service date, YYYY-MM-DD (Asia/Shanghai)', maxLength: 10 }),
  to: Type.String({ description: 'last service date, YYYY-MM-DD, at most 92 days after from', maxLength: 10 }),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
})
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([Type.Null(), t])
const page = <P extends TProperties>(row: TObject<P>) =>
  Type.Object({ from: Type.String(), to: Type.String(), rows: Type.Array(row) })
const Lateness = Type.Object(
  { earlyS: Type.Integer(), lateS: Type.Integer() },
  { description: 'the lateness policy the figures were counted with (GET /api/settings)' },
)

const OnTimeView = Type.Object({
  day: Type.String(),
  routeId: Type.String(),
  routeName: Type.String(),
  departures: Type.Integer(),
  onTime: Type.Integer(),
  early: Type.Integer(),
  late: Type.Integer(),
  onTimeShare: Nullable(Type.Number()),
  meanDelayS: Nullable(Type.Number()),
  tripsStarted: Type.Integer(),
  tripsCompleted: Type.Integer(),
})
const RidershipView = Type.Object({
  day: Type.String(),
  kind: Type.String(),
  bookings: Type.Integer(),
  seatsBooked: Type.Integer(),
  seatsBoarded: Type.Integer(),
  seatsNoShow: Type.Integer(),
  seatsCancelled: Type.Integer(),
  seatsOpen: Type.Integer(),
  noShowRate: Nullable(Type.Number()),
})
const KilometresView = Type.Object({
  day: Type.String(),
  vehicleId: Type.String(),
  plate: Type.Union([Type.Null(), Type.String()]),
  km: Type.Number(),
  points: Type.Integer(),
})
const TurnaroundView = Type.Object({
  kind: Type.String(),
  category: Type.String(),
  fixed: Type.Integer(),
  medianHours: Type.Number(),
  meanHours: Type.Number(),
  maxHours: Type.Number(),
})

const col = <R>(header: string, value: CsvColumn<R>['value']): CsvColumn<R> => ({ header, value })
const ON_TIME_CSV: CsvColumn<OnTimeRow>[] = [
  col('date', (r) => r.day),
  col('route_id', (r) => r.routeId),
  col('route_name', (r) => r.routeName),
  col('departures', (r) => r.departures),
  col('on_time', (r) => r.onTime),
  col('early', (r) => r.early),
  col('late', (r) => r.late),
  col('on_time_share', (r) => r.onTimeShare),
  col('mean_delay_s', (r) => r.meanDelayS),
  col('trips_started', (r) => r.tripsStarted),
  col('trips_completed', (r) => r.tripsCompleted),
]
const RIDERSHIP_CSV: CsvColumn<RidershipRow>[] = [
  col('date', (r) => r.day),
  col('kind', (r) => r.kind),
  col('bookings', (r) => r.bookings),
  col('seats_booked', (r) => r.seatsBooked),
  col('seats_boarded', (r) => r.seatsBoarded),
  col('seats_no_show', (r) => r.seatsNoShow),
  col('seats_open', (r) => r.seatsOpen),
  col('seats_cancelled', (r) => r.seatsCancelled),
  col('no_show_rate', (r) => r.noShowRate),
]
const KILOMETRES_CSV: CsvColumn<KilometresRow>[] = [
  col('date', (r) => r.day),
  col('vehicle_id', (r) => r.vehicleId),
  col('plate', (r) => r.plate),
  col('km', (r) => r.km),
  col('points', (r) => r.points),
]
const TURNAROUND_CSV: CsvColumn<TurnaroundRow>[] = [
  col('kind', (r) => r.kind),
  col('category', (r) => r.category),
  col('fixed', (r) => r.fixed),
  col('median_hours', (r) => r.medianHours),
  col('mean_hours', (r) => r.meanHours),
  col('max_hours', (r) => r.maxHours),
]

/** JSON `{from, to, rows}` (and `extra`), or the CSV file named `<name>_<from>_<to>.csv`. */
function answer<R, E extends object = object>(
  reply: FastifyReply,
  format: 'json' | 'csv',
  name: string,
  range: ReportRange,
  rows: R[],
  columns: CsvColumn<R>[],
  extra?: E,
): ({ from: string; to: string; rows: R[] } & E) | FastifyReply {
  if (format === 'json') return { from: range.from, to: range.to, ...(extra as E), rows }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}_${range.from}_${range.to}.csv"`)
    .send(toCsv(columns, rows))
}

export const analyticsRoutes: FastifyPluginAsyncTypebox<AnalyticsRoutesOptions> = async (app, { db, settings }) => {
  const schema = <P extends TProperties>(summary: string, row: TObject<P>) => ({
    tags: ['analytics'],
    summary,
    querystring: Query,
    response: { 200: page(row), 400: ErrorResponse },
  })

  app.get(
    '/api/analytics/on-time',
    {
      config: STAFF,
      schema: {
        ...schema(
          "On-time performance by route and service day: departures within the county's lateness policy (default −1/+5 min), mean delay, trips run",
          OnTimeView,
        ),
        response: { 200: Type.Composite([page(OnTimeView), Type.Object({ lateness: Lateness })]), 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const range = reportRange(req.query.from, req.query.to)
      const lateness = { ...settings.get().lateness }
      const rows = (await analyticsRepo.onTime(db, range, lateness)).map(onTimeRow)
      return answer(reply, req.query.format, 'on-time', range, rows, ON_TIME_CSV, { lateness })
    },
  )

  app.get(
    '/api/analytics/ridership',
    {
      config: STAFF,
      schema: schema('Bookings, boarded and no-show seats by service day and service kind', RidershipView),
    },
    async (req, reply) => {
      const range = reportRange(req.query.from, req.query.to)
      const rows = (await analyticsRepo.ridership(db, range)).map(ridershipRow)
      return answer(reply, req.query.format, 'ridership', range, rows, RIDERSHIP_CSV)
    },
  )

  app.get(
    '/api/analytics/kilometres',
    {
      config: STAFF,
      schema: schema('Kilometres driven per vehicle and service day, from the stored positions', KilometresView),
    },
    async (req, reply) => {
      const range = reportRange(req.query.from, req.query.to)
      const rows = (await analyticsRepo.kilometres(db, range)).map(kilometresRow)
      return answer(reply, req.query.format, 'kilometres', range, rows, KILOMETRES_CSV)
    },
  )

  app.get(
    '/api/analytics/repairs',
    {
      config: STAFF,
      schema: schema(
        'Repair tickets fixed in the range: median and mean hours from opened to fixed, by kind and category',
        TurnaroundView,
      ),
    },
    async (req, reply) => {
      const range = reportRange(req.query.from, req.query.to)
      const rows = (await analyticsRepo.repairTurnaround(db, range)).map(turnaroundRow)
      return answer(reply, req.query.format, 'repair-turnaround', range, rows, TURNAROUND_CSV)
    },
  )

  await app.register(stopHourRoutes, { db, settings })
}
