/**
 * Grid reporters (流动网格员, docs/engagement.md#grid-reporters) as the server runs them. A reporter
 * registers a phone with the SMS code machinery of bookings (the same 6-digit codes through the
 * notification outbox, hashed with a salt, a minute between codes, three codes at most, five wrong
 * tries); the phone then keeps a token that its reports carry. Points are written in the
 * transaction of the ticket step that confirms a report (`onTicketStep`, called by the report
 * service with the stop and ticket locked), or of a staff confirmation of one report, exactly
 * once per report; reopening or rejecting the ticket takes them back.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  AppError,
  checkConfirmable,
  generateReporterId,
  monthOf,
  monthRange,
  normalizePhone,
  normalizeReporterName,
  pointsFor,
  rankLeaderboard,
  type GridPointsSettings,
  type RandomInt,
  type Ticket,
  type TicketStep,
} from '@rb/domain'
import { bookingRepo, gridRepo, networkRepo, reportsRepo, type Db, type Queryable, type StoredReporter } from '@rb/db'
import { MAX_CODE_TRIES, sameCode } from '../booking/abuse.js'
import { codeHash, MAX_CODE_SENDS, RESEND_AFTER_MS } from '../booking/limits-gate.js'

/** How long a registration code holds. */
export const GRID_CODE_VALID_MS = 10 * 60_000
/** Codes a phone may be sent count again once the last one is this old. */
const SENDS_WINDOW_MS = 86_400_000

export interface GridDeps {
  db: Db
  /** The county's points rule, read at each award (settings change at run time). */
  rule: () => GridPointsSettings
  randomInt: RandomInt
  /** Wakes the SMS outbox sender. */
  kickOutbox: () => void
  now?: () => number
}

/** What a registration answers: the code is on its way. */
export interface CodeSent {
  phone: string
  expiresAt: string
  /** The soonest a new code may be asked for; null: no more today. */
  resendAt: string | null
}

/** What a ticket step did to the points (for the step's audit row). */
export interface PointsChange {
  awarded: { reportId: string; reporterId: string; points: number }[]
  revoked: { reportId: string; reporterId: string; points: number }[]
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex')
const iso = (ms: number): string => new Date(ms).toISOString()

/** The registration code's SMS. */
const codeText = (code: string): string =>
  `【乡村公交】验证码${code}，${Math.round(GRID_CODE_VALID_MS / 60_000)}分钟内在站牌页输入，登记为网格员。`

export class GridService {
  readonly db: Db
  readonly #rule: () => GridPointsSettings
  readonly #randomInt: RandomInt
  readonly #kick: () => void
  readonly #now: () => number

  constructor(d: GridDeps) {
    this.db = d.db
    this.#rule = d.rule
    this.#randomInt = d.randomInt
    this.#kick = d.kickOutbox
    this.#now = d.now ?? Date.now
  }

  now(): number {
    return this.#now()
  }

  // ── Registration ──

