/**
 * "车快到了提醒我" on the server: reminders are stored (`stop_reminder`), and a runner asks the
 * tracking engine every few seconds where each awaited bus is; the domain's verdict decides. A
 * reminder is closed and its one text written to the notification outbox in one transaction,
 * by a statement that moves only a reminder still active — so the text goes once, on any number
 * of servers. The notifier delivers it like every other message.
 */
import { randomBytes } from 'node:crypto'
import {
  AppError,
  DEFAULT_REMINDER_STOPS,
  approachingText,
  departuresAt,
  maskPhone,
  normalizePhone,
  reminderCancelledTripText,
  reminderRefusal,
  reminderVerdict,
  type StopArrival,
} from '@rb/domain'
import { bookingRepo, villagerRepo, type Db, type OutgoingMessage, type StoredReminder } from '@rb/db'
import type { ReminderView } from '@rb/villager/ssr'
import { Ticker } from '../booking/ticker.js'
import type { NetworkService } from '../network/service.js'
import type { TrackingHost } from '../tracking/host.js'

export interface ReminderLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface ReminderDeps {
  db: Db
  network: NetworkService
  tracking: TrackingHost
  /** Reminders one phone may have waiting. */
  perPhone: number
  /** Called after texts were written to the outbox. */
  onMessages: () => void
  log: ReminderLog
  now?: () => number
}

export interface NewReminderRequest {
  tripInstanceId: string
  stopCode: string
  phone: string
  stopsBefore?: number | undefined
  minutesBefore?: number | null | undefined
}

/** How many departures of a stop are looked at for its reminders (the page lists 8). */
const ARRIVALS_LOOKED_AT = 30

export class ReminderService {
  readonly #d: ReminderDeps
  readonly #now: () => number
  readonly #ticker: Ticker

  constructor(d: ReminderDeps) {
    this.#d = d
    this.#now = d.now ?? Date.now
    this.#ticker = new Ticker(
      () => this.runOnce(this.#now()),
      (err) => d.log.error({ err: err.message }, 'reminders: check failed; will retry'),
    )
  }

  start(intervalMs: number): void {
    this.#ticker.start(intervalMs)
  }

  async stop(): Promise<void> {
    await this.#ticker.stop()
  }

  async view(r: StoredReminder): Promise<ReminderView> {
    const net = await this.#d.network.snapshot()
    const inst = await this.#d.network.instance(r.tripInstanceId).catch(() => null)
    const route = inst ? net.routes.find((x) => x.id === inst.routeId) : undefined
    return {
      token: r.token,
      tripInstanceId: r.tripInstanceId,
      stopCode: r.stopCode,
      scheduledTs: r.scheduledTs,
      stopsBefore: r.stopsBefore,
      minutesBefore: r.minutesBefore,
      state: r.state,
      phoneMasked: maskPhone(r.phone),
      headsign: inst?.headsign ?? '',
      routeName: route?.name ?? '',
    }
  }

