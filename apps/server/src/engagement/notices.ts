/**
 * Notices to drivers (docs/engagement.md). A notice and one receipt per driver are written in one
 * transaction with the audit row; after the commit each driver's signed-in sockets hear of it
 * (`notice` to the account's own room, on every instance through the adapter), and the bus the
 * driver is on — or rostered on today — gets it shortened on its terminal (JT/T 808 0x8300) and
 * its MQTT `cmd` topic. The page reports delivery by listing the notices and reading by opening
 * one. Reminders are claimed by an update that only one instance can win, so a sweep running on
 * every instance, restarted or not, reminds each driver once.
 */
import {
  AppError,
  cleanNotice,
  noticeReminderSms,
  serviceDayOf,
  terminalText,
  type NoticeInput,
  type TrackingEngine,
} from '@rb/domain'
import {
  bookingRepo,
  engagementRepo,
  type Db,
  type DriverNotice,
  type NoticeCounts,
  type NoticeReceipt,
  type OutgoingMessage,
  type Queryable,
  type StoredNotice,
  type TerminalOutcome,
} from '@rb/db'
import { jt808, topics, type NoticeCommand } from '@rb/protocol'
import type { PublishFn } from '../broker/downlink.js'
import type { MessageTerminals } from '../alerts/messages.js'
import { Ticker } from '../booking/ticker.js'

export interface NoticeLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface NoticeDeps {
  db: Db
  /** Emits `notice` to these internal account rooms. */
  push(userIds: readonly number[], push: { id: number; title: string; ts: number; reminder: boolean }): void
  publish: PublishFn | undefined
  terminals: MessageTerminals | undefined
  /** The tracking engine: which bus a driver is at the wheel of now. */
  engine: Pick<TrackingEngine, 'vehicleIds' | 'driverOf'>
  /** Default hours before the reminder (0: none). */
  remindAfterH: number
  /** Called after texts were written to the outbox. */
  onMessages(): void
  log: NoticeLog
  now?: () => number
}

export interface Author {
  username: string
  displayName: string
}

/** Writes the audit row of a change in its transaction. */
export type AuditFn = (tx: Queryable, before: unknown, after: unknown) => Promise<void>

export interface NoticeView extends StoredNotice, NoticeCounts {}

/** How far back a duty counts for "one operator's drivers", days. */
const OPERATOR_DUTY_DAYS = 14
const DAY_MS = 86_400_000

export class NoticeService {
  readonly #d: NoticeDeps
  readonly #now: () => number
  readonly #ticker: Ticker

  constructor(d: NoticeDeps) {
    this.#d = d
    this.#now = d.now ?? Date.now
    this.#ticker = new Ticker(
      () => this.sweep(this.#now()),
      (err) => d.log.error({ err: err.message }, 'notices: reminder sweep failed; will retry'),
    )
  }

  start(intervalMs: number): void {
    this.#ticker.start(intervalMs)
  }

  async stop(): Promise<void> {
    await this.#ticker.stop()
  }