  /**
   * Registers (or registers again) a phone: a 6-digit code goes out by SMS. A new code no sooner
   * than a minute after the last, three a day at most (429 with the wait otherwise).
   */
  async register(input: {
    phone: string
    name: string
    townshipId?: string | undefined
    stopCode?: string | undefined
  }): Promise<CodeSent> {
    const phone = normalizePhone(input.phone)
    const name = normalizeReporterName(input.name)
    const townshipId = await this.#townshipOf(input)
    const now = this.#now()
    const code = String(this.#randomInt(1_000_000)).padStart(6, '0')
    const out = await this.db.transaction(async (tx) => {
      const id = generateReporterId(this.#randomInt)
      const r = await gridRepo.lockRegistration(tx, { id, phone, name, townshipId, now })
      const last = r.code.sentTs
      const sends = last !== null && now - last < SENDS_WINDOW_MS ? r.code.sends : 0
      if (last !== null) {
        const wait = Math.ceil((last + RESEND_AFTER_MS - now) / 1000)
        if (wait > 0)
          throw new AppError('RATE_LIMITED', `a code was sent moments ago; ask again in ${wait} s`, {
            field: 'phone',
            reason: 'too_soon',
            retryAfterS: wait,
          })
      }
      if (sends >= MAX_CODE_SENDS)
        throw new AppError(
          'RATE_LIMITED',
          `${sends} codes were sent to this phone today already; look for them in your texts, or try tomorrow`,
          { field: 'phone', reason: 'too_many_sends', retryAfterS: Math.ceil((last! + SENDS_WINDOW_MS - now) / 1000) },
        )
      const expiresTs = now + GRID_CODE_VALID_MS
      // The hash is salted with the reporter id, as a booking's code is with its request's key.
      await gridRepo.setCode(tx, r.id, {
        name,
        townshipId,
        hash: codeHash(r.id, code),
        sentTs: now,
        sends: sends + 1,
        expiresTs,
      })
      await bookingRepo.enqueueMessages(
        tx,
        [
          {
            kind: 'verify_code',
            recipient: phone,
            recipientRole: 'passenger',
            body: codeText(code),
            bookingId: null,
            tripInstanceId: null,
          },
        ],
        now,
      )
      const resendTs = now + RESEND_AFTER_MS
      return {
        phone,
        expiresAt: iso(expiresTs),
        resendAt: sends + 1 < MAX_CODE_SENDS && resendTs < expiresTs ? iso(resendTs) : null,
      }
    })
    this.#kick()
    return out
  }

  /** The township named, or that of the stop sign the villager registers at (the stop page's choice). */
  async #townshipOf(input: { townshipId?: string | undefined; stopCode?: string | undefined }): Promise<string> {
    if (input.townshipId) {
      if (!(await gridRepo.townshipExists(this.db, input.townshipId)))
        throw new AppError('VALIDATION_FAILED', `township ${input.townshipId} does not exist`, { field: 'townshipId' })
      return input.townshipId
    }
    const stop = input.stopCode ? await networkRepo.getStop(this.db, input.stopCode) : null
    if (!stop)
      throw new AppError(
        'VALIDATION_FAILED',
        'name the township the reporter covers, or the stop sign they register at',
        {
          field: input.stopCode ? 'stopCode' : 'townshipId',
        },
      )
    return stop.townshipId
  }

  /**
   * The code comes back: the reporter is verified and the phone gets a new token (any older token
   * of the phone stops working). A wrong code counts; after five the code is void.
   */
  async verify(typedPhone: string, smsCode: string): Promise<{ reporter: StoredReporter; token: string }> {
    const phone = normalizePhone(typedPhone)
    const r = await gridRepo.reporterByPhone(this.db, phone)
    const now = this.#now()
    if (!r || r.code.hash === null) throw closed('none', 'no code is waiting for this phone; register to get one')
    if (r.code.attempts >= MAX_CODE_TRIES)
      throw closed('too_many_tries', 'too many wrong codes; register again for a new code')
    if (r.code.expiresTs === null || r.code.expiresTs <= now)
      throw closed('expired', 'the code has expired; register again for a new code')
    const hash = codeHash(r.id, smsCode.trim())
    if (!sameCode(r.code.hash, hash)) {
      const tries = await gridRepo.countWrongCode(this.db, r.id)
      if (tries >= MAX_CODE_TRIES) throw closed('too_many_tries', 'too many wrong codes; register again for a new code')
      throw new AppError('VALIDATION_FAILED', `wrong code; ${MAX_CODE_TRIES - tries} tries left`, {
        field: 'smsCode',
        triesLeft: MAX_CODE_TRIES - tries,
      })
    }
    const token = randomBytes(24).toString('base64url')
    if (!(await gridRepo.verify(this.db, r.id, { codeHash: hash, tokenHash: tokenHash(token), now })))
      throw closed('none', 'the code was used already; register again for a new code')
    const reporter = await gridRepo.reporterById(this.db, r.id)
    if (!reporter) throw new Error(`grid reporter ${r.id} vanished`)
    return { reporter, token }
  }

  /** The reporter whose phone keeps this token; 401 REPORTER_TOKEN_INVALID otherwise. */
  async reporterOf(token: string): Promise<StoredReporter> {
    const r =
      token.length >= 16 && token.length <= 100 ? await gridRepo.reporterByToken(this.db, tokenHash(token)) : null
    if (!r)
      throw new AppError(
        'REPORTER_TOKEN_INVALID',
        'this phone is not registered as a grid reporter (any more): register it again with an SMS code',
        { field: 'reporterToken' },
      )
    return r
  }

  /** What the reporter sees: themself, their points this month and in all, their reports. */
  async mine(token: string) {
    const reporter = await this.reporterOf(token)
    const now = this.#now()
    const month = monthOf(now)
    const { fromTs, toTs } = monthRange(month)
    const [points, reports] = await Promise.all([
      gridRepo.pointsOf(this.db, reporter.id, fromTs, toTs),
      gridRepo.reportsOfReporter(this.db, reporter.id),
    ])
    return { reporter, month, points, reports }
  }

  // ── Points ──

  /**
   * A ticket step, inside its transaction (stop and ticket locked): `fix` confirms the ticket's
   * reports and pays each its rule's points once; `reopen` and `reject` take back what stands.
   */
  async onTicketStep(tx: Queryable, ticket: Ticket, step: TicketStep): Promise<PointsChange> {
    const none: PointsChange = { awarded: [], revoked: [] }
    if (step.action === 'reopen' || step.action === 'reject') {
      const revoked = await gridRepo.revokeTicket(tx, ticket.id, { by: step.by, note: step.note, now: step.ts })
      return { ...none, revoked }
    }
    if (step.action !== 'fix') return none
    const reports = await gridRepo.scoredReports(tx, ticket.id)
    const rule = this.#rule()
    const awarded: PointsChange['awarded'] = []
    for (const r of reports) {
      const v = pointsFor(r, { status: ticket.status, reports }, rule)
      if (v.none !== null || r.reporterId === null) continue
      const wrote = await gridRepo.award(tx, {
        reportId: r.id,
        reporterId: r.reporterId,
        ticketId: ticket.id,
        points: v.points,
        tier: v.tier,
        via: 'fix',
        awardedTs: step.ts,
        awardedBy: step.by,
      })
      if (wrote) awarded.push({ reportId: r.id, reporterId: r.reporterId, points: v.points })
    }
    return { ...none, awarded }
  }

  /**
   * Staff confirm one report before its ticket is fixed (the hazard is real): its points, once.
   * Refused, changing nothing, for a rejected, duplicate, anonymous or already paid report.
   */
  async confirm(
    reportId: string,
    by: string,
    audit: (tx: Queryable, before: unknown, after: unknown) => Promise<void>,
  ): Promise<{ reportId: string; reporterId: string; ticketId: number; points: number }> {
    const found = await reportsRepo.getReport(this.db, reportId)
    if (!found) throw new AppError('REPORT_NOT_FOUND', `report ${reportId} does not exist`)
    const now = this.#now()
    return this.db.transaction(async (tx) => {
      // Stop, then ticket: the lock order of every report and ticket step.
      await reportsRepo.lockStop(tx, found.stopCode)
      const ticket = await reportsRepo.getTicket(tx, found.ticketId, { forUpdate: true })
      if (!ticket) throw new Error(`report ${reportId} has no ticket`)
      const reports = await gridRepo.scoredReports(tx, ticket.id)
      const report = reports.find((r) => r.id === reportId)
      if (!report) throw new Error(`report ${reportId} is not on its ticket`)
      const awarded = (await gridRepo.standingAwards(tx, [reportId])).has(reportId)
      const v = checkConfirmable(report, { id: ticket.id, status: ticket.status, reports }, this.#rule(), awarded)
      const reporterId = report.reporterId as string
      await gridRepo.award(tx, {
        reportId,
        reporterId,
        ticketId: ticket.id,
        points: v.points,
        tier: v.tier,
        via: 'confirm',
        awardedTs: now,
        awardedBy: by,
      })
      const out = { reportId, reporterId, ticketId: ticket.id, points: v.points }
      await audit(tx, { points: 0 }, out)
      return out
    })
  }

  /** Each report of a ticket with its reporter and points (the console's ticket view). */
  async ticketPoints(ticketId: number) {
    const ticket = await reportsRepo.getTicket(this.db, ticketId)
    if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket #${ticketId} does not exist`)
    const reports = await gridRepo.scoredReports(this.db, ticketId)
    const standing = await gridRepo.standingAwards(
      this.db,
      reports.map((r) => r.id),
    )
    const rule = this.#rule()
    const out = []
    for (const r of reports) {
      const reporter = r.reporterId ? await gridRepo.reporterById(this.db, r.reporterId) : null
      const v = pointsFor(r, { status: ticket.status, reports }, rule)
      const has = standing.has(r.id)
      out.push({
        reportId: r.id,
        reporter: reporter ? { id: reporter.id, name: reporter.name, townshipName: reporter.townshipName } : null,
        points: has ? v.points : 0,
        awarded: has,
        // What it would earn if confirmed now, and why not when it would not.
        worth: v.points,
        none: v.none,
      })
    }
    return { ticketId, status: ticket.status, reports: out }
  }

  /** A month's leaderboard, ranked, optionally of one township. */
  async leaderboard(month: string, townshipId?: string) {
    const { fromTs, toTs } = monthRange(month)
    const rows = await gridRepo.standings(this.db, { fromTs, toTs, townshipId })
    const ranked = rankLeaderboard(rows)
    return {
      month,
      townshipId: townshipId ?? null,
      items: ranked,
      totals: {
        reporters: ranked.length,
        points: ranked.reduce((n, r) => n + r.points, 0),
        confirmed: ranked.reduce((n, r) => n + r.confirmed, 0),
      },
    }
  }
}

/** 409: no code to check (none asked, too many wrong ones, or it ran out). */
const closed = (reason: 'none' | 'expired' | 'too_many_tries', message: string): AppError =>
  new AppError('GRID_CODE_CLOSED', message, { field: 'smsCode', reason })
