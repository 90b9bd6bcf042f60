/**
 * Repair reports as the server runs them. A report and every ticket change of one stop run in one
 * transaction that first locks the stop's row, so reports arriving together for the same sign
 * gather on one ticket, the stop's status is computed from a settled set of tickets, and the
 * alert is stored with the report. Live pushes go out after the commit.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  AppError,
  applyTicketCommand,
  assigneeAfter,
  checkReportable,
  dedupeKey,
  generateReportId,
  isOpenTicket,
  kindOf,
  normalizeReportNote,
  openingStep,
  placeReport,
  reportAlert,
  reportedAt,
  stopStatusFor,
  type LiveAlert,
  type RandomInt,
  type ReportCategory,
  type StopStatus,
  type Ticket,
  type TicketCommand,
  type TicketStep,
} from '@rb/domain'
import {
  networkRepo,
  reportsRepo,
  trackingRepo,
  type Db,
  type PhotoMeta,
  type Queryable,
  type StoredReport,
  type TicketFilter,
} from '@rb/db'
import type { StopStatusChange } from '@rb/protocol'
import { DEFAULT_PHOTO_LIMITS, preparePhoto, type PhotoLimits } from './photo-decode.js'
import type { PhotoStore, StoredBytes } from './photo-store.js'

export interface ReportInput {
  stopCode: string
  category: ReportCategory
  note?: string | null | undefined
  /** The phone's time of the report, epoch ms. */
  reportedTs?: number | null | undefined
  idempotencyKey: string
  /** The photo as sent (checked and cleaned here), or null. */
  photo: Buffer | null
  /** The grid reporter who sent it (their phone's token, resolved by the route); null: anonymous. */
  reporterId?: string | null | undefined
}

export interface Submitted {
  report: StoredReport
  ticket: Ticket
  /** The same idempotency key was seen before: nothing new was stored. */
  replayed: boolean
}

export interface ReportEvents {
  alerts(alerts: LiveAlert[]): void
  stopStatus(change: StopStatusChange): void
}

export interface ReportServiceDeps {
  db: Db
  photos: PhotoStore
  events: ReportEvents
  /** Called when a stop's status changed (the network's cached copy is stale). */
  onStopChanged?: () => void
  randomInt: RandomInt
  now?: () => number
  /** Largest photo dimensions taken (default DEFAULT_PHOTO_LIMITS). */
  photoLimits?: PhotoLimits
  /**
   * Called in every staff step's transaction after the ticket changed (grid reporters' points);
   * what it answers goes into the step's audit row as `points`.
   */
  stepHook?: StepHook
}

export type StepHook = (tx: Queryable, ticket: Ticket, step: TicketStep) => Promise<unknown>

interface Stop {
  code: string
  name: string
  point: [number, number]
  status: StopStatus
}

/** The audit row of a staff step, written in the step's transaction. */
export type AuditHook = (tx: Queryable, before: unknown, after: unknown) => Promise<void>

/** Thrown inside the report transaction when a resend with the same key committed first. */
class KeyTaken extends Error {}

export class ReportService {
  readonly db: Db
  readonly photos: PhotoStore
  readonly #events: ReportEvents
  readonly #onStopChanged: () => void
  readonly #randomInt: RandomInt
  readonly #now: () => number
  readonly #photoLimits: PhotoLimits
  readonly #stepHook: StepHook | undefined

  constructor(deps: ReportServiceDeps) {
    this.db = deps.db
    this.photos = deps.photos
    this.#events = deps.events
    this.#onStopChanged = deps.onStopChanged ?? (() => {})
    this.#randomInt = deps.randomInt
    this.#now = deps.now ?? Date.now
    this.#photoLimits = deps.photoLimits ?? DEFAULT_PHOTO_LIMITS
    this.#stepHook = deps.stepHook
  }

