/**
 * Bookings as the server runs them: the domain decides, the repository stores, and every change
 * to a trip instance's bookings happens in one transaction that first locks the trip instance's
 * row — so 500 requests for the last seats confirm exactly what there is, on one server or many.
 * Within one server, changes to one trip instance also queue in memory, so waiting requests do
 * not each hold a pooled connection while they wait for the row lock.
 */
import {
  AppError,
  bookingCounts,
  buildManifest,
  checkCancel,
  checkMark,
  cutoffTs,
  decideGroup,
  generateBookingCode,
  normalizeBookingCode,
  normalizeName,
  normalizePhone,
  promotable,
  resolveSpan,
  seatsFree,
  segmentLoads,
  waitlistPosition,
  type BookableTrip,
  type BookingChangeKind,
  type BookingChannel,
  type BookingCounts,
  type GroupRequest,
  type Manifest,
  type ManifestMark,
  type OnDemandState,
  type RandomInt,
  type Requester,
  type ServiceDate,
} from '@rb/domain'
import { bookingLimitsRepo, bookingRepo, type Db, type OutgoingMessage, type StoredBooking } from '@rb/db'
import type { Queryable } from '@rb/db'
import type { NetworkService, TripInstanceView } from '../network/service.js'
import { bookedMessage, cancelledMessage, promotedMessage, waitlistedMessage, type TripLabel } from './messages.js'
import { bookingView, dispatcherView, type BookingView, type DispatcherBookingView } from './views.js'
import { KeyedQueue } from './keyed-queue.js'
import { bookedBy, normalizeBooker, saveBookers, withBookerCopies } from '../villager/family.js'
import { GroupQueue, type Settled } from './group-queue.js'
import type { LimitGate, Verification } from './limits-gate.js'

/** Who asks: a passenger (code + phone), a signed-in dispatcher or driver, or the server itself. */
export type Actor =
  | { kind: 'passenger' }
  | { kind: 'dispatcher'; username: string }
  | { kind: 'driver'; username: string; driverCode: string | null }
  | { kind: 'system' }

export interface BookRequest {
  tripInstanceId: string
  boardStop: string
  alightStop: string
  seats: number
  name: string
  phone: string
  /** Take a place on the waitlist when the trip is full (default); false: refuse instead. */
  waitlist: boolean
  idempotencyKey: string
  /** Booking for someone else: who books (told by SMS too, may look it up and cancel with this phone). */
  bookedBy?: { name: string; phone: string } | undefined
  /** Who asks, for the booking limits (absent: not limited). */
  requester?: Requester | undefined
}

export interface BookingChange {
  kind: BookingChangeKind
  codes: string[]
}

/** What listeners (live hub, vehicle downlink) get after a committed change. */
export interface BookingEvent {
  trip: TripInstanceView
  ts: number
  changes: BookingChange[]
  counts: BookingCounts
  manifest: Manifest
  label: TripLabel
}

export interface BookingSettings {
  /** Most seats the waitlist of one trip instance may hold; 0 = refuse when full. */
  waitlistMaxSeats: number
}

export interface BookingDeps {
  db: Db
  network: NetworkService
  settings: BookingSettings
  now?: () => number
  randomInt: RandomInt
  /** Called after a change wrote messages to the outbox. */
  onMessages?: () => void
  /** Booking limits and SMS code holds, judged inside the group's transaction (absent: none). */
  limits?: LimitGate
}

export interface BookResult {
  booking: StoredBooking
  trip: TripInstanceView
  replayed: boolean
  /** The trip instance's bookings right after the change (waitlist positions come from it). */
  queue: readonly StoredBooking[]
  /** The seats are held until the phone confirms the SMS code it was sent. */
  verification: Verification | null
}

interface GroupedRequest extends GroupRequest {
  createdBy: string | null
  bookedBy: { name: string; phone: string } | null
  requester: Requester | null
}

/** A booking's key or code was taken by another trip instance's transaction meanwhile. */
class GroupRaced extends Error {}

/** Most booking requests of one trip instance decided in one transaction. */
const MAX_GROUP = 250

type LockedFn<T> = (
  tx: Queryable,
  onDemand: BookableTrip['onDemand'],
  label: TripLabel,
  current: TripInstanceView,
) => Promise<Locked<T>>

interface Locked<T> {
  result: T
  changes: BookingChange[]
  messages: OutgoingMessage[]
  /** The trip instance's bookings after the change, when the caller has them (else they are read). */
  after?: StoredBooking[]
}

