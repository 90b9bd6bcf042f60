/**
 * What the villager page shows and the JSON it reads. Arrivals are the tracking engine's wire type;
 * the trip and crew views are answered by apps/server/src/routes/villager.ts, which types its
 * answers with these interfaces.
 */
import type { BookingView as WireBookingView, StopArrival, TripBookingState } from '@rb/protocol'
import type { HoldVerification } from './views/verify.js'

export type { StopArrival, StopArrivalsUpdate, TripBookingState } from '@rb/protocol'

export type Lang = 'zh' | 'en'
export type ServiceKind = StopArrival['kind']
export type StopStatus = 'ok' | 'reported' | 'in_repair' | 'removed'

export interface StopInfo {
  code: string
  name: string
  nameEn: string
  status: StopStatus
}

export interface RouteInfo {
  id: string
  name: string
  nameEn: string
  kind: ServiceKind
}

/** Everything the first paint needs, rendered by the server and handed to the script as JSON. */
export interface BootData {
  /** The code as asked for (upper case). */
  code: string
  /** null: no stop sign has that code. */
  stop: StopInfo | null
  routes: RouteInfo[]
  arrivals: StopArrival[]
  /** Server time of the answer, epoch ms (the phone's clock may be wrong). */
  ts: number
  /** Days ahead, booking states, market days, the hotline (absent on an unknown code). */
  ahead?: AheadData
}

/** A departure from the timetable (no live state): later today, tomorrow, or a bookable one further ahead. */
export interface PlannedDeparture {
  tripInstanceId: string
  routeId: string
  routeName: string
  routeNameEn: string
  kind: ServiceKind
  headsign: string
  /** YYYY-MM-DD */
  serviceDate: string
  /** Scheduled arrival at this stop, epoch ms. */
  scheduledTs: number
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
}

export interface LunarDay {
  /** YYYY-MM-DD */
  date: string
  /** 冬月初一 */
  lunar: string
}

/** The next market days of a market-day route serving the stop. */
export interface MarketDayView {
  routeId: string
  dates: LunarDay[]
}

/** Whom a villager calls: the operator of the stop's routes (or the county's number). */
export interface Hotline {
  name: string
  phone: string
}

export interface AheadData {
  /** After the live departures: the rest of today and tomorrow, and bookable trips further ahead. */
  departures: PlannedDeparture[]
  /** Bookable departures beyond those listed (the empty "my bookings" offers them). */
  more: PlannedDeparture[]
  /** The next departures open for booking, soonest first. */
  bookable: string[]
  /** Booking state of the departures on the page that take bookings, by trip instance. */
  bookings: Record<string, TripBookingState>
  /** Reasons of cancelled departures on the page, by trip instance. */
  cancelled: Record<string, string | null>
  marketDays: MarketDayView[]
  hotline: Hotline | null
}

/** GET /api/stops/:code/timetable: 7 days of the stop by route. */
export interface StopTimetable {
  stopCode: string
  ts: number
  days: LunarDay[]
  routes: {
    id: string
    name: string
    nameEn: string
    kind: ServiceKind
    marketDays: LunarDay[]
    departures: {
      tripInstanceId: string
      serviceDate: string
      scheduledTs: number
      headsign: string
      status: 'scheduled' | 'cancelled'
      bookable: boolean
    }[]
  }[]
}

/** A "tell me when it comes" reminder as the page keeps it (POST /api/reminders). */
export interface ReminderView {
  token: string
  tripInstanceId: string
  stopCode: string
  scheduledTs: number
  stopsBefore: number
  minutesBefore: number | null
  state: 'active' | 'sent' | 'cancelled' | 'expired'
  phoneMasked: string
  headsign: string
  routeName: string
}

/** One stop of a trip instance, in the order of travel: GET /api/trips/:instanceId/stops. */
export interface TripStop {
  seq: number
  code: string
  name: string
  nameEn: string
  /** Scheduled arrival, epoch ms. */
  scheduledTs: number
}

export interface TripStopsView {
  tripInstanceId: string
  routeId: string
  routeName: string
  routeNameEn: string
  headsign: string
  status: 'scheduled' | 'cancelled'
  bookingPolicy: 'none' | 'optional' | 'required'
  /** Villagers may book until this instant (epoch ms); null when the trip takes no bookings. */
  bookingCutoffTs: number | null
  stops: TripStop[]
}

/** Who drives a departure and in which bus: GET /api/trips/:instanceId/crew (public; phone masked). */
export interface CrewView {
  tripInstanceId: string
  vehicle: { id: string; plate: string; model: string } | null
  driver: {
    /** Unified driver number, e.g. XY-D031. */
    code: string
    name: string
    photoUrl: string | null
    /** 先锋司机, by the county's rule over the driver's ratings. */
    pioneer: boolean
    /** Average stars (two decimals; null without ratings) and count, in the rule's window. */
    rating: { average: number | null; count: number }
    yearsOfService: number
    /** e.g. 138****5678 */
    phoneMasked: string
  } | null
}

/**
 * A booking as the booking API answers a passenger (the wire type; the page reads these fields);
 * `verification` when its seats are held until the phone confirms an SMS code.
 */
export type BookingView = Omit<WireBookingView, 'routeId' | 'channel' | 'createdAt' | 'updatedAt'> & {
  verification?: HoldVerification
}

/** A report as the villager's phone sees it (the reports API: POST /api/stops/:code/reports, GET /api/reports/:id). */
export interface PublicReport {
  id: string
  stopCode: string
  category: string
  /** The repair ticket's status: open, assigned, fixed, rejected. */
  status: string
  reportedAt: string
  receivedAt: string
  updatedAt: string
  hasPhoto: boolean
  reportCount: number
}
