/** JSON schemas of the booking API (requests are checked, responses serialised, OpenAPI generated). */
import { Type } from '@sinclair/typebox'
import { MAX_SEATS_PER_BOOKING, STOP_CODE_PATTERN } from '@rb/domain'

const Time = Type.String({ format: 'date-time' })
const StopCode = Type.String({ pattern: STOP_CODE_PATTERN, examples: ['XY-0421'] })
export const InstanceId = Type.String({
  minLength: 10,
  maxLength: 90,
  description: 'trip instance id: <tripId>_<YYYYMMDD>',
})
export const CodeParam = Type.String({
  minLength: 4,
  maxLength: 16,
  description: 'booking code (case, spaces and dashes do not matter)',
})
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_.:-]{8,100}$'
const IdempotencyKey = Type.String({
  pattern: IDEMPOTENCY_KEY_PATTERN,
  description: 'one per booking attempt; resend the same key when retrying',
})
const Phone = Type.String({ minLength: 5, maxLength: 24, examples: ['13812345678'] })

export const BookingStatus = Type.Union(
  ['confirmed', 'waitlisted', 'cancelled', 'boarded', 'no_show'].map((s) => Type.Literal(s)),
)
const Channel = Type.Union(['web', 'phone', 'driver'].map((s) => Type.Literal(s)))

const SeatRequest = {
  boardStop: StopCode,
  alightStop: StopCode,
  seats: Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_BOOKING, default: 1 }),
  name: Type.String({ minLength: 1, maxLength: 40 }),
  phone: Phone,
  waitlist: Type.Boolean({
    default: true,
    description: 'when the trip is full: true = join the waitlist, false = refuse',
  }),
}

export const BookBody = Type.Object({
  tripInstanceId: InstanceId,
  ...SeatRequest,
  idempotencyKey: Type.Optional(IdempotencyKey),
  bookedBy: Type.Optional(
    Type.Object(
      { name: Type.String({ minLength: 1, maxLength: 40 }), phone: Phone },
      {
        description:
          "booking for someone else (name and phone above are the rider's): who books; gets the texts too and may look the booking up and cancel it with this phone",
      },
    ),
  ),
})
export const PhoneBookBody = Type.Object({ ...SeatRequest, idempotencyKey: Type.Optional(IdempotencyKey) })
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) })

export const CancelBody = Type.Object({
  phone: Type.Optional(Phone),
  reason: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
})

export const BookingView = Type.Object({
  code: Type.String(),
  status: BookingStatus,
  tripInstanceId: Type.String(),
  serviceDate: Type.String(),
  routeId: Type.String(),
  headsign: Type.String(),
  departure: Time,
  boardStop: Type.String(),
  boardStopName: Type.String(),
  boardTime: Time,
  alightStop: Type.String(),
  alightStopName: Type.String(),
  alightTime: Time,
  seats: Type.Integer(),
  name: Type.String(),
  phoneMasked: Type.String(),
  channel: Channel,
  waitlistPosition: Type.Union([Type.Null(), Type.Integer()]),
  cancelBefore: Time,
  cancelReason: Type.Union([Type.Null(), Type.String()]),
  createdAt: Time,
  updatedAt: Time,
})

/** A booking whose seats wait for the phone's SMS code: until when, and when the code may be sent again. */
export const Verification = Type.Object(
  {
    required: Type.Literal(true),
    expiresAt: Time,
    resendAt: Type.Union([Type.Null(), Time], {
      description: 'the soonest POST /api/bookings/{code}/verify/resend may send the code again; null: no more',
    }),
  },
  {
    description:
      'the seats are held until `expiresAt`; confirm with POST /api/bookings/{code}/verify and the code the phone was sent',
  },
)

/** A booking as its booker sees it (new, or looked up): with `verification` while its seats wait for the phone's SMS code. */
export const BookedView = Type.Composite([
  BookingView,
  Type.Object({
    verification: Type.Optional(Verification),
  }),
])

export const DispatcherBookingView = Type.Composite([
  BookingView,
  Type.Object({
    phone: Type.String(),
    noShows: Type.Integer({ description: 'times this phone was marked no-show, on any trip' }),
    createdBy: Type.Union([Type.Null(), Type.String()]),
    cancelledBy: Type.Union([Type.Null(), Type.String()]),
  }),
])

export const Counts = Type.Object({
  capacity: Type.Integer(),
  confirmed: Type.Integer(),
  boarded: Type.Integer(),
  noShow: Type.Integer(),
  waitlisted: Type.Integer(),
  cancelled: Type.Integer(),
  riders: Type.Integer({ description: 'seats held: confirmed + boarded' }),
  peakLoad: Type.Integer({ description: 'most seats held on any one segment' }),
})

const TripSummary = Type.Object({
  id: Type.String(),
  departure: Time,
  headsign: Type.String(),
  bookingPolicy: Type.String(),
  minRiders: Type.Integer(),
  cutoff: Time,
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled')]),
  cancelReason: Type.Union([Type.Null(), Type.String()]),
  onDemand: Type.Union([Type.Null(), Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('cancelled')]),
  vehicleId: Type.Union([Type.Null(), Type.String()]),
  driverId: Type.Union([Type.Null(), Type.String()]),
})

export const TripBookings = Type.Object({ trip: TripSummary, counts: Counts, items: Type.Array(DispatcherBookingView) })

const ManifestEntry = Type.Object({
  code: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  seats: Type.Integer(),
  status: BookingStatus,
  channel: Channel,
  boardStop: Type.String(),
  alightStop: Type.String(),
})

export const ManifestView = Type.Object({
  trip: TripSummary,
  counts: Counts,
  stops: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      stopCode: Type.String(),
      stopName: Type.String(),
      arrival: Time,
      boarding: Type.Array(ManifestEntry),
      alighting: Type.Array(ManifestEntry),
      loadAfter: Type.Integer({ description: 'seats held leaving this stop' }),
    }),
  ),
  waitlist: Type.Array(ManifestEntry),
})

export const MarkBody = Type.Object({
  code: CodeParam,
  status: Type.Union([Type.Literal('boarded'), Type.Literal('no_show'), Type.Literal('confirmed')], {
    description: 'confirmed undoes a mark',
  }),
})

export const NoShows = Type.Object({
  phone: Type.String(),
  noShows: Type.Integer(),
  lastNoShowAt: Type.Union([Type.Null(), Time]),
})

const StopRef = Type.Object({ code: Type.String(), name: Type.String() })

export const DriverTripsQuery = Type.Object({
  date: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'service day (Asia/Shanghai); default today' }),
  ),
  driverId: Type.Optional(
    Type.String({ maxLength: 64, description: 'dispatchers: whose trips; a driver sees only their own' }),
  ),
})

export const DriverTrips = Type.Object({
  date: Type.String(),
  driver: Type.Object({ id: Type.String(), name: Type.String() }),
  items: Type.Array(
    Type.Composite([
      TripSummary,
      Type.Object({
        routeId: Type.String(),
        routeName: Type.String(),
        from: StopRef,
        to: StopRef,
        arrival: Type.String({ format: 'date-time', description: 'due at the last stop' }),
        seats: Type.Integer(),
        vehiclePlate: Type.Union([Type.Null(), Type.String()]),
        counts: Counts,
      }),
    ]),
  ),
})
