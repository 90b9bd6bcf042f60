/** JSON schemas of the network API (requests are checked, responses serialised, OpenAPI generated). */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { DRIVER_NUMBER_PATTERN, STOP_CODE_PATTERN, VEHICLE_NUMBER_PATTERN } from '@rb/domain'
import type * as domain from '@rb/domain'
import type { Expect, SameFields, Within } from '../../http/schema-check.js'

export const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
export const StopCode = Type.String({ pattern: STOP_CODE_PATTERN, examples: ['XY-0421'] })
export const VehicleNumber = Type.String({ pattern: VEHICLE_NUMBER_PATTERN, examples: ['XY-V012'] })
export const DriverNumber = Type.String({ pattern: DRIVER_NUMBER_PATTERN, examples: ['XY-D031'] })
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-11-29'] })
export const LngLat = Type.Tuple(
  [Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })],
  { description: '[lng, lat], WGS-84' },
)
export const ServiceKind = Type.Union([
  Type.Literal('market'),
  Type.Literal('student'),
  Type.Literal('medical'),
  Type.Literal('regular'),
])
export const StopStatus = Type.Union([
  Type.Literal('ok'),
  Type.Literal('reported'),
  Type.Literal('in_repair'),
  Type.Literal('removed'),
])
export const FleetStatus = Type.Union([Type.Literal('active'), Type.Literal('retired')])
export const BookingPolicy = Type.Union([Type.Literal('none'), Type.Literal('optional'), Type.Literal('required')])

export const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
}

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })

export const Operator = Type.Object({ id: Id, name: Type.String(), phone: Type.Union([Type.Null(), Type.String()]) })

export const Township = Type.Object({ id: Id, name: Type.String(), nameEn: Type.String(), center: LngLat })

export const StopBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60 }),
  nameEn: Type.String({ maxLength: 80, default: '' }),
  townshipId: Id,
  point: LngLat,
  installedOn: Type.Union([Type.Null(), DateString], { default: null }),
})

export const Stop = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  townshipId: Type.String(),
  point: LngLat,
  status: StopStatus,
  installedOn: Type.Union([Type.Null(), Type.String()]),
  routes: Type.Optional(Type.Array(Type.String(), { description: 'routes serving this stop' })),
  qrUrl: Type.Optional(Type.String()),
  villagerUrl: Type.Optional(Type.String()),
})

export const RouteBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  nameEn: Type.String({ maxLength: 120, default: '' }),
  kind: ServiceKind,
  operatorId: Id,
  geometry: Type.Array(LngLat, { minItems: 2, maxItems: 20_000 }),
  stopCodes: Type.Array(Type.String(), {
    minItems: 2,
    maxItems: 200,
    description: 'stop codes in the order of travel',
  }),
  color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$', default: '#1f6feb' }),
  speedLimitKmh: Type.Number({ minimum: 10, maximum: 120, default: 50 }),
  active: Type.Boolean({ default: true }),
})

export const Route = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  kind: ServiceKind,
  operatorId: Type.String(),
  geometry: Type.Array(LngLat),
  lengthM: Type.Number(),
  stops: Type.Array(Type.Object({ seq: Type.Integer(), stopCode: Type.String(), distM: Type.Number() })),
  color: Type.String(),
  speedLimitKmh: Type.Number(),
  active: Type.Boolean(),
})

export const CalendarBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  // Unknown, not an object schema: the server strips unknown properties from objects, and the rules
  // are checked in full by the calendar validator instead.
  rules: Type.Unknown({ description: 'calendar rules (see docs/network.md)' }),
})
export const Calendar = Type.Object({ id: Type.String(), name: Type.String(), rules: Type.Unknown() })

export const TripBody = Type.Object({
  routeId: Id,
  calendarId: Id,
  direction: Type.Union([Type.Literal(0), Type.Literal(1)], { default: 0 }),
  headsign: Type.String({ maxLength: 60, default: '' }),
  departureS: Type.Integer({ minimum: 0, maximum: 86_399, description: 'seconds after local midnight' }),
  stopOffsetsS: Type.Array(Type.Integer({ minimum: 0, maximum: 86_400 }), { minItems: 2, maxItems: 200 }),
  seats: Type.Integer({ minimum: 1, maximum: 100 }),
  bookingPolicy: BookingPolicy,
  minRiders: Type.Integer({ minimum: 0, maximum: 100, default: 0 }),
  bookingCutoffMin: Type.Integer({ minimum: 0, maximum: 10_080, default: 60 }),
  active: Type.Boolean({ default: true }),
})
export const Trip = Type.Composite([Type.Object({ id: Type.String() }), TripBody])

