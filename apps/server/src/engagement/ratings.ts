/**
 * Ride ratings (docs/engagement.md): the rider of a ridden booking rates it once, from 我的预约
 * (booking code and phone) or from the SMS link sent after the ride (a token that stands for the
 * booking). A second rating breaks a unique key, so any number of instances store one. A complaint
 * is a ticket for the dispatcher (open → upheld or dismissed, audited); the 先锋司机 badge follows
 * the county's rule over the stored ratings and upheld complaints, asked when shown.
 */
import { randomBytes } from 'node:crypto'
import {
  AppError,
  assertDecidable,
  assertRateable,
  cleanRating,
  cleanText,
  maskPhone,
  pioneerWindows,
  ratingInviteSms,
  summarizeRatings,
  type ComplaintDecision,
  type ComplaintStatus,
  type CountySettings,
  type DriverRatingSummary,
  type RatingInput,
} from '@rb/domain'
import {
  bookingRepo,
  isUniqueViolation,
  ratingsRepo,
  type Db,
  type OutgoingMessage,
  type StoredBooking,
  type StoredComplaint,
  type StoredRating,
} from '@rb/db'
import type { NetworkService, TripInstanceView } from '../network/service.js'
import type { BookingService } from '../booking/service.js'
import { Ticker } from '../booking/ticker.js'
import type { AuditFn } from './notices.js'

export interface RatingDeps {
  db: Db
  network: Pick<NetworkService, 'instance' | 'snapshot'>
  booking: Pick<BookingService, 'findForPassenger'>
  settings: { get(): CountySettings }
  publicUrl: string
  /** Called after texts were written to the outbox. */
  onMessages(): void
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }
  now?: () => number
}

/** Who rates: the booking's code and phone (我的预约), or the SMS link's token. */
export interface Rater {
  code?: string | undefined
  phone?: string | undefined
  invite?: string | undefined
}

/** The ride as the rating form shows it, and whether (and how) it was rated. */
export interface RideView {
  code: string
  serviceDate: string
  routeName: string
  boardStop: string
  boardStopName: string
  alightStopName: string
  boardTs: number
  phoneMasked: string
  driver: { code: string; name: string } | null
  status: StoredBooking['status']
  rateable: boolean
  rating: { stars: number; tags: string[]; complained: boolean; createdTs: number } | null
}

export interface DriverRatingRow extends DriverRatingSummary {
  driverId: string
  name: string
  status: string
  /** Every rating, whenever given. */
  total: number
  openComplaints: number
}

/** A complaint as staff see it: the rider's phone masked. */
export type ComplaintView = Omit<StoredComplaint, 'phone'> & { phoneMasked: string }
const complaintView = ({ phone, ...c }: StoredComplaint): ComplaintView => ({ ...c, phoneMasked: maskPhone(phone) })

/** The SMS goes this long after the bus is due at the rider's alighting stop. */
const INVITE_AFTER_MS = 15 * 60_000
/** Bookings marked boarded within this many days are still invited (a server down for days sends them late, not never). */
const INVITE_LOOKBACK_MS = 7 * 86_400_000
const INVITE_BATCH = 500
const TOKEN = /^rt-[0-9a-f]{24}$/

export class RatingService {
  readonly #d: RatingDeps
  readonly #now: () => number
  readonly #ticker: Ticker

  constructor(d: RatingDeps) {
    this.#d = d
    this.#now = d.now ?? Date.now
    this.#ticker = new Ticker(
      () => this.sweep(this.#now()),
      (err) => d.log.error({ err: err.message }, 'ratings: SMS sweep failed; will retry'),
    )
  }

  start(intervalMs: number): void {
    this.#ticker.start(intervalMs)
  }

  async stop(): Promise<void> {
    await this.#ticker.stop()
  }

  get rule() {
    return this.#d.settings.get().pioneer
  }

