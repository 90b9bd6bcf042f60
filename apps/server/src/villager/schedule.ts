/**
 * A stop sign's days ahead for the villager page: the departures after the live ones (the rest
 * of today and tomorrow, and the next trips still open for booking however far ahead), the 7-day
 * timetable by route, the next market days of market-day routes with their lunar dates, the
 * booking state of each bookable departure, and the operator's hotline. The rules are
 * `@rb/domain` (villager/schedule); this reads the network and the bookings.
 */
import {
  addDays,
  bookingCounts,
  departuresAhead,
  departuresAt,
  instancesOn,
  lunarLabel,
  nextBookable,
  serviceDatesOf,
  serviceDayOf,
  serviceDayStartMs,
  type ServiceDate,
  type StopDeparture,
  type TripBookingState,
} from '@rb/domain'
import { bookingRepo, type Db } from '@rb/db'
import type { AheadData, Hotline, MarketDayView, PlannedDeparture, StopTimetable } from '@rb/villager/ssr'
import type { NetworkService, TripInstanceView } from '../network/service.js'

/** Days the timetable and the search for bookable trips cover (on-demand cutoffs are at most 7 days ahead). */
export const TIMETABLE_DAYS = 7
/** How far ahead the next market days are looked for. */
const MARKET_SEARCH_DAYS = 45
const MARKET_DAYS_SHOWN = 3
const AHEAD_LIMIT = 12
const BOOKABLE_BEYOND = 4
const BOOKABLE_LISTED = 4
const CACHE_MS = 5_000

export interface ScheduleOptions {
  network: NetworkService
  db: Db
  /** A county-wide number for villagers to call, when no operator of the stop's routes has one. */
  hotline?: string | undefined
}

export class StopSchedule {
  readonly #o: ScheduleOptions
  /** Trip instances of a day with their cancellations, briefly cached (every page view asks). */
  readonly #days = new Map<ServiceDate, { at: number; value: Promise<TripInstanceView[]> }>()