  /** Takes a villager's report: checks and cleans the photo first, so a refused one stores nothing. */
  async submit(input: ReportInput): Promise<Submitted> {
    const kind = kindOf(input.category)
    const note = normalizeReportNote(input.note)
    const photo = input.photo ? await preparePhoto(input.photo, this.#photoLimits) : null
    const prior = await reportsRepo.reportByIdempotencyKey(this.db, input.idempotencyKey)
    if (prior) return this.#replay(prior, input)

    const receivedTs = this.#now()
    const report = {
      id: generateReportId(this.#randomInt),
      stopCode: input.stopCode,
      kind,
      category: input.category,
      note,
      reportedTs: reportedAt(input.reportedTs, receivedTs),
      receivedTs,
      idempotencyKey: input.idempotencyKey,
      reporterId: input.reporterId ?? null,
    }
    let written: StoredBytes | null = null
    let out: { ticket: Ticket; alerts: LiveAlert[]; change: StopStatusChange | null; photoId: string | null }
    try {
      out = await this.db.transaction(async (tx) => {
        const stop = await this.#lockStop(tx, input.stopCode)
        checkReportable(stop, kind)
        const key = dedupeKey(input.category)
        const placement = placeReport(report.reportedTs, await reportsRepo.ticketsFor(tx, stop.code, key))
        let ticketId: number
        if (placement.kind === 'open') {
          const opened = await reportsRepo.insertTicket(tx, {
            kind,
            category: input.category,
            dedupeKey: key,
            stopCode: stop.code,
            point: stop.point,
            previousTicketId: placement.previousTicketId,
            openedTs: receivedTs,
          })
          // The stop's row lock makes a concurrent open ticket impossible; the index would refuse one anyway.
          if (!opened) throw new Error(`an open ticket appeared at ${stop.code} while its row was locked`)
          await reportsRepo.insertStep(tx, opened.id, openingStep(receivedTs))
          ticketId = opened.id
        } else {
          ticketId = placement.ticketId
        }
        const ticket = await reportsRepo.countReport(tx, ticketId, receivedTs)
        if (!(await reportsRepo.insertReport(tx, { ...report, ticketId }))) throw new KeyTaken()
        let photoId: string | null = null
        if (photo) {
          photoId = randomBytes(16).toString('hex')
          written = await this.photos.put(photoId, photo.ext, photo.bytes)
          const meta: PhotoMeta = {
            id: photoId,
            reportId: report.id,
            mime: photo.mime,
            bytes: photo.bytes.length,
            width: photo.width,
            height: photo.height,
            sha256: createHash('sha256').update(photo.bytes).digest('hex'),
            storage: written.fileName ? 'file' : 'db',
            fileName: written.fileName,
            createdTs: receivedTs,
          }
          await reportsRepo.insertPhoto(tx, meta, written.data)
        }
        const late = placement.kind === 'join' && placement.late
        const alerts = await trackingRepo.upsertAlerts(tx, [
          reportAlert({ report: { ...report, hasPhoto: photo !== null }, ticket, stop, late }),
        ])
        const change = await this.#syncStopStatus(tx, stop, ticket, receivedTs)
        return { ticket, alerts, change, photoId }
      })
    } catch (err) {
      if (written) await this.photos.discard(written)
      if (err instanceof KeyTaken) {
        const first = await reportsRepo.reportByIdempotencyKey(this.db, input.idempotencyKey)
        if (first) return this.#replay(first, input)
      }
      throw err
    }
    this.#afterCommit(out.alerts, out.change)
    return {
      report: { ...report, ticketId: out.ticket.id, hasPhoto: out.photoId !== null, photoId: out.photoId },
      ticket: out.ticket,
      replayed: false,
    }
  }

  async #replay(prior: StoredReport, input: ReportInput): Promise<Submitted> {
    // A key is one report: the same key for another stop or category is a client bug, not a resend.
    if (prior.stopCode !== input.stopCode || prior.category !== input.category) {
      throw new AppError(
        'CONFLICT',
        'this idempotency key was already used for another report; make a new key for each report',
        { field: 'idempotencyKey' },
      )
    }
    const ticket = await reportsRepo.getTicket(this.db, prior.ticketId)
    if (!ticket) throw new Error(`report ${prior.id} has no ticket`)
    return { report: prior, ticket, replayed: true }
  }

  async #lockStop(tx: Queryable, code: string): Promise<Stop> {
    const stop = await reportsRepo.lockStop(tx, code)
    if (!stop) throw new AppError('STOP_NOT_FOUND', `stop ${code} does not exist; check the code on the sign`)
    return stop
  }