export class BookingService {
  readonly db: Db
  readonly network: NetworkService
  readonly #settings: BookingSettings
  readonly #now: () => number
  readonly #randomInt: RandomInt
  readonly #onMessages: () => void
  readonly #limits: LimitGate | null
  readonly #queue = new KeyedQueue()
  readonly #groups = new GroupQueue(this.#queue, MAX_GROUP)
  readonly #listeners: ((e: BookingEvent) => void)[] = []

  constructor(deps: BookingDeps) {
    this.db = deps.db
    this.network = deps.network
    this.#settings = deps.settings
    this.#now = deps.now ?? Date.now
    this.#randomInt = deps.randomInt
    this.#onMessages = deps.onMessages ?? (() => {})
    this.#limits = deps.limits ?? null
  }

  now(): number {
    return this.#now()
  }

  onEvent(listener: (e: BookingEvent) => void): void {
    this.#listeners.push(listener)
  }

  /** The rules' view of a trip instance: its on-demand state comes from the locked row. */
  bookable(trip: TripInstanceView, onDemand: BookableTrip['onDemand']): BookableTrip {
    return { ...trip, onDemand: trip.bookingPolicy === 'required' ? (onDemand ?? 'pending') : null }
  }

  async label(trip: TripInstanceView): Promise<TripLabel> {
    const names = new Map((await this.network.snapshot()).stops.map((s) => [s.code, s.name]))
    return {
      id: trip.id,
      departureTs: trip.departureTs,
      headsign: trip.headsign,
      stopName: (c) => names.get(c) ?? c,
      cutoffTs: cutoffTs(trip),
    }
  }

  /**
   * Runs `fn` in a transaction holding the trip instance's lock, then tells listeners and the
   * outbox. `fn` gets the trip instance as the lock found it (cancelled meanwhile, perhaps) and
   * returns its result, the changes it made, and the messages to send.
   */
  async locked<T>(trip: TripInstanceView, fn: LockedFn<T>): Promise<T> {
    return this.#queue.run(trip.id, () => this.#lockedNow(trip, fn))
  }