  /** Who a notice goes to: every active driver, one operator's rostered drivers, or the chosen ones (each on file). */
  async #recipients(n: ReturnType<typeof cleanNotice>, now: number): Promise<string[]> {
    const db = this.#d.db
    if (n.audience === 'all') return engagementRepo.activeDriverIds(db)
    if (n.audience === 'operator') {
      const id = n.operatorId as string
      if (!(await engagementRepo.operatorExists(db, id)))
        throw new AppError('NOT_FOUND', `operator ${id} does not exist`, { field: 'operatorId' })
      return engagementRepo.operatorDriverIds(db, id, serviceDayOf(now - OPERATOR_DUTY_DAYS * DAY_MS))
    }
    const known = new Set(await engagementRepo.knownDriverIds(db, n.driverIds))
    const missing = n.driverIds.filter((d) => !known.has(d))
    if (missing.length > 0)
      throw new AppError('VALIDATION_FAILED', `no driver ${missing.slice(0, 5).join(', ')} on file`, {
        field: 'driverIds',
        missing,
      })
    return n.driverIds
  }

  /** Writes the notice to its drivers and sends it; refused (nothing stored) when it reaches nobody. */
  async send(input: NoticeInput, by: Author, audit: AuditFn): Promise<NoticeView> {
    const now = this.#now()
    const n = cleanNotice({
      ...input,
      remindAfterH: input.remindAfterH === undefined ? this.#d.remindAfterH || null : input.remindAfterH,
    })
    const drivers = await this.#recipients(n, now)
    if (drivers.length === 0)
      throw new AppError(
        'VALIDATION_FAILED',
        n.audience === 'operator'
          ? `operator ${n.operatorId} has no driver rostered on its buses`
          : 'there is no active driver to send it to',
        { field: n.audience === 'operator' ? 'operatorId' : 'audience' },
      )
    const notice = await this.#d.db.transaction(async (tx) => {
      const stored = await engagementRepo.insertNotice(tx, n, by, drivers, now)
      await audit(tx, null, { ...stored, drivers })
      return stored
    })
    this.#d.log.info({ notice: notice.id, audience: notice.audience, drivers: drivers.length }, 'notice sent')
    await this.#deliver(notice, drivers, false, now)
    return { ...notice, recipients: drivers.length, delivered: 0, read: 0 }
  }

  list(limit: number): Promise<NoticeView[]> {
    return engagementRepo.listNotices(this.#d.db, limit)
  }

  async get(id: number): Promise<StoredNotice> {
    const n = await engagementRepo.getNotice(this.#d.db, id)
    if (!n) throw new AppError('NOTICE_NOT_FOUND', `no notice ${id}`)
    return n
  }

  async detail(id: number): Promise<NoticeView & { receipts: NoticeReceipt[] }> {
    const n = await this.get(id)
    const receipts = await engagementRepo.receipts(this.#d.db, id)
    const count = (f: (r: NoticeReceipt) => boolean): number => receipts.filter(f).length
    return {
      ...n,
      recipients: receipts.length,
      delivered: count((r) => r.deliveredTs !== null),
      read: count((r) => r.readTs !== null),
      receipts,
    }
  }

  /** The driver's notices (unread first); listing them is their delivery to the page. */
  async forDriver(driverId: string, limit: number): Promise<{ unread: number; items: DriverNotice[] }> {
    const items = await engagementRepo.driverNotices(this.#d.db, driverId, limit)
    const now = this.#now()
    const fresh = items.filter((x) => x.deliveredTs === null).map((x) => x.id)
    await engagementRepo.markDelivered(this.#d.db, driverId, fresh, now)
    return {
      unread: items.filter((x) => x.readTs === null).length,
      items: items.map((x) => (x.deliveredTs === null ? { ...x, deliveredTs: now } : x)),
    }
  }

  /** The driver opened the notice: its receipt says when (the first opening stands). */
  async read(noticeId: number, driverId: string): Promise<NoticeReceipt> {
    const r = await engagementRepo.markRead(this.#d.db, noticeId, driverId, this.#now())
    if (!r) throw new AppError('NOTICE_NOT_FOUND', `notice ${noticeId} was not sent to driver ${driverId}`)
    return r
  }

  /** Staff remind every driver who has not read it yet, now; answers who was reminded. */
  async remind(noticeId: number, audit: AuditFn): Promise<{ reminded: string[] }> {
    const notice = await this.get(noticeId)
    const now = this.#now()
    const reminded = await this.#d.db.transaction(async (tx) => {
      const claimed = await engagementRepo.claimReminders(tx, noticeId, null, 'manual', now)
      await this.#queueSms(tx, notice, claimed, now)
      await audit(tx, null, { noticeId, reminded: claimed })
      return claimed
    })
    if (reminded.length > 0) this.#d.onMessages()
    await this.#deliver(notice, reminded, true, now)
    return { reminded }
  }

  /** Reminds, once, the drivers who have not read a notice past its hours; safe on every instance at once. */
  async sweep(now: number): Promise<{ reminded: number }> {
    let total = 0
    for (const due of await engagementRepo.dueReminders(this.#d.db, now)) {
      const notice = await this.get(due.noticeId)
      const claimed = await this.#d.db.transaction(async (tx) => {
        const ids = await engagementRepo.claimReminders(tx, due.noticeId, due.driverIds, 'auto', now)
        await this.#queueSms(tx, notice, ids, now)
        return ids
      })
      if (claimed.length === 0) continue
      total += claimed.length
      this.#d.log.info({ notice: notice.id, drivers: claimed.length }, 'notice: unread reminder sent')
      this.#d.onMessages()
      await this.#deliver(notice, claimed, true, now)
    }
    return { reminded: total }
  }

  async #queueSms(tx: Queryable, notice: StoredNotice, driverIds: readonly string[], now: number): Promise<void> {
    if (driverIds.length === 0) return
    const phones = await engagementRepo.driverPhones(tx, driverIds)
    const body = noticeReminderSms(notice, notice.remindAfterH)
    const messages: OutgoingMessage[] = [...phones.values()].map((phone) => ({
      kind: 'notice_reminder',
      recipient: phone,
      recipientRole: 'driver',
      body,
      bookingId: null,
      tripInstanceId: null,
    }))
    await bookingRepo.enqueueMessages(tx, messages, now)
  }

  /** After the commit: the drivers' pages, then each one's bus. A channel that fails is noted, never an error. */
  async #deliver(notice: StoredNotice, driverIds: readonly string[], reminder: boolean, now: number): Promise<void> {
    if (driverIds.length === 0) return
    try {
      const accounts = await engagementRepo.driverAccounts(this.#d.db, driverIds)
      this.#d.push(
        accounts.map((a) => a.userId),
        { id: notice.id, title: notice.title, ts: now, reminder },
      )
    } catch (err) {
      this.#d.log.warn(
        { err: (err as Error).message, notice: notice.id },
        'notice: live push failed; the page lists it on its next load',
      )
    }
    const atWheel = new Map<string, string>()
    for (const v of this.#d.engine.vehicleIds()) {
      const d = this.#d.engine.driverOf(v)
      if (d) atWheel.set(d, v)
    }
    const text = terminalText(notice, { reminder })
    const day = serviceDayOf(now)
    await Promise.all(
      driverIds.map(async (driverId) => {
        try {
          const vehicleId = atWheel.get(driverId) ?? (await engagementRepo.dutyVehicle(this.#d.db, driverId, day))
          const outcome = vehicleId
            ? await this.#toBus(vehicleId, {
                type: 'notice',
                ts: now,
                id: notice.id,
                driverId,
                title: notice.title,
                text,
                link: notice.link,
                reminder,
              })
            : { vehicleId: null, channels: [], detail: 'not on a bus and no duty today', ts: now }
          await engagementRepo.setTerminal(this.#d.db, notice.id, driverId, outcome)
        } catch (err) {
          this.#d.log.warn(
            { err: (err as Error).message, notice: notice.id, driverId },
            'notice: terminal outcome not noted',
          )
        }
      }),
    )
  }

  async #toBus(vehicleId: string, cmd: NoticeCommand): Promise<TerminalOutcome> {
    const channels: string[] = []
    const details: string[] = []
    const t = this.#d.terminals
    if (t?.isConnected(vehicleId)) {
      try {
        const r = await t.sendText(vehicleId, cmd.text)
        if (!r.replied || r.result === jt808.REPLY_RESULT.success) channels.push('jt808')
        details.push(r.replied ? `jt808: terminal answered ${r.result ?? '?'}` : 'jt808: sent, no answer in time')
      } catch (err) {
        details.push(`jt808: ${(err as Error).message}`)
      }
    } else details.push('jt808: no terminal connected here')
    if (this.#d.publish) {
      try {
        await this.#d.publish(topics.command(vehicleId), JSON.stringify(cmd))
        channels.push('mqtt')
        details.push(`mqtt: published on ${topics.command(vehicleId)}`)
      } catch (err) {
        details.push(`mqtt: ${(err as Error).message}`)
      }
    } else details.push('mqtt: no broker')
    return { vehicleId, channels, detail: details.join('; '), ts: cmd.ts }
  }
}
