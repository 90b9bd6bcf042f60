/**
 * Alerts, the incident log and messages to drivers over HTTP (dispatchers, operators, admins):
 * list alerts, acknowledge, resolve; read and write incident notes; send a driver a text.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { AppError, type AlertStatus, type TrackingEngine } from '@rb/domain'
import type { Db } from '@rb/db'
import { audit, userOf } from '../auth/index.js'
import { ErrorResponse, VehicleIdParam } from '../http/schemas.js'
import type { LiveHub } from '../live/hub.js'
import type { PublishFn } from '../broker/downlink.js'
import type { NetworkService } from '../network/service.js'
import { AlertService } from './service.js'
import { DriverMessenger, tripOfVehicle, type MessageTerminals } from './messages.js'
import {
  ALERT_STATUSES,
  AlertId,
  AlertIdParam,
  AlertView,
  IncidentView,
  MessageAnswer,
  NoteText,
  TripInstanceId,
  VehicleId,
} from './schemas.js'

export interface AlertRoutesOptions {
  db: Db
  hub: Pick<LiveHub, 'publishAlerts' | 'sendDriverMessage'>
  network: Pick<NetworkService, 'instance' | 'instancesOn'>
  /** The tracking engine: which trip a vehicle runs now. */
  engine: Pick<TrackingEngine, 'state'>
  /** The vehicles' MQTT downlink; undefined without a broker. */
  publish: PublishFn | undefined
  /** The JT/T 808 gateway; undefined when it is off. */
  terminals: MessageTerminals | undefined
  log: { warn(obj: object, msg: string): void }
  now?: () => number
}

const DISPATCH = { access: ['dispatcher', 'operator'] as const }
const DAY_MS = 86_400_000
const ms = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined
  const t = Date.parse(iso)
  if (Number.isNaN(t))
    throw new AppError('BAD_TIME_RANGE', `not a time: '${iso.slice(0, 40)}' (ISO 8601, e.g. 2026-03-02T08:00:00+08:00)`)
  return t
}
const list = (csv: string | undefined): string[] | undefined =>
  csv
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** A POST without a body is one without a note: the domain then says whether a note is needed, and why. */
const emptyBody = async (req: FastifyRequest): Promise<void> => {
  req.body ??= {}
}

function statuses(csv: string | undefined): AlertStatus[] | undefined {
  const xs = list(csv)
  const bad = xs?.find((s) => !(ALERT_STATUSES as readonly string[]).includes(s))
  if (bad !== undefined)
    throw new AppError(
      'VALIDATION_FAILED',
      `status must be open, acknowledged or resolved (comma-separated), not '${bad.slice(0, 40)}'`,
      { field: 'status' },
    )
  return xs as AlertStatus[] | undefined
}

