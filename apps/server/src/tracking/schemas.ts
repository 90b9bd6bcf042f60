/** TypeBox schemas of the tracking views (types in @rb/domain tracking/views.ts); instants are epoch ms. */
import { Type } from '@sinclair/typebox'

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([Type.Null(), t])
const NullableStr = Type.Union([Type.Null(), Type.String()])
const NullableInt = Type.Union([Type.Null(), Type.Integer()])
const Ms = Type.Number({ description: 'epoch ms' })
const Kind = Type.Union([Type.Literal('market'), Type.Literal('student'), Type.Literal('medical'), Type.Literal('regular')])
export const TRIP_RUN_STATUSES = ['scheduled', 'assigned', 'in_progress', 'completed', 'missed', 'partial', 'cancelled'] as const
const Punctuality = Type.Union([Type.Null(), Type.Literal('early'), Type.Literal('on_time'), Type.Literal('late')])
const Match = Type.Union([Type.Null(), Type.Literal('assigned'), Type.Literal('inferred')])

export const VehicleStateSchema = Type.Object({
  vehicleId: Type.String(),
  status: Type.Union(['on_time', 'late', 'early', 'off_route', 'layover', 'off_duty', 'offline', 'not_in_service'].map((s) => Type.Literal(s))),
  online: Type.Boolean(),
  lastTs: Nullable(Ms),
  tripInstanceId: NullableStr,
  routeId: NullableStr,
  match: Match,
  driverCode: NullableStr,
  driverSource: Type.Union([Type.Null(), ...['card', 'app', 'device', 'roster'].map((s) => Type.Literal(s))]),
  rosteredDriverCode: NullableStr,
  delayS: NullableInt,
  punctuality: Punctuality,
  progressM: Nullable(Type.Number()),
  offsetM: Nullable(Type.Number()),
  offRoute: Type.Boolean(),
  nextStop: Type.Union([Type.Null(), Type.Object({ seq: Type.Integer(), stopCode: Type.String(), scheduledTs: Ms, etaTs: Nullable(Ms) })]),
})

export const StopEtaView = Type.Object({ seq: Type.Integer(), stopCode: Type.String(), scheduledTs: Ms, etaTs: Ms })

export const StopArrivalView = Type.Object({
  tripInstanceId: Type.String(),
  routeId: Type.String(),
  routeName: Type.String(),
  routeNameEn: Type.String(),
  kind: Kind,
  headsign: Type.String(),
  scheduledTs: Ms,
  etaTs: Nullable(Ms),
  status: Type.Union(['scheduled', 'on_the_way', 'at_stop', 'departed', 'late', 'cancelled', 'completed'].map((s) => Type.Literal(s))),
  delayS: NullableInt,
  punctuality: Punctuality,
  vehicleId: NullableStr,
  stopsAway: NullableInt,
  driverCode: NullableStr,
})

export const StopArrivalsView = Type.Object({ stopCode: Type.String(), ts: Ms, arrivals: Type.Array(StopArrivalView) })

export const BoardRow = Type.Object({
  instanceId: Type.String(),
  tripId: Type.String(),
  routeId: Type.String(),
  kind: Kind,
  headsign: Type.String(),
  departureTs: Ms,
  endTs: Ms,
  status: Type.Union(TRIP_RUN_STATUSES.map((s) => Type.Literal(s))),
  delayS: NullableInt,
  punctuality: Punctuality,
  vehicleId: NullableStr,
  driverCode: NullableStr,
  match: Match,
  departedTs: Nullable(Ms),
  completedTs: Nullable(Ms),
  nextStopCode: NullableStr,
  cancelReason: NullableStr,
})

export const EventView = Type.Object({
  vehicleId: Type.String(),
  ts: Ms,
  type: Type.String(),
  tripInstanceId: NullableStr,
  stopCode: NullableStr,
  data: Type.Record(Type.String(), Type.Unknown()),
})