  async #ride(who: Rater): Promise<{ booking: StoredBooking; trip: TripInstanceView; channel: 'mine' | 'sms_link' }> {
    if (who.invite) {
      const code = TOKEN.test(who.invite) ? await ratingsRepo.inviteBooking(this.#d.db, who.invite) : null
      if (!code)
        throw new AppError('NOT_FOUND', 'this rating link is not valid; rate the ride from 我的预约 instead', {
          field: 'invite',
        })
      const booking = await bookingRepo.bookingByCode(this.#d.db, code)
      if (!booking) throw new AppError('NOT_FOUND', 'this rating link is not valid', { field: 'invite' })
      return { booking, trip: await this.#d.network.instance(booking.tripInstanceId), channel: 'sms_link' }
    }
    if (!who.code || !who.phone)
      throw new AppError('VALIDATION_FAILED', 'the booking code and its phone number are needed', {
        field: who.code ? 'phone' : 'code',
      })
    return { ...(await this.#d.booking.findForPassenger(who.code, who.phone)), channel: 'mine' }
  }

  /** What the form shows of the ride. */
  async ride(who: Rater): Promise<RideView> {
    const { booking, trip } = await this.#ride(who)
    const rating = await ratingsRepo.ratingOfBooking(this.#d.db, booking.id)
    return this.#view(booking, trip, rating)
  }

  async #view(b: StoredBooking, trip: TripInstanceView, rating: StoredRating | null): Promise<RideView> {
    const net = await this.#d.network.snapshot()
    const stop = (code: string) => net.stops.find((s) => s.code === code)?.name ?? code
    const driverId = rating ? rating.driverId : trip.driverId
    const d = driverId ? net.drivers.find((x) => x.id === driverId) : undefined
    return {
      code: b.code,
      serviceDate: trip.serviceDate,
      routeName: net.routes.find((r) => r.id === trip.routeId)?.name ?? trip.routeId,
      boardStop: b.boardStop,
      boardStopName: stop(b.boardStop),
      alightStopName: stop(b.alightStop),
      boardTs: trip.stops.find((s) => s.seq === b.boardSeq)?.arrivalTs ?? trip.departureTs,
      phoneMasked: maskPhone(b.phone),
      driver: d ? { code: d.id, name: d.name } : null,
      status: b.status,
      rateable: b.status === 'boarded' && !rating,
      rating: rating
        ? { stars: rating.stars, tags: rating.tags, complained: rating.complaint !== null, createdTs: rating.createdTs }
        : null,
    }
  }

  /**
   * Rates the ride: checked first (stars, tags, complaint), then the booking (ridden, not rated);
   * the rating and its complaint are stored together or not at all.
   */
  async rate(who: Rater, input: RatingInput): Promise<RideView & { driverRating: DriverRatingSummary | null }> {
    const clean = cleanRating(input)
    const { booking, trip, channel } = await this.#ride(who)
    assertRateable(booking.status)
    const exists = (): AppError =>
      new AppError('RATING_EXISTS', `booking ${booking.code} has already been rated: one rating per ride`, {
        field: 'code',
      })
    if (await ratingsRepo.ratingOfBooking(this.#d.db, booking.id)) throw exists()
    let rating: StoredRating
    try {
      rating = await this.#d.db.transaction((tx) =>
        ratingsRepo.insertRating(tx, {
          bookingId: booking.id,
          tripInstanceId: trip.id,
          driverId: trip.driverId,
          phone: booking.phone,
          rating: clean,
          channel,
          createdTs: this.#now(),
        }),
      )
    } catch (err) {
      if (isUniqueViolation(err)) throw exists()
      throw err
    }
    this.#d.log.info(
      { booking: booking.code, driver: rating.driverId, stars: rating.stars, complaint: clean.complaint !== null },
      'ratings: ride rated',
    )
    const view = await this.#view(booking, trip, rating)
    return { ...view, driverRating: rating.driverId ? await this.driver(rating.driverId) : null }
  }

  /** One driver's average and count in the rule's window, and the badge. */
  async driver(driverId: string): Promise<DriverRatingSummary> {
    const rule = this.rule
    const facts = await ratingsRepo.driverFacts(this.#d.db, pioneerWindows(rule, this.#now()), [driverId])
    return summarizeRatings(facts.get(driverId) ?? { count: 0, starSum: 0, upheldComplaints: 0 }, rule)
  }

  /** Every driver on file with their ratings: the report's table, best average first. */
  async drivers(): Promise<DriverRatingRow[]> {
    const rule = this.rule
    const facts = await ratingsRepo.driverFacts(this.#d.db, pioneerWindows(rule, this.#now()))
    const net = await this.#d.network.snapshot()
    return net.drivers
      .map((d): DriverRatingRow => {
        const f = facts.get(d.id) ?? { count: 0, starSum: 0, upheldComplaints: 0, total: 0, openComplaints: 0 }
        return {
          driverId: d.id,
          name: d.name,
          status: d.status,
          ...summarizeRatings(f, rule),
          total: f.total,
          openComplaints: f.openComplaints,
        }
      })
      .sort(
        (a, b) => (b.average ?? -1) - (a.average ?? -1) || b.count - a.count || a.driverId.localeCompare(b.driverId),
      )
  }

  async complaints(status: ComplaintStatus | null, limit: number): Promise<ComplaintView[]> {
    return (await ratingsRepo.complaints(this.#d.db, status, limit)).map(complaintView)
  }

  /** A dispatcher upholds or dismisses an open complaint, once; audited in the same transaction. */
  async decide(
    id: number,
    decision: ComplaintDecision,
    rawNote: string | null | undefined,
    by: string,
    audit: AuditFn,
  ): Promise<ComplaintView> {
    const note = cleanText(rawNote, { field: 'note', maxChars: 500, required: false })
    return this.#d.db.transaction(async (tx) => {
      const before = await ratingsRepo.complaint(tx, id, true)
      if (!before) throw new AppError('COMPLAINT_NOT_FOUND', `no complaint ${id}`)
      assertDecidable(before.status, id)
      const after = await ratingsRepo.decideComplaint(tx, id, { decision, by, note, ts: this.#now() })
      if (!after)
        throw new AppError('COMPLAINT_DECIDED', `complaint ${id} was decided meanwhile`, { field: 'decision' })
      await audit(tx, { status: before.status }, { status: after.status, note: after.note })
      return complaintView(after)
    })
  }

  /**
   * The SMS after a ride: each booking marked boarded, once the bus is due at its alighting stop
   * (and a little more), gets a link that stands for it. The invitation row is the claim: the
   * instance whose insert wins writes the SMS in the same transaction, so each rider gets one.
   */
  async sweep(now: number): Promise<{ invited: number }> {
    const candidates = await ratingsRepo.inviteCandidates(this.#d.db, now - INVITE_LOOKBACK_MS, INVITE_BATCH)
    let invited = 0
    const net = candidates.length > 0 ? await this.#d.network.snapshot() : null
    for (const c of candidates) {
      let trip: TripInstanceView
      try {
        trip = await this.#d.network.instance(c.tripInstanceId)
      } catch {
        continue
      }
      const alight = trip.stops.find((s) => s.seq === c.alightSeq)?.arrivalTs ?? trip.departureTs
      if (now < alight + INVITE_AFTER_MS) continue
      const token = `rt-${randomBytes(12).toString('hex')}`
      const routeName = net?.routes.find((r) => r.id === trip.routeId)?.name ?? trip.routeId
      const sent = await this.#d.db.transaction(async (tx) => {
        if (!(await ratingsRepo.claimInvite(tx, c.bookingId, token, now))) return false
        const message: OutgoingMessage = {
          kind: 'rating_invite',
          recipient: c.phone,
          recipientRole: 'passenger',
          body: ratingInviteSms({ routeName, date: trip.serviceDate }, this.link(c.boardStop, token)),
          bookingId: c.bookingId,
          tripInstanceId: c.tripInstanceId,
        }
        await bookingRepo.enqueueMessages(tx, [message], now)
        return true
      })
      if (sent) invited++
    }
    if (invited > 0) {
      this.#d.onMessages()
      this.#d.log.info({ invited }, 'ratings: SMS links written')
    }
    return { invited }
  }

  /** The rating form on the page of the stop the rider boarded at: `/s/<stop>#rate/<token>`. */
  link(stopCode: string, token: string): string {
    return `${this.#d.publicUrl.replace(/\/$/, '')}/s/${stopCode}#rate/${token}`
  }
}
