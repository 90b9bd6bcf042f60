/** HTTP shapes of the parcel routes (requests are checked here; views are described in views.ts). */
import { Type } from '@sinclair/typebox'
import { PARCEL_NUMBER_PATTERN, SCAN_ACTIONS, SIZE_CLASSES, type Role } from '@rb/domain'

export const KEEPERS: readonly Role[] = ['station', 'dispatcher', 'operator']
export const SCANNERS: readonly Role[] = ['driver', 'station', 'dispatcher', 'operator']
export const DISPATCH: readonly Role[] = ['dispatcher', 'operator']
export const OPERATOR: readonly Role[] = ['operator']

export const StopCode = Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' })
export const ParcelNumber = Type.String({
  pattern: PARCEL_NUMBER_PATTERN,
  description: 'unified parcel number, e.g. XY-P-20261207-0042',
})
const SizeClass = Type.Union(
  SIZE_CLASSES.map((s) => Type.Literal(s)),
  { description: 'S (1 slot) · M (2) · L (4): see the tariff' },
)
const Person = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 40 }),
  phone: Type.String({ minLength: 5, maxLength: 24 }),
})
const WeightKg = Type.Number({ exclusiveMinimum: 0, maximum: 500 })

export const PostPointBody = Type.Object({
  kind: Type.Union([Type.Literal('village'), Type.Literal('station')], {
    description: 'village: 村邮站 · station: 综合运输服务站 (parcels may change buses here)',
  }),
  name: Type.String({ minLength: 1, maxLength: 60 }),
  phone: Type.String({ minLength: 5, maxLength: 24 }),
  hours: Type.String({ maxLength: 11, description: 'local opening hours, HH:MM-HH:MM' }),
  holdDays: Type.Integer({ minimum: 1, maximum: 60, default: 7 }),
  active: Type.Boolean({ default: true }),
  keepers: Type.Optional(
    Type.Array(Type.String({ maxLength: 40 }), {
      maxItems: 10,
      description: 'user names of station accounts who keep it (replaces the list)',
    }),
  ),
})

export const ConsignBody = Type.Object({
  fromPoint: StopCode,
  toPoint: StopCode,
  sender: Person,
  recipient: Person,
  sizeClass: SizeClass,
  weightKg: WeightKg,
  tripInstanceId: Type.Optional(
    Type.String({ maxLength: 90, description: 'ride this trip (by hand); default: the first proposed trip with room' }),
  ),
})

export const OptionsQuery = Type.Object({ from: StopCode, to: StopCode, sizeClass: SizeClass, weightKg: WeightKg })

export const ScanBody = Type.Object({
  code: Type.String({
    minLength: 5,
    maxLength: 300,
    description: "the parcel number, or what the label's QR holds (its tracking address)",
  }),
  action: Type.Union(SCAN_ACTIONS.map((a) => Type.Literal(a))),
  pickupCode: Type.Optional(Type.String({ maxLength: 12 })),
  phoneLast4: Type.Optional(Type.String({ maxLength: 8 })),
  vehicleId: Type.Optional(Type.String({ maxLength: 40 })),
})

export const ListQuery = Type.Object({
  point: Type.Optional(StopCode),
  status: Type.Optional(Type.String({ maxLength: 80, description: 'comma-separated statuses' })),
  trip: Type.Optional(Type.String({ maxLength: 90 })),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
})

export const TariffBody = Type.Object({
  sizes: Type.Object({
    S: Type.Object({ slots: Type.Integer(), maxKg: Type.Number() }),
    M: Type.Object({ slots: Type.Integer(), maxKg: Type.Number() }),
    L: Type.Object({ slots: Type.Integer(), maxKg: Type.Number() }),
  }),
  bandsKm: Type.Array(Type.Number(), { minItems: 1, maxItems: 8 }),
  feesFen: Type.Object({ S: Type.Array(Type.Integer()), M: Type.Array(Type.Integer()), L: Type.Array(Type.Integer()) }),
})

export const CapacityBody = Type.Object({
  slots: Type.Integer({ minimum: 0, maximum: 500 }),
  kg: Type.Number({ minimum: 0, maximum: 5000 }),
})
