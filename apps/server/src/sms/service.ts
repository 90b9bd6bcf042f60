/**
 * Phones without a browser: a text to the county's number is read (`parseSms`), answered, and
 * logged with what it asked and what came of it. "0115" answers the next three departures at
 * that sign and where the first bus is; "提醒 0115" sets a reminder for the next one; "取消 K7M3QX"
 * cancels a booking made from (or for) that phone — its cancellation text is the answer;
 * "取消提醒" drops the phone's reminders. Replies go through the notification outbox, written in
 * the transaction that logs the message. Too many texts from one phone in an hour are logged
 * and not answered (an answering loop with another machine costs money).
 */
import {
  AppError,
  helpReply,
  maskPhone,
  normalizePhone,
  nothingToRemindReply,
  parseSms,
  queryReply,
  remindReply,
  remindersCancelledReply,
  cancelRefusedReply,
  unknownStopReply,
  type SmsCommand,
} from '@rb/domain'
import { bookingRepo, villagerRepo, type Db } from '@rb/db'
import type { BookingService } from '../booking/index.js'
import type { NetworkService } from '../network/service.js'
import type { ReminderService } from '../reminders/service.js'
import type { TrackingHost } from '../tracking/host.js'
import type { StopSchedule } from '../villager/schedule.js'

export interface InboundSms {
  from: string
  text: string
  /** When the provider received it, epoch ms. */
  receivedTs: number
}

export interface SmsAnswer {
  id: number
  command: SmsCommand['kind']
  outcome: string
  reply: string | null
}

export interface SmsDeps {
  db: Db
  network: NetworkService
  tracking: TrackingHost
  schedule: StopSchedule
  reminders: ReminderService
  booking: BookingService
  countyPrefix: string
  /** Texts one phone may send in an hour and get answers to. */
  perPhonePerHour: number
  onMessages: () => void
  log: { info(obj: object, msg: string): void }
  now?: () => number
}

const GONE = new Set(['departed', 'completed'])

export class SmsService {
  readonly #d: SmsDeps
  readonly #now: () => number

  constructor(d: SmsDeps) {
    this.#d = d
    this.#now = d.now ?? Date.now
  }

  async handle(m: InboundSms): Promise<SmsAnswer> {
    const now = this.#now()
    const phone = normalizePhone(m.from)
    const command = parseSms(m.text, this.#d.countyPrefix)
    const recent = await villagerRepo.inboundCountSince(this.#d.db, phone, now - 3_600_000)
    let outcome: string
    let reply: string | null
    if (recent >= this.#d.perPhonePerHour) [outcome, reply] = ['rate_limited', null]
    else [outcome, reply] = await this.#answer(command, phone, now)
    const id = await this.#d.db.transaction(async (tx) => {
      const logged = await villagerRepo.logInboundSms(tx, {
        sender: phone,
        body: m.text.slice(0, 500),
        receivedTs: m.receivedTs,
        loggedTs: now,
        command: command.kind,
        outcome,
        reply,
      })
      if (reply)
        await bookingRepo.enqueueMessages(
          tx,
          [
            {
              kind: 'sms_reply',
              recipient: phone,
              recipientRole: 'passenger',
              body: reply,
              bookingId: null,
              tripInstanceId: null,
            },
          ],
          now,
        )
      return logged
    })
    if (reply) this.#d.onMessages()
    this.#d.log.info({ sms: id, from: maskPhone(phone), command: command.kind, outcome }, 'inbound SMS answered')
    return { id, command: command.kind, outcome, reply }
  }

  async #answer(c: SmsCommand, phone: string, now: number): Promise<[string, string | null]> {
    switch (c.kind) {
      case 'help':
        return ['help', helpReply()]
      case 'cancel_reminders':
        return ['reminders_cancelled', remindersCancelledReply(await this.#d.reminders.cancelAllOf(phone))]
      case 'query':
      case 'remind': {
        const stop = (await this.#d.network.snapshot()).stops.find((s) => s.code === c.stopCode)
        if (!stop) return ['unknown_stop', unknownStopReply(c.stopCode)]
        const coming = this.#d.tracking.arrivals(c.stopCode, 8, now).filter((a) => !GONE.has(a.status))
        if (c.kind === 'query') {
          const plates = new Map((await this.#d.network.snapshot()).vehicles.map((v) => [v.id, v.plate]))
          const later =
            coming.length > 0
              ? null
              : ((await this.#d.schedule.departures(c.stopCode, now)).find(
                  (d) => d.scheduledTs > now && d.status === 'scheduled',
                ) ?? null)
          const routeName = later
            ? ((await this.#d.network.snapshot()).routes.find((r) => r.id === later.routeId)?.name ?? later.routeId)
            : ''
          return [
            'answered',
            queryReply(
              stop,
              coming.map((a) => ({ ...a, plate: a.vehicleId ? (plates.get(a.vehicleId) ?? null) : null })),
              now,
              later ? { scheduledTs: later.scheduledTs, routeName, headsign: later.headsign } : null,
            ),
          ]
        }
        const next = coming.find((a) => a.status !== 'cancelled' && a.status !== 'at_stop')
        if (!next) return ['nothing_to_remind', nothingToRemindReply(stop)]
        try {
          const r = await this.#d.reminders.create(
            { tripInstanceId: next.tripInstanceId, stopCode: c.stopCode, phone },
            'sms',
          )
          return ['reminder_set', remindReply(stop, next, r.stopsBefore)]
        } catch (err) {
          if (err instanceof AppError && err.code === 'RATE_LIMITED')
            return [
              'too_many_reminders',
              `【乡村公交】您已有${String(err.details?.limit ?? '')}个到站提醒在等待，请先回复"取消提醒"。`,
            ]
          throw err
        }
      }
      case 'cancel_booking': {
        try {
          const found = await this.#d.booking.findForPassenger(c.code, phone)
          if (found.booking.status === 'cancelled')
            return ['already_cancelled', cancelRefusedReply(c.code, 'cancelled')]
          await this.#d.booking.cancel(found, { kind: 'passenger' }, '短信取消')
          // The booking's own cancellation text is the answer.
          return ['booking_cancelled', null]
        } catch (err) {
          if (err instanceof AppError && err.code === 'BOOKING_NOT_FOUND')
            return ['booking_not_found', cancelRefusedReply(c.code, 'not_found')]
          if (
            err instanceof AppError &&
            (err.code === 'BOOKING_CLOSED' || err.code === 'TRIP_CANCELLED' || err.code === 'CONFLICT')
          )
            return ['cancel_refused', cancelRefusedReply(c.code, 'closed')]
          throw err
        }
      }
    }
  }
}
