/**
 * `GET /api/analytics/stop-hours`: departures by stop and hour of the day over a range of service
 * days (optionally one route), with the on-time share by the county's lateness policy and the mean
 * delay — the Reports view draws them as a heat map. JSON rows, or CSV with `?format=csv`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import { reportRange, stopHourRow, toCsv, type CountySettings, type CsvColumn, type StopHourRow } from '@rb/domain'
import { analyticsRepo, type Db } from '@rb/db'
import { ErrorResponse } from '../http/schemas.js'

const Query = Type.Object({
  from: Type.String({ description: 'first service date, YYYY-MM-DD (Asia/Shanghai)', maxLength: 10 }),
  to: Type.String({ description: 'last service date, YYYY-MM-DD, at most 92 days after from', maxLength: 10 }),
  route: Type.Optional(Type.String({ description: 'one route id; its stops in the order of travel', maxLength: 64 })),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
})
const Row = Type.Object({
  stopCode: Type.String(),
  stopName: Type.String(),
  hour: Type.Integer({ minimum: 0, maximum: 23, description: 'local hour (Asia/Shanghai) the bus left the stop' }),
  departures: Type.Integer(),
  onTime: Type.Integer(),
  onTimeShare: Type.Number(),
  meanDelayS: Type.Number({ description: 'mean delay at departure, seconds; positive is behind the timetable' }),
})
const Answer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  lateness: Type.Object({ earlyS: Type.Integer(), lateS: Type.Integer() }),
  stopOrder: Type.Array(Type.String()),
  rows: Type.Array(Row),
})

const CSV: CsvColumn<StopHourRow>[] = [
  { header: 'stop_code', value: (r) => r.stopCode },
  { header: 'stop_name', value: (r) => r.stopName },
  { header: 'hour', value: (r) => r.hour },
  { header: 'departures', value: (r) => r.departures },
  { header: 'on_time', value: (r) => r.onTime },
  { header: 'on_time_share', value: (r) => r.onTimeShare },
  { header: 'mean_delay_s', value: (r) => r.meanDelayS },
]

export const stopHourRoutes: FastifyPluginAsyncTypebox<{ db: Db; settings: { get(): CountySettings } }> = async (
  app,
  { db, settings },
) => {
  app.get(
    '/api/analytics/stop-hours',
    {
      config: { access: ['dispatcher', 'operator'] },
      schema: {
        tags: ['analytics'],
        summary: 'Departures by stop and hour of the day: on-time share and mean delay (the heat map)',
        querystring: Query,
        response: { 200: Answer, 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const range = reportRange(req.query.from, req.query.to)
      const lateness = { ...settings.get().lateness }
      const routeId = req.query.route || null
      const rows = (await analyticsRepo.stopHours(db, range, lateness, routeId)).map(stopHourRow)
      const order = routeId ? await analyticsRepo.routeStopOrder(db, routeId) : []
      if (req.query.format === 'json') return { from: range.from, to: range.to, lateness, stopOrder: order, rows }
      // The CSV is not the JSON schema's shape: sent through the untyped reply.
      return (reply as FastifyReply)
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="stop-hours_${range.from}_${range.to}.csv"`)
        .send(toCsv(CSV, rows))
    },
  )
}