export const alertRoutes: FastifyPluginAsyncTypebox<AlertRoutesOptions> = async (app, o) => {
  const now = o.now ?? Date.now
  const checkTrip = async (id: string): Promise<void> => void (await o.network.instance(id))
  const service = new AlertService({ db: o.db, publish: (alerts) => o.hub.publishAlerts(alerts), checkTrip, now })
  const messenger = new DriverMessenger({
    db: o.db,
    alerts: service,
    publish: o.publish,
    terminals: o.terminals,
    emit: (rooms, m) => o.hub.sendDriverMessage(rooms, m),
    tripOf: tripOfVehicle(o.engine, o.network),
    log: o.log,
    now,
  })

  app.get(
    '/api/alerts',
    {
      config: DISPATCH,
      schema: {
        tags: ['alerts'],
        summary:
          'Alerts, newest first. `open=true` keeps those not resolved (any age); otherwise the last 7 days unless `from` is given',
        querystring: Type.Object({
          open: Type.Optional(Type.Boolean()),
          status: Type.Optional(
            Type.String({ pattern: '^[a-z,]{0,100}$', description: 'comma-separated: open, acknowledged, resolved' }),
          ),
          type: Type.Optional(Type.String({ pattern: '^[a-z_,]{0,300}$', description: 'comma-separated alert types' })),
          vehicleId: Type.Optional(VehicleId),
          tripInstanceId: Type.Optional(TripInstanceId),
          from: Type.Optional(
            Type.String({ maxLength: 40, description: 'raised at or after, ISO 8601 (alias: since)' }),
          ),
          since: Type.Optional(Type.String({ maxLength: 40 })),
          to: Type.Optional(Type.String({ maxLength: 40, description: 'raised before, ISO 8601; default now' })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(AlertView) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query
      const st = statuses(q.status)
      const untilMs = ms(q.to) ?? now() + 60_000
      // Unresolved alerts do not age out of the list: a road closed for weeks is still open.
      const unresolvedOnly = q.open === true || (st !== undefined && !st.includes('resolved'))
      const sinceMs = ms(q.from ?? q.since) ?? (unresolvedOnly ? undefined : untilMs - 7 * DAY_MS)
      const types = list(q.type)
      const items = await service.list({
        untilMs,
        limit: q.limit,
        open: q.open ?? false,
        ...(sinceMs !== undefined ? { sinceMs } : {}),
        ...(st ? { statuses: st } : {}),
        ...(types ? { types } : {}),
        ...(q.vehicleId ? { vehicleId: q.vehicleId } : {}),
        ...(q.tripInstanceId ? { tripInstanceId: q.tripInstanceId } : {}),
      })
      return { items }
    },
  )

  app.post(
    '/api/alerts/:id/ack',
    {
      config: DISPATCH,
      preValidation: emptyBody,
      schema: {
        tags: ['alerts'],
        summary:
          'Acknowledge an alert: who, when, a note (required for critical alerts: SOS, emergency). The first acknowledgement stands',
        params: AlertIdParam,
        body: Type.Object({ note: Type.Optional(Type.Union([Type.Null(), NoteText])) }),
        response: { 200: AlertView, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const by = userOf(req).username
      return service.acknowledge(req.params.id, by, req.body.note, (tx, before, after) =>
        audit(req, 'alert.ack', `alert:${req.params.id}`, before, after, tx),
      )
    },
  )

  app.post(
    '/api/alerts/:id/resolve',
    {
      config: DISPATCH,
      preValidation: emptyBody,
      schema: {
        tags: ['alerts'],
        summary: 'Resolve an alert by hand with a note (how it ended); 409 when it is already resolved',
        params: AlertIdParam,
        body: Type.Object({ note: Type.Optional(Type.Union([Type.Null(), NoteText])) }),
        response: { 200: AlertView, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => {
      const by = userOf(req).username
      return service.resolve(req.params.id, by, req.body.note, (tx, before, after) =>
        audit(req, 'alert.resolve', `alert:${req.params.id}`, before, after, tx),
      )
    },
  )

  app.get(
    '/api/incidents',
    {
      config: DISPATCH,
      schema: {
        tags: ['alerts'],
        summary: 'The incident log, newest first: notes, acknowledgement and resolution notes, messages to drivers',
        querystring: Type.Object({
          vehicleId: Type.Optional(VehicleId),
          tripInstanceId: Type.Optional(TripInstanceId),
          alertId: Type.Optional(AlertId),
          since: Type.Optional(Type.String({ maxLength: 40, description: 'written at or after, ISO 8601' })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(IncidentView) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query
      const sinceMs = ms(q.since)
      const items = await service.listNotes({
        limit: q.limit,
        ...(q.vehicleId ? { vehicleId: q.vehicleId } : {}),
        ...(q.tripInstanceId ? { tripInstanceId: q.tripInstanceId } : {}),
        ...(q.alertId ? { alertId: q.alertId } : {}),
        ...(sinceMs !== undefined ? { sinceMs } : {}),
      })
      return { items }
    },
  )

  app.post(
    '/api/incidents',
    {
      config: DISPATCH,
      schema: {
        tags: ['alerts'],
        summary:
          'Write a note in the incident log about a vehicle, a trip instance or an alert (an alert’s vehicle and trip are filled in)',
        body: Type.Object({
          vehicleId: Type.Optional(Type.Union([Type.Null(), VehicleId])),
          tripInstanceId: Type.Optional(Type.Union([Type.Null(), TripInstanceId])),
          alertId: Type.Optional(Type.Union([Type.Null(), AlertId])),
          text: NoteText,
        }),
        response: { 201: IncidentView, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const by = userOf(req).username
      const note = await service.addNote(req.body, by, (tx, _before, after) =>
        audit(req, 'incident.note', `incident:${(after as { id: number }).id}`, null, after, tx),
      )
      return reply.status(201).send(note)
    },
  )

  app.post(
    '/api/vehicles/:id/message',
    {
      config: DISPATCH,
      schema: {
        tags: ['alerts'],
        summary:
          "Send the vehicle's driver a text: JT/T 808 terminal screen, MQTT downlink, driver page; answers which channels took it. Kept in the incident log",
        params: VehicleIdParam,
        body: Type.Object({
          text: Type.String({
            description:
              'plain text, at most 500 characters (a terminal screen); GBK characters reach a JT/T 808 screen',
          }),
          alertId: Type.Optional(Type.Union([Type.Null(), AlertId])),
        }),
        response: { 200: MessageAnswer, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const user = userOf(req)
      return messenger.send(
        req.params.id,
        req.body.text,
        req.body.alertId ?? null,
        { username: user.username, displayName: user.displayName },
        (note, channels) =>
          audit(req, 'vehicle.message', `vehicle:${req.params.id}`, null, {
            noteId: note.id,
            text: note.text,
            alertId: note.alertId,
            channels,
          }),
      )
    },
  )
}
