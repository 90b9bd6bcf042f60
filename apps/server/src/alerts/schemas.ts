/** TypeBox schemas of alerts, incident notes and driver messages (types in @rb/domain); instants are epoch ms. */
import { Type } from '@sinclair/typebox'

const NullableStr = Type.Union([Type.Null(), Type.String()])
const Ms = Type.Number({ description: 'epoch ms' })
const NullableMs = Type.Union([Type.Null(), Ms])
const literals = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)))

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const

export const AlertView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  severity: literals(['info', 'warning', 'critical']),
  state: literals(['active', 'cleared']),
  ts: Ms,
  clearedTs: NullableMs,
  vehicleId: NullableStr,
  tripInstanceId: NullableStr,
  stopCode: NullableStr,
  message: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  status: literals(ALERT_STATUSES),
  ackBy: NullableStr,
  ackTs: NullableMs,
  ackNote: NullableStr,
  resolvedBy: Type.Union([
    Type.Null(),
    Type.String({ description: '`system` when the condition cleared by itself, else the staff user name' }),
  ]),
  resolvedTs: NullableMs,
  resolveNote: NullableStr,
})

export const IncidentView = Type.Object({
  id: Type.Integer(),
  ts: Ms,
  vehicleId: NullableStr,
  tripInstanceId: NullableStr,
  alertId: NullableStr,
  kind: literals(['note', 'ack', 'resolve', 'message']),
  by: Type.String({ description: 'the staff user name at the time' }),
  text: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
})

const Channel = literals(['jt808', 'mqtt', 'driver_page'])
export const MessageAnswer = Type.Object({
  channels: Type.Array(Channel, {
    description: 'the channels that took the message (delivered or sent); empty when none could',
  }),
  attempts: Type.Array(
    Type.Object({
      channel: Channel,
      status: literals(['delivered', 'sent', 'not_reached', 'failed']),
      detail: Type.String(),
    }),
  ),
  note: IncidentView,
})

/** Texts are checked by the domain (length, control characters), which says why in its 400. */
/** Ids as the system makes them (`type:subject:ms`, vehicle and trip instance ids): anything else cannot exist, and a NUL would not reach the database. */
export const AlertId = Type.String({ pattern: '^[A-Za-z0-9_:.-]{1,200}$' })
export const VehicleId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
export const TripInstanceId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$' })
export const AlertIdParam = Type.Object({ id: AlertId })
export const NoteText = Type.String({
  description: 'plain text, at most 1,000 characters after trimming (the body limit bounds it before the check)',
})
