/** TypeBox schemas of the tracking views (types in @rb/domain tracking/views.ts); instants are epoch ms. */
import { Type } from '@sinclair/typebox'

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([Type.Null(), t])
const NullableStr = Type.Union([Type.Null(), Type.String()])
const NullableInt = Type.Union([Type.Null(), Type.Integer()])
const Ms = Type.Number({ description: 'epoch ms' })
const Kind = Type.Union([
  Type.Literal('market'),
  Type.Literal('student'),
  Type.Literal('medical'),
  Type.Literal('regular'),
])
export const TRIP_RUN_STATUSES = [
  'scheduled',
  'assigned',
  'in_progress',
  'lost',
  'completed',
  'missed',
  'partial',
  'cancelled',
] as const
const Freshness = Type.Union(
  ['live', 'stale', 'lost'].map((s) => Type.Literal(s)),
  {
    description:
      'live: within the ETA grace of the last fix (ETAs stand); stale: past it (the timetable stands); lost: silent for TRIP_LOST_AFTER_S',
  },
)
const Punctuality = Type.Union([Type.Null(), Type.Literal('early'), Type.Literal('on_time'), Type.Literal('late')])
const Match = Type.Union([Type.Null(), Type.Literal('assigned'), Type.Literal('inferred')])

export const VehicleStateSchema = Type.Object({
  vehicleId: Type.String(),
  status: Type.Union(
    ['on_time', 'late', 'early', 'off_route', 'layover', 'off_duty', 'offline', 'not_in_service'].map((s) =>
      Type.Literal(s),
    ),
  ),
  online: Type.Boolean(),
  lastTs: Nullable(Ms),
  freshness: Freshness,
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
  nextStop: Type.Union([
    Type.Null(),
    Type.Object({ seq: Type.Integer(), stopCode: Type.String(), scheduledTs: Ms, etaTs: Nullable(Ms) }),
  ]),
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
  status: Type.Union(
    ['scheduled', 'on_the_way', 'at_stop', 'departed', 'late', 'cancelled', 'completed', 'no_position'].map((s) =>
      Type.Literal(s),
    ),
    {
      description:
        'no_position: a bus runs the trip but its last fix is older than the ETA grace — no ETA; the timetable and lastFixTs stand',
    },
  ),
  delayS: NullableInt,
  punctuality: Punctuality,
  vehicleId: NullableStr,
  stopsAway: NullableInt,
  driverCode: NullableStr,
  lastFixTs: Type.Union([Type.Null(), Ms], {
    description: 'newest fix of the bus running the trip; null before one is tracked',
  }),
  online: Type.Union([Type.Null(), Type.Boolean()], { description: "that bus's link; null before one is tracked" }),
  freshness: Type.Union([Type.Null(), Freshness]),
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
  lastFixTs: Type.Union([Type.Null(), Ms], {
    description: 'newest fix of the bus while it runs the trip (how long a lost trip has been silent)',
  }),
})

export const EventView = Type.Object({
  vehicleId: Type.String(),
  ts: Ms,
  type: Type.String(),
  tripInstanceId: NullableStr,
  stopCode: NullableStr,
  data: Type.Record(Type.String(), Type.Unknown()),
})