  /** Sets the sign's status from its open sign tickets; the change, or null when it stays. */
  async #syncStopStatus(tx: Queryable, stop: Stop, ticket: Ticket, now: number): Promise<StopStatusChange | null> {
    if (ticket.kind !== 'sign') return null
    const status = stopStatusFor(stop.status, await reportsRepo.openSignTicketStatuses(tx, stop.code))
    if (status === stop.status) return null
    await networkRepo.setStopStatus(tx, stop.code, status)
    return {
      stopCode: stop.code,
      status,
      previous: stop.status,
      ts: now,
      ticketId: ticket.id,
      ticketStatus: ticket.status,
    }
  }

  #afterCommit(alerts: LiveAlert[], change: StopStatusChange | null): void {
    if (alerts.length > 0) this.#events.alerts(alerts)
    if (change) {
      this.#events.stopStatus(change)
      this.#onStopChanged()
    }
  }

  /** A dispatcher's step on a ticket; the audit row is written in the same transaction. */
  async act(
    id: number,
    cmd: TicketCommand,
    by: string,
    audit?: AuditHook,
  ): Promise<{ ticket: Ticket; step: TicketStep; stopStatus: StopStatusChange | null }> {
    const out = await this.db.transaction(async (tx) => {
      const found = await reportsRepo.getTicket(tx, id)
      if (!found) throw new AppError('TICKET_NOT_FOUND', `ticket #${id} does not exist`)
      // Stop first, then ticket: the same lock order as a report, so the two never deadlock.
      const stop = await this.#lockStop(tx, found.stopCode)
      const current = (await reportsRepo.getTicket(tx, id, { forUpdate: true })) ?? found
      const now = this.#now()
      const step = applyTicketCommand(current, cmd, by, now)
      if (step.action === 'reopen') {
        const open = (await reportsRepo.ticketsFor(tx, current.stopCode, current.dedupeKey, 0)).find((t) =>
          isOpenTicket(t.status),
        )
        if (open) {
          throw new AppError(
            'TICKET_STATE_CONFLICT',
            `ticket #${open.id} is open for the same problem at stop ${current.stopCode}; new reports gather there`,
            { ticketId: id, openTicketId: open.id },
          )
        }
      }
      const closing = step.to === 'fixed' || step.to === 'rejected'
      const ticket = await reportsRepo.updateTicket(tx, id, {
        status: step.to,
        assignee: assigneeAfter(current.assignee, step),
        now,
        closedTs: closing ? now : null,
      })
      await reportsRepo.insertStep(tx, id, step)
      const points = await this.#stepHook?.(tx, ticket, step)
      // The reports' alerts are handled with the ticket.
      const alerts = closing
        ? await trackingRepo.upsertAlerts(
            tx,
            (await reportsRepo.reportsOf(tx, id)).map((r) =>
              reportAlert({ report: r, ticket, stop, late: false, closing: { by: step.by, note: step.note } }),
            ),
          )
        : []
      const change = await this.#syncStopStatus(tx, stop, ticket, now)
      await audit?.(
        tx,
        { status: current.status, assignee: current.assignee },
        { status: ticket.status, assignee: ticket.assignee, note: step.note, ...(points ? { points } : {}) },
      )
      return { ticket, step, alerts, change }
    })
    this.#afterCommit(out.alerts, out.change)
    return { ticket: out.ticket, step: out.step, stopStatus: out.change }
  }

  async report(id: string): Promise<{ report: StoredReport; ticket: Ticket; steps: TicketStep[]; stopName: string }> {
    const report = await reportsRepo.getReport(this.db, id)
    if (!report) throw new AppError('REPORT_NOT_FOUND', `report ${id} does not exist`)
    const [ticket, steps, stop] = await Promise.all([
      reportsRepo.getTicket(this.db, report.ticketId),
      reportsRepo.stepsOf(this.db, report.ticketId),
      networkRepo.getStop(this.db, report.stopCode),
    ])
    if (!ticket) throw new Error(`report ${id} has no ticket`)
    return { report, ticket, steps, stopName: stop?.name ?? report.stopCode }
  }

  list(filter: TicketFilter) {
    return reportsRepo.listTickets(this.db, filter)
  }

  async ticket(id: number) {
    const ticket = await reportsRepo.getTicket(this.db, id)
    if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket #${id} does not exist`)
    const [steps, reports, photos, stop] = await Promise.all([
      reportsRepo.stepsOf(this.db, id),
      reportsRepo.reportsOf(this.db, id),
      reportsRepo.photosOfTicket(this.db, id),
      networkRepo.getStop(this.db, ticket.stopCode),
    ])
    return { ticket, steps, reports, photos, stop }
  }

  async photo(id: string): Promise<{ meta: PhotoMeta; bytes: Buffer }> {
    const meta = await reportsRepo.getPhoto(this.db, id)
    const bytes = meta ? await this.photos.read(meta) : null
    if (!meta || !bytes) throw new AppError('NOT_FOUND', `photo ${id} does not exist`)
    return { meta, bytes }
  }
}