  /** `locked` for a caller already running in the trip instance's turn of the queue. */
  async #lockedNow<T>(trip: TripInstanceView, fn: LockedFn<T>): Promise<T> {
    // Read before the transaction: on the embedded database nothing else runs while it is open.
    const label = await this.label(trip)
    const { out, after, current } = await this.db.transaction(async (tx) => {
      const lock = await bookingRepo.lockTrip(tx, trip.id)
      // The seats as stored now: the cached network may not know yet of a change made elsewhere.
      const seats = (await bookingLimitsRepo.tripSeats(tx, trip.tripId)) ?? trip.seats
      const current: TripInstanceView = lock.cancelled
        ? { ...trip, seats, status: 'cancelled', cancelReason: lock.cancelled.reason }
        : { ...trip, seats }
      const out = await fn(tx, lock.onDemand, label, current)
      await bookingRepo.enqueueMessages(tx, await withBookerCopies(tx, out.messages), this.#now())
      const after = out.changes.length === 0 ? [] : (out.after ?? (await bookingRepo.bookingsOf(tx, trip.id)))
      return { out, after, current }
    })
    if (out.messages.length > 0) this.#onMessages()
    if (out.changes.length > 0) {
      const event: BookingEvent = {
        trip: out.changes.some((c) => c.kind === 'trip_cancelled') ? { ...current, status: 'cancelled' } : current,
        ts: this.#now(),
        changes: out.changes,
        counts: bookingCounts(current.seats, trip.stops.length, after),
        manifest: buildManifest(trip, after),
        label,
      }
      for (const l of this.#listeners) l(event)
    }
    return out.result
  }

  /**
   * Books seats (channel `web` for villagers, `phone` for a dispatcher taking a call). Requests
   * for one trip instance that arrive while its lock is held join one group: the next
   * transaction decides them together, in arrival order (see `#bookGroup`).
   */
  async book(req: BookRequest, actor: Actor): Promise<BookResult> {
    const channel: BookingChannel = actor.kind === 'dispatcher' ? 'phone' : actor.kind === 'driver' ? 'driver' : 'web'
    const trip = await this.network.instance(req.tripInstanceId)
    const request: GroupedRequest = {
      idempotencyKey: req.idempotencyKey,
      channel,
      identity: {
        boardStop: req.boardStop,
        alightStop: req.alightStop,
        seats: req.seats,
        name: normalizeName(req.name),
        phone: normalizePhone(req.phone),
      },
      span: { ...resolveSpan(trip.stops, req.boardStop, req.alightStop), seats: req.seats },
      waitlist: req.waitlist,
      createdBy: actor.kind === 'dispatcher' || actor.kind === 'driver' ? actor.username : null,
      bookedBy: normalizeBooker(req.bookedBy, normalizePhone(req.phone)),
      requester: req.requester ?? null,
    }
    return this.#groups.submit(trip.id, request, (requests) => this.#bookGroup(trip, requests))
  }

  /**
   * Decides a group of booking requests for one trip instance in one locked transaction: one
   * lock, one read of its bookings, one insert, one outbox write, whatever the group's size. Each
   * request is admitted against the bookings before it (the earlier ones of the group included),
   * so seats stay exact and first come is first served; a request refused alone (closed, full, a
   * reused key) gets its own error and the rest of the group books.
   */
  async #bookGroup(trip: TripInstanceView, requests: readonly GroupedRequest[]): Promise<Settled<BookResult>[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#lockedNow(trip, async (tx, onDemand, label, current) => {
          const bookings = await bookingRepo.bookingsOf(tx, trip.id)
          const byKey = new Map<string, StoredBooking>(bookings.map((b) => [b.idempotencyKey, b]))
          const elsewhere = requests.map((r) => r.idempotencyKey).filter((k) => !byKey.has(k))
          for (const b of await bookingRepo.bookingsByIdempotencyKeys(tx, elsewhere)) byKey.set(b.idempotencyKey, b)
          const now = this.#now()
          const bookable = this.bookable(current, onDemand)
          const decided = decideGroup({
            trip: bookable,
            capacity: current.seats,
            bookings,
            requests,
            byKey,
            now,
            waitlistMaxSeats: this.#settings.waitlistMaxSeats,
            ...(this.#limits ? { limits: await this.#limits.open(tx, requests, bookings, now) } : {}),
          })
          const fresh = decided.flatMap((d) => (d.kind === 'new' ? [d] : []))
          const codes = await this.#freeCodes(tx, fresh.length)
          const inserted = await bookingRepo.insertBookings(
            tx,
            fresh.map((d, i) => ({
              code: codes[i] as string,
              tripInstanceId: trip.id,
              ...d.request.identity,
              ...d.request.span,
              status: d.status,
              channel: d.request.channel,
              idempotencyKey: d.request.idempotencyKey,
              createdBy: d.request.createdBy,
              createdTs: now,
            })),
          )
          // A key or code taken meanwhile by another trip instance's transaction: decide again.
          if (inserted.length !== fresh.length) throw new GroupRaced()
          await saveBookers(tx, new Map(fresh.map((d) => [d.request.idempotencyKey, d.request.bookedBy])), inserted)
          const held = this.#limits
            ? await this.#limits.close(tx, {
                trip: bookable,
                capacity: current.seats,
                tripInstanceId: trip.id,
                bookings,
                decided,
                inserted,
                now,
              })
            : new Map<string, Verification>()
          const verification = (key: string): Verification | null => held.get(key) ?? null
          const after = [...bookings, ...inserted]
          const byNewKey = new Map(inserted.map((b) => [b.idempotencyKey, b]))
          const result = decided.map((d): Settled<BookResult> => {
            switch (d.kind) {
              case 'error':
                return { ok: false, error: d.error }
              case 'replay':
                return {
                  ok: true,
                  value: {
                    booking: d.booking,
                    trip,
                    replayed: true,
                    queue: after,
                    verification: verification(d.request.idempotencyKey),
                  },
                }
              case 'new':
              case 'twin':
                return {
                  ok: true,
                  value: {
                    booking: byNewKey.get(d.request.idempotencyKey) as StoredBooking,
                    trip,
                    replayed: d.kind === 'twin',
                    queue: after,
                    verification: verification(d.request.idempotencyKey),
                  },
                }
            }
          })
          const confirmed = inserted.filter((b) => b.status === 'confirmed')
          const waitlisted = inserted.filter((b) => b.status === 'waitlisted')
          const changes: BookingChange[] = [
            ...(confirmed.length > 0 ? [{ kind: 'booked' as const, codes: confirmed.map((b) => b.code) }] : []),
            ...(waitlisted.length > 0 ? [{ kind: 'waitlisted' as const, codes: waitlisted.map((b) => b.code) }] : []),
          ]
          const messages = inserted.map((b) =>
            b.status === 'confirmed'
              ? bookedMessage(label, b)
              : waitlistedMessage(label, b, waitlistPosition(after, b)),
          )
          return { result, changes, messages, after }
        })
      } catch (err) {
        if (err instanceof GroupRaced && attempt < 3) continue
        throw err
      }
    }
  }

  /** `n` booking codes that no booking has and that differ from each other. */
  async #freeCodes(tx: Queryable, n: number): Promise<string[]> {
    const codes = new Set<string>()
    for (let attempt = 0; codes.size < n; attempt++) {
      if (attempt >= 8) throw new Error('could not draw free booking codes in 8 attempts')
      const drawn = new Set<string>()
      while (drawn.size < n - codes.size) {
        const c = generateBookingCode(this.#randomInt)
        if (!codes.has(c)) drawn.add(c)
      }
      const taken = await bookingRepo.codesTaken(tx, [...drawn])
      for (const c of drawn) if (!taken.has(c)) codes.add(c)
    }
    return [...codes]
  }

  /** A booking by code, for the passenger who gives the phone it was made with (else 404). */
  async findForPassenger(
    typedCode: string,
    typedPhone: string,
  ): Promise<{ booking: StoredBooking; trip: TripInstanceView }> {
    const code = normalizeBookingCode(typedCode)
    const phone = (() => {
      try {
        return normalizePhone(typedPhone)
      } catch {
        return null
      }
    })()
    const b = code ? await bookingRepo.bookingByCode(this.db, code) : null
    // One answer for a wrong code and a wrong phone: a code alone reveals nothing.
    // The rider's phone, or the booker's for a booking made for someone else.
    if (!b || (b.phone !== phone && !(await bookedBy(this.db, b.id, phone))))
      throw new AppError('BOOKING_NOT_FOUND', 'no booking with this code and phone number')
    return { booking: b, trip: await this.network.instance(b.tripInstanceId) }
  }

  async findByCode(typedCode: string): Promise<{ booking: StoredBooking; trip: TripInstanceView }> {
    const code = normalizeBookingCode(typedCode)
    const b = code ? await bookingRepo.bookingByCode(this.db, code) : null
    if (!b) throw new AppError('BOOKING_NOT_FOUND', `no booking with code ${typedCode}`)
    return { booking: b, trip: await this.network.instance(b.tripInstanceId) }
  }

  /**
   * Cancels a booking: by the passenger (until the cutoff), a dispatcher (any time, with a
   * reason) or the system. Seats return to the pool and the waitlist moves up.
   */
  async cancel(
    found: { booking: StoredBooking; trip: TripInstanceView },
    actor: Actor,
    reason: string | null,
  ): Promise<StoredBooking> {
    const { trip } = found
    return this.locked(trip, async (tx, onDemand, label, current) => {
      const b = (await bookingRepo.bookingByCode(tx, found.booking.code)) as StoredBooking
      const who = actor.kind === 'passenger' ? 'passenger' : actor.kind === 'system' ? 'system' : 'dispatcher'
      if (checkCancel(this.bookable(current, onDemand), b, who, this.#now()) === 'unchanged')
        return { result: b, changes: [], messages: [] }
      const by = actor.kind === 'dispatcher' || actor.kind === 'driver' ? actor.username : actor.kind
      const [cancelled] = await bookingRepo.setStatus(tx, [b.id], {
        status: 'cancelled',
        now: this.#now(),
        cancelReason: reason,
        cancelledBy: by,
      })
      const promoted = await this.#promote(tx, current, label)
      return {
        result: cancelled as StoredBooking,
        changes: [{ kind: 'cancelled', codes: [b.code] }, ...promoted.changes],
        messages: [cancelledMessage(label, cancelled as StoredBooking, reason), ...promoted.messages],
      }
    })
  }

  /** Confirms the waitlisted bookings that fit now, in order (inside a locked transaction). */
  async #promote(
    tx: Queryable,
    trip: TripInstanceView,
    label: TripLabel,
  ): Promise<{ changes: BookingChange[]; messages: OutgoingMessage[] }> {
    const fit = promotable(trip.seats, trip.stops.length, await bookingRepo.bookingsOf(tx, trip.id))
    if (fit.length === 0) return { changes: [], messages: [] }
    const promoted = await bookingRepo.setStatus(
      tx,
      fit.map((b) => b.id),
      { status: 'confirmed', now: this.#now() },
    )
    return {
      changes: [{ kind: 'promoted', codes: promoted.map((b) => b.code) }],
      messages: promoted.map((b) => promotedMessage(label, b)),
    }
  }

  /** The driver (of this trip) or a dispatcher marks a booking boarded or no-show, or undoes it. */
  async mark(tripInstanceId: string, typedCode: string, to: ManifestMark, actor: Actor): Promise<StoredBooking> {
    const trip = await this.network.instance(tripInstanceId)
    this.checkCrew(trip, actor)
    const code = normalizeBookingCode(typedCode)
    return this.locked(trip, async (tx, onDemand, label, current) => {
      const b = code ? await bookingRepo.bookingByCode(tx, code) : null
      if (!b || b.tripInstanceId !== trip.id)
        throw new AppError('BOOKING_NOT_FOUND', `no booking ${typedCode} on this trip`)
      if (checkMark(this.bookable(current, onDemand), b, to, this.#now()) === 'unchanged')
        return { result: b, changes: [], messages: [] }
      if (b.status === 'no_show') {
        // Its seats may have gone to the waitlist meanwhile.
        const others = (await bookingRepo.bookingsOf(tx, trip.id)).filter((x) => x.id !== b.id)
        const free = seatsFree(current.seats, segmentLoads(trip.stops.length, others), b)
        if (free < b.seats)
          throw new AppError(
            'SEAT_UNAVAILABLE',
            `the seats of ${b.code} went to the waitlist; ${Math.max(0, free)} free now`,
            { seatsFree: Math.max(0, free) },
          )
      }
      const [changed] = await bookingRepo.setStatus(tx, [b.id], { status: to, now: this.#now() })
      const kind: BookingChangeKind = to === 'confirmed' ? 'unmarked' : to
      const promoted = to === 'no_show' ? await this.#promote(tx, current, label) : { changes: [], messages: [] }
      return {
        result: changed as StoredBooking,
        changes: [{ kind, codes: [b.code] }, ...promoted.changes],
        messages: promoted.messages,
      }
    })
  }

  /** Dispatchers see every trip; a driver only the trips assigned to them. */
  checkCrew(trip: TripInstanceView, actor: Actor): void {
    if (actor.kind === 'dispatcher' || actor.kind === 'system') return
    if (actor.kind === 'driver' && actor.driverCode !== null && actor.driverCode === trip.driverId) return
    throw new AppError(
      'FORBIDDEN',
      `only the driver assigned to ${trip.id} or a dispatcher may see or change its manifest`,
    )
  }

  async bookingsOf(
    tripInstanceId: string,
  ): Promise<{ trip: TripInstanceView; bookings: StoredBooking[]; counts: BookingCounts }> {
    const trip = await this.network.instance(tripInstanceId)
    const bookings = await bookingRepo.bookingsOf(this.db, trip.id)
    return { trip, bookings, counts: bookingCounts(trip.seats, trip.stops.length, bookings) }
  }

  /** A driver's trip instances on a service day, in departure order, with seat counts and on-demand state. */
  async tripsOfDriver(
    driverId: string,
    date: ServiceDate,
  ): Promise<{ trip: TripInstanceView; counts: BookingCounts; onDemand: OnDemandState | null }[]> {
    const trips = (await this.network.instancesOn(date)).filter((t) => t.driverId === driverId)
    const states = await bookingRepo.onDemandStates(
      this.db,
      trips.map((t) => t.id),
    )
    const out: { trip: TripInstanceView; counts: BookingCounts; onDemand: OnDemandState | null }[] = []
    for (const trip of trips) {
      const bookings = await bookingRepo.bookingsOf(this.db, trip.id)
      out.push({
        trip,
        counts: bookingCounts(trip.seats, trip.stops.length, bookings),
        onDemand: this.bookable(trip, states.get(trip.id) ?? null).onDemand,
      })
    }
    return out
  }

  async manifest(tripInstanceId: string, actor: Actor): Promise<{ trip: TripInstanceView; manifest: Manifest }> {
    const trip = await this.network.instance(tripInstanceId)
    this.checkCrew(trip, actor)
    return { trip, manifest: buildManifest(trip, await bookingRepo.bookingsOf(this.db, trip.id)) }
  }

  async noShows(phones: readonly string[]): Promise<Map<string, { count: number; lastTs: number | null }>> {
    return bookingRepo.noShows(this.db, [...new Set(phones)])
  }

  // ── Views ──

  /** `queue`: the trip instance's bookings when the caller has them (a waitlisted booking's position). */
  async view(b: StoredBooking, trip: TripInstanceView, known?: readonly StoredBooking[]): Promise<BookingView> {
    const label = await this.label(trip)
    const queue = b.status !== 'waitlisted' ? [] : (known ?? (await bookingRepo.bookingsOf(this.db, trip.id)))
    return bookingView(b, trip, label.stopName, queue)
  }

  async dispatcherViews(bookings: readonly StoredBooking[], trip: TripInstanceView): Promise<DispatcherBookingView[]> {
    const label = await this.label(trip)
    const counts = await this.noShows(bookings.map((b) => b.phone))
    return bookings.map((b) =>
      dispatcherView(bookingView(b, trip, label.stopName, bookings), b, counts.get(b.phone)?.count ?? 0),
    )
  }
}