export const TripInstance = Type.Object({
  id: Type.String({ description: 'trip instance id: <tripId>_<YYYYMMDD>' }),
  tripId: Type.String(),
  routeId: Type.String(),
  kind: ServiceKind,
  serviceDate: Type.String(),
  direction: Type.Integer(),
  headsign: Type.String(),
  departure: Type.String({ format: 'date-time' }),
  stops: Type.Array(Type.String(), { description: 'stop codes in the order of travel' }),
  stopTimes: Type.Array(
    Type.Object({ stopCode: Type.String(), distM: Type.Number(), arrival: Type.String({ format: 'date-time' }) }),
  ),
  seats: Type.Integer(),
  bookingPolicy: BookingPolicy,
  minRiders: Type.Integer(),
  bookingCutoffMin: Type.Integer(),
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled')]),
  cancelReason: Type.Union([Type.Null(), Type.String()]),
  vehicleId: Type.Union([Type.Null(), Type.String()]),
  driverId: Type.Union([Type.Null(), Type.String()]),
})

export const VehicleBody = Type.Object({
  plate: Type.String({ minLength: 2, maxLength: 16 }),
  seats: Type.Integer({ minimum: 1, maximum: 100 }),
  operatorId: Id,
  model: Type.String({ maxLength: 60, default: '' }),
  deviceId: Type.Union([Type.Null(), Id], { default: null }),
  jt808Phone: Type.Union([Type.Null(), Type.String({ pattern: '^[0-9]{6,20}$' })], { default: null }),
  status: FleetStatus,
})
export const Vehicle = Type.Composite([Type.Object({ id: Type.String() }), VehicleBody])

export const DriverBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 40 }),
  phone: Type.String({ pattern: '^[0-9+\\- ]{5,20}$' }),
  licenceClass: Type.String({ maxLength: 8 }),
  qualificationCert: Type.String({ maxLength: 40, default: '' }),
  photoUrl: Type.Union([Type.Null(), Type.String({ maxLength: 500 })], { default: null }),
  pioneer: Type.Boolean({ default: false }),
  serviceSince: DateString,
  status: FleetStatus,
})
/** Drivers as the public may see them: phone masked. */
export const Driver = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  licenceClass: Type.String(),
  qualificationCert: Type.String(),
  photoUrl: Type.Union([Type.Null(), Type.String()]),
  pioneer: Type.Boolean(),
  serviceSince: Type.String(),
  yearsOfService: Type.Integer(),
  status: FleetStatus,
})

// ── The schemas against the domain's types (apps/server/src/http/schema-check.ts) ──
// Answers carry every domain field (some add derived ones: a stop's routes and URLs, a driver's
// years of service); bodies set nothing the domain does not store.
type _Operator = Expect<SameFields<Static<typeof Operator>, domain.Operator>>
type _Township = Expect<SameFields<Static<typeof Township>, domain.Township>>
type _Stop = Expect<SameFields<Static<typeof Stop>, domain.Stop, never, 'routes' | 'qrUrl' | 'villagerUrl'>>
type _StopBody = Expect<Within<Static<typeof StopBody>, domain.Stop>>
type _Route = Expect<SameFields<Static<typeof Route>, domain.Route>>
type _RouteBody = Expect<Within<Static<typeof RouteBody>, domain.Route, 'stopCodes'>>
type _Calendar = Expect<SameFields<Static<typeof Calendar>, domain.Calendar>>
type _Trip = Expect<SameFields<Static<typeof Trip>, domain.Trip>>
type _Vehicle = Expect<SameFields<Static<typeof Vehicle>, domain.Vehicle>>
// The public driver: the phone only masked.
type _Driver = Expect<SameFields<Static<typeof Driver>, domain.Driver, 'phone', 'phoneMasked' | 'yearsOfService'>>
type _DriverBody = Expect<Within<Static<typeof DriverBody>, domain.Driver>>
type _VehicleBody = Expect<Within<Static<typeof VehicleBody>, domain.Vehicle>>