  /** A reminder for one departure at one stop; refused for a departure that left, a cancelled trip, or a phone over its limit. */
  async create(req: NewReminderRequest, channel: 'web' | 'sms'): Promise<StoredReminder> {
    const now = this.#now()
    const phone = normalizePhone(req.phone)
    const inst = await this.#d.network.instance(req.tripInstanceId)
    if (inst.status === 'cancelled')
      throw new AppError(
        'TRIP_CANCELLED',
        `${inst.id} does not run${inst.cancelReason ? `: ${inst.cancelReason}` : ''}`,
      )
    const dep = departuresAt([inst], req.stopCode).find(
      (d) => this.#arrivalOf(d.tripInstanceId, req.stopCode, d.scheduledTs, now) !== 'gone',
    )
    if (!dep)
      throw new AppError('VALIDATION_FAILED', `the bus of ${inst.id} does not stop at ${req.stopCode} any more today`, {
        field: 'stopCode',
      })
    const refusal = reminderRefusal((await villagerRepo.activeRemindersOf(this.#d.db, phone)).length, {
      perPhone: this.#d.perPhone,
    })
    if (refusal)
      throw new AppError('RATE_LIMITED', refusal, {
        field: 'phone',
        reason: 'too_many_reminders',
        limit: this.#d.perPhone,
      })
    const r = await villagerRepo.insertReminder(this.#d.db, {
      token: `rm-${randomBytes(16).toString('hex')}`,
      tripInstanceId: inst.id,
      stopCode: req.stopCode,
      scheduledTs: dep.scheduledTs,
      phone,
      stopsBefore: req.stopsBefore ?? DEFAULT_REMINDER_STOPS,
      minutesBefore: req.minutesBefore ?? null,
      channel,
      createdTs: now,
    })
    this.#d.log.info(
      { reminder: r.id, tripInstanceId: r.tripInstanceId, stopCode: r.stopCode, channel, to: maskPhone(phone) },
      'reminder set',
    )
    return r
  }

  /** Whether the departure is still to come at the stop (listed live, or timetabled ahead), or gone. */
  #arrivalOf(tripInstanceId: string, stopCode: string, scheduledTs: number, now: number): 'coming' | 'gone' {
    const a = this.#d.tracking
      .arrivals(stopCode, ARRIVALS_LOOKED_AT, now)
      .find((x) => x.tripInstanceId === tripInstanceId && x.scheduledTs === scheduledTs)
    if (a) return a.status === 'departed' || a.status === 'completed' ? 'gone' : 'coming'
    // Not listed: further ahead than the live list (coming), or it passed (gone).
    return scheduledTs > now ? 'coming' : 'gone'
  }

  async byToken(token: string): Promise<StoredReminder> {
    const r = /^rm-[0-9a-f]{32}$/.test(token) ? await villagerRepo.reminderByToken(this.#d.db, token) : null
    if (!r) throw new AppError('NOT_FOUND', 'no reminder with this token')
    return r
  }

  /** Cancels one reminder (a repeated cancel answers it unchanged). */
  async cancel(token: string): Promise<StoredReminder> {
    const r = await this.byToken(token)
    const [closed] = await villagerRepo.closeReminders(this.#d.db, [r.id], 'cancelled', this.#now())
    return closed ?? (await this.byToken(token))
  }

  /** Cancels every waiting reminder of a phone ("取消提醒" by SMS); answers how many. */
  async cancelAllOf(phone: string): Promise<number> {
    const active = await villagerRepo.activeRemindersOf(this.#d.db, phone)
    return (
      await villagerRepo.closeReminders(
        this.#d.db,
        active.map((r) => r.id),
        'cancelled',
        this.#now(),
      )
    ).length
  }

  /** Looks at every waiting reminder once: sends, tells of a cancellation, or lets it expire. */
  async runOnce(now: number): Promise<{ sent: number; cancelled: number; expired: number }> {
    const active = await villagerRepo.activeReminders(this.#d.db)
    const out = { sent: 0, cancelled: 0, expired: 0 }
    if (active.length === 0) return out
    const net = await this.#d.network.snapshot()
    const stops = new Map(net.stops.map((s) => [s.code, s]))
    const plates = new Map(net.vehicles.map((v) => [v.id, v.plate]))
    const byStop = new Map<string, StopArrival[]>()
    for (const r of active) {
      let arrivals = byStop.get(r.stopCode)
      if (!arrivals) byStop.set(r.stopCode, (arrivals = this.#d.tracking.arrivals(r.stopCode, ARRIVALS_LOOKED_AT, now)))
      const a = arrivals.find((x) => x.tripInstanceId === r.tripInstanceId && x.scheduledTs === r.scheduledTs) ?? null
      const verdict = reminderVerdict(r, a, now)
      if (verdict === 'wait') continue
      const stop = { name: stops.get(r.stopCode)?.name ?? r.stopCode }
      let message: OutgoingMessage | null = null
      if (verdict === 'send' && a)
        message = this.#message(
          r,
          approachingText(stop, { ...a, plate: a.vehicleId ? (plates.get(a.vehicleId) ?? null) : null }, now),
        )
      if (verdict === 'cancelled') {
        const inst = await this.#d.network.instance(r.tripInstanceId).catch(() => null)
        message = this.#message(
          r,
          reminderCancelledTripText(
            stop,
            { scheduledTs: r.scheduledTs, headsign: a?.headsign ?? inst?.headsign ?? '' },
            inst?.cancelReason ?? null,
          ),
        )
      }
      const state = verdict === 'send' ? 'sent' : verdict === 'cancelled' ? 'cancelled' : 'expired'
      const moved = await this.#d.db.transaction(async (tx) => {
        const closed = await villagerRepo.closeReminders(tx, [r.id], state, now)
        if (closed.length > 0 && message) await bookingRepo.enqueueMessages(tx, [message], now)
        return closed.length > 0
      })
      if (!moved) continue
      if (verdict === 'send') out.sent++
      else if (verdict === 'cancelled') out.cancelled++
      else out.expired++
      if (message)
        this.#d.log.info(
          { reminder: r.id, tripInstanceId: r.tripInstanceId, stopCode: r.stopCode, verdict, to: maskPhone(r.phone) },
          'reminder: text written',
        )
    }
    if (out.sent + out.cancelled > 0) this.#d.onMessages()
    return out
  }

  #message(r: StoredReminder, body: string): OutgoingMessage {
    return {
      kind: 'reminder',
      recipient: r.phone,
      recipientRole: 'passenger',
      body,
      bookingId: null,
      tripInstanceId: r.tripInstanceId,
    }
  }
}
