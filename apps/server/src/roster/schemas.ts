/** JSON schemas of the roster API (requests are checked, responses serialised, OpenAPI generated). */
import { Type } from '@sinclair/typebox'

const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'service day (Asia/Shanghai), YYYY-MM-DD',
  examples: ['2026-11-30'],
})
const Id = Type.String({ minLength: 1, maxLength: 64 })
const InstanceId = Type.String({ minLength: 10, maxLength: 90, description: 'trip instance id: <tripId>_<YYYYMMDD>' })
const Ms = Type.Number({ description: 'epoch ms' })
const Note = Type.Union([Type.Null(), Type.String({ maxLength: 200 })])
const Weekdays = Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
  minItems: 1,
  maxItems: 7,
  description: 'ISO weekdays: 1 = Monday … 7 = Sunday',
})

export const DateQuery = Type.Object({ date: DateString })
export const DutyParams = Type.Object({ id: Id })

export const RosterTrip = Type.Object({
  instanceId: Type.String(),
  tripId: Type.String(),
  routeId: Type.String(),
  routeName: Type.String(),
  kind: Type.String(),
  headsign: Type.String(),
  departureTs: Ms,
  endTs: Type.Number({ description: 'scheduled arrival at the last stop, epoch ms' }),
  bookedSeats: Type.Integer({ description: 'most seats held at once on one segment (confirmed and boarded bookings)' }),
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled')]),
})

export const Duty = Type.Object({
  id: Type.String(),
  date: Type.String(),
  vehicleId: Type.String(),
  driverId: Type.String(),
  note: Note,
  trips: Type.Array(RosterTrip, { description: 'in departure order' }),
  drivingMin: Type.Integer({ description: 'scheduled trip time, minutes (cancelled trips not counted)' }),
  startTs: Type.Union([Type.Null(), Ms], { description: 'first departure; null while the duty has no trips' }),
  endTs: Type.Union([Type.Null(), Ms], { description: 'last scheduled arrival; null while the duty has no trips' }),
  problems: Type.Array(Type.String(), { description: 'what the rules find wrong with it now (empty when it can run)' }),
})

const Limits = Type.Object({
  dailyDrivingMin: Type.Integer(),
  turnaroundMin: Type.Integer({ description: "after a trip's scheduled end before its bus and driver leave again" }),
})

const RosterFields = {
  date: Type.String(),
  published: Type.Boolean(),
  publishedAt: Type.Union([Type.Null(), Ms]),
  limits: Limits,
  duties: Type.Array(Duty),
  unassigned: Type.Array(RosterTrip, { description: 'trip instances in no duty and with no vehicle' }),
}

export const Roster = Type.Object(RosterFields)
export const GeneratedRoster = Type.Object({
  ...RosterFields,
  warnings: Type.Array(Type.String(), { description: 'what generation left out, and why' }),
})

export const CreateDutyBody = Type.Object({
  date: DateString,
  vehicleId: Id,
  driverId: Id,
  tripInstanceIds: Type.Array(InstanceId, { maxItems: 60 }),
  note: Type.Optional(Note),
})

export const UpdateDutyBody = Type.Object({
  vehicleId: Type.Optional(Id),
  driverId: Type.Optional(Id),
  tripInstanceIds: Type.Optional(
    Type.Array(InstanceId, { maxItems: 60, description: 'the whole list: trips left out become unassigned' }),
  ),
  note: Type.Optional(Note),
})

export const AddTripBody = Type.Object({ tripInstanceId: InstanceId })

export const GenerateBody = Type.Object({
  date: DateString,
  from: Type.Union([Type.Literal('template'), Type.Literal('copy')]),
  sourceDate: Type.Optional(DateString),
  fill: Type.Optional(Type.Boolean({ description: 'then let the planner place the trips still without a crew' })),
  replace: Type.Optional(Type.Boolean({ description: 'the day has duties already: delete them first' })),
})

export const PublishBody = Type.Object({ date: DateString })

export const Template = Type.Object({
  id: Type.String(),
  name: Type.String(),
  weekdays: Type.Array(Type.Integer()),
  vehicleId: Type.String(),
  driverId: Type.String(),
  tripIds: Type.Array(Type.String(), { description: 'trip ids (not instances), in departure order' }),
  active: Type.Boolean(),
})

export const TemplateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  weekdays: Weekdays,
  vehicleId: Id,
  driverId: Id,
  tripIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 60 }),
  active: Type.Boolean({ default: true }),
})

export const TemplateParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }) })
export const FromDayBody = Type.Object({ date: DateString, weekdays: Weekdays })
export const Templates = Type.Object({ items: Type.Array(Template) })

export const DriverDutiesQuery = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: 14, default: 2, description: 'today and the following days' }),
  driverId: Type.Optional(
    Type.String({ maxLength: 64, description: 'staff: whose duties; a driver sees only their own' }),
  ),
})

export const DriverDuties = Type.Object({
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      published: Type.Boolean(),
      duty: Type.Union([Type.Null(), Duty], {
        description: 'the first duty of the day; null when none or not published',
      }),
      duties: Type.Array(Duty, { description: 'every duty of the driver that day (usually one)' }),
      vehicle: Type.Union([
        Type.Null(),
        Type.Object({ id: Type.String(), plate: Type.String(), seats: Type.Integer() }),
      ]),
    }),
  ),
})