  constructor(o: ScheduleOptions) {
    this.#o = o
    o.network.onChange(() => this.#days.clear())
  }

  #day(date: ServiceDate, now: number): Promise<TripInstanceView[]> {
    const hit = this.#days.get(date)
    if (hit && now - hit.at < CACHE_MS) return hit.value
    const value = this.#o.network.instancesOn(date)
    value.catch(() => this.#days.delete(date))
    this.#days.set(date, { at: now, value })
    if (this.#days.size > 40) this.#days.delete(this.#days.keys().next().value as ServiceDate)
    return value
  }

  /** Every departure from the stop over `days` service days from today. */
  async departures(stopCode: string, now: number, days = TIMETABLE_DAYS): Promise<StopDeparture[]> {
    const today = serviceDayOf(now)
    const lists = await Promise.all(Array.from({ length: days }, (_, i) => this.#day(addDays(today, i), now)))
    return departuresAt(lists.flat(), stopCode)
  }

  /** The next market days of each market-day route serving the stop (from the timetable's calendars). */
  async marketDays(stopCode: string, now: number): Promise<MarketDayView[]> {
    const net = await this.#o.network.snapshot()
    const routes = net.routes.filter(
      (r) => r.active && r.kind === 'market' && r.stops.some((s) => s.stopCode === stopCode),
    )
    if (routes.length === 0) return []
    const ids = new Set(routes.map((r) => r.id))
    const trips = net.trips.filter((t) => ids.has(t.routeId))
    const today = serviceDayOf(now)
    const found: StopDeparture[] = []
    for (let i = 0; i < MARKET_SEARCH_DAYS; i++) {
      const date = addDays(today, i)
      const instances = instancesOn(date, trips, net.routes, net.calendars).map((x) => ({
        ...x,
        status: 'scheduled' as const,
        cancelReason: null,
      }))
      found.push(...departuresAt(instances, stopCode).filter((d) => d.scheduledTs > now))
    }
    return routes.map((r) => ({
      routeId: r.id,
      dates: serviceDatesOf(found, r.id, MARKET_DAYS_SHOWN).map((date) => ({ date, lunar: lunarLabel(date) })),
    }))
  }

  /** Booking state of departures that take bookings (riders counted from the bookings). */
  async bookingStates(deps: readonly StopDeparture[], now: number): Promise<Record<string, TripBookingState>> {
    const bookable = [
      ...new Map(deps.filter((d) => d.bookingPolicy !== 'none').map((d) => [d.tripInstanceId, d])).values(),
    ]
    const states = await bookingRepo.onDemandStates(
      this.#o.db,
      bookable.map((d) => d.tripInstanceId),
    )
    const out: Record<string, TripBookingState> = {}
    for (const d of bookable) {
      const bookings = await bookingRepo.bookingsOf(this.#o.db, d.tripInstanceId)
      const instance = (await this.#day(d.serviceDate, now)).find((i) => i.id === d.tripInstanceId)
      const counts = bookingCounts(d.seats, instance?.stops.length ?? 2, bookings)
      out[d.tripInstanceId] = tripBookingState(d, counts, states.get(d.tripInstanceId) ?? null, now)
    }
    return out
  }

  async hotline(stopCode: string): Promise<Hotline | null> {
    const net = await this.#o.network.snapshot()
    const operatorIds = new Set(
      net.routes.filter((r) => r.active && r.stops.some((s) => s.stopCode === stopCode)).map((r) => r.operatorId),
    )
    const op = net.operators.filter((o) => operatorIds.has(o.id) && o.phone).sort((a, b) => a.id.localeCompare(b.id))[0]
    if (op?.phone) return { name: op.name, phone: op.phone }
    return this.#o.hotline ? { name: '', phone: this.#o.hotline } : null
  }

  /** What the stop page lists after its live departures (`shown`), and what it needs to tell them. */
  async ahead(
    stopCode: string,
    shown: readonly { tripInstanceId: string; status: string }[],
    now: number,
  ): Promise<AheadData> {
    const net = await this.#o.network.snapshot()
    const all = await this.departures(stopCode, now)
    const tomorrowEnd = serviceDayStartMs(addDays(serviceDayOf(now), 2))
    const ahead = departuresAhead(all, {
      now,
      shown: new Set(shown.map((a) => a.tripInstanceId)),
      untilTs: tomorrowEnd,
      bookableBeyond: BOOKABLE_BEYOND,
      limit: AHEAD_LIMIT,
    })
    const bookable = nextBookable(all, now, BOOKABLE_LISTED)
    const names = new Map(net.routes.map((r) => [r.id, r]))
    const planned = (d: StopDeparture): PlannedDeparture => ({
      tripInstanceId: d.tripInstanceId,
      routeId: d.routeId,
      routeName: names.get(d.routeId)?.name ?? d.routeId,
      routeNameEn: names.get(d.routeId)?.nameEn ?? '',
      kind: d.kind,
      headsign: d.headsign,
      serviceDate: d.serviceDate,
      scheduledTs: d.scheduledTs,
      status: d.status,
      cancelReason: d.cancelReason,
    })
    const shownIds = new Set(shown.map((a) => a.tripInstanceId))
    const aheadIds = new Set(ahead.map((d) => d.tripInstanceId))
    // The live ones, the listed ones and the bookable ones: their booking state and cancellations.
    const onPage = all.filter(
      (d) => shownIds.has(d.tripInstanceId) || aheadIds.has(d.tripInstanceId) || bookable.includes(d),
    )
    const cancelled: Record<string, string | null> = {}
    for (const d of onPage) if (d.status === 'cancelled') cancelled[d.tripInstanceId] = d.cancelReason
    return {
      departures: ahead.map(planned),
      more: bookable.filter((d) => !aheadIds.has(d.tripInstanceId) && !shownIds.has(d.tripInstanceId)).map(planned),
      bookable: bookable.map((d) => d.tripInstanceId),
      bookings: await this.bookingStates(onPage, now),
      cancelled,
      marketDays: await this.marketDays(stopCode, now),
      hotline: await this.hotline(stopCode),
    }
  }

  /** The stop's timetable for 7 days, by route, each departure marked when it can be booked now. */
  async timetable(stopCode: string, now: number): Promise<StopTimetable> {
    const net = await this.#o.network.snapshot()
    const all = (await this.departures(stopCode, now)).filter((d) => d.scheduledTs > now - 30 * 60_000)
    const today = serviceDayOf(now)
    const market = new Map((await this.marketDays(stopCode, now)).map((m) => [m.routeId, m.dates]))
    const routes = net.routes
      .filter((r) => r.active && r.stops.some((s) => s.stopCode === stopCode))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh'))
      .map((r) => ({
        id: r.id,
        name: r.name,
        nameEn: r.nameEn,
        kind: r.kind,
        marketDays: market.get(r.id) ?? [],
        departures: all
          .filter((d) => d.routeId === r.id)
          .map((d) => ({
            tripInstanceId: d.tripInstanceId,
            serviceDate: d.serviceDate,
            scheduledTs: d.scheduledTs,
            headsign: d.headsign,
            status: d.status,
            bookable: d.status === 'scheduled' && d.bookingCutoffTs !== null && now < d.bookingCutoffTs,
          })),
      }))
    const days = Array.from({ length: TIMETABLE_DAYS }, (_, i) => addDays(today, i)).map((date) => ({
      date,
      lunar: lunarLabel(date),
    }))
    return { stopCode, ts: now, days, routes }
  }
}

export function tripBookingState(
  d: Pick<
    StopDeparture,
    'tripInstanceId' | 'bookingPolicy' | 'bookingCutoffTs' | 'minRiders' | 'status' | 'cancelReason'
  >,
  counts: { capacity: number; riders: number; peakLoad: number },
  onDemand: TripBookingState['onDemand'],
  asOf: number,
): TripBookingState {
  const required = d.bookingPolicy === 'required'
  return {
    tripInstanceId: d.tripInstanceId,
    policy: required ? 'required' : 'optional',
    cutoffTs: d.bookingCutoffTs ?? 0,
    minRiders: d.minRiders,
    riders: counts.riders,
    seatsFree: Math.max(0, counts.capacity - counts.peakLoad),
    onDemand: required ? (onDemand ?? 'pending') : null,
    status: d.status,
    cancelReason: d.cancelReason,
    asOf,
  }
}
