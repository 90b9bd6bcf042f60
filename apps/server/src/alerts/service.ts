/**
 * The alert life-cycle as dispatchers run it: acknowledge (a note required for critical alerts),
 * resolve by hand (note required), and the incident log those notes join. Each change is one
 * transaction — the alert row locked, the change, its incident note and its audit row — and is
 * pushed to the dispatchers' room after the commit.
 */
import {
  AppError,
  ackNote,
  checkResolvable,
  checkSubject,
  incidentText,
  resolveNote,
  type IncidentNote,
  type LiveAlert,
} from '@rb/domain'
import {
  incidentsRepo,
  networkRepo,
  trackingRepo,
  type AlertQuery,
  type Db,
  type IncidentQuery,
  type Queryable,
} from '@rb/db'

/** The audit row of a dispatcher's action, written in its transaction. */
export type AuditHook = (tx: Queryable, before: unknown, after: unknown) => Promise<void>

export interface AlertServiceDeps {
  db: Db
  /** Pushes changed alerts to room `all`. */
  publish(alerts: LiveAlert[]): void
  /** Throws TRIP_NOT_FOUND for a trip instance that does not exist. */
  checkTrip(tripInstanceId: string): Promise<void>
  now?: () => number
}

export interface NoteInput {
  vehicleId?: string | null | undefined
  tripInstanceId?: string | null | undefined
  alertId?: string | null | undefined
  text: string
}

const lifeOf = (a: LiveAlert) => ({
  status: a.status,
  ackBy: a.ackBy,
  ackTs: a.ackTs,
  ackNote: a.ackNote,
  resolvedBy: a.resolvedBy,
  resolvedTs: a.resolvedTs,
  resolveNote: a.resolveNote,
})

export class AlertService {
  readonly db: Db
  readonly #deps: AlertServiceDeps
  readonly #now: () => number

  constructor(deps: AlertServiceDeps) {
    this.db = deps.db
    this.#deps = deps
    this.#now = deps.now ?? Date.now
  }

  list(query: AlertQuery): Promise<LiveAlert[]> {
    return trackingRepo.listAlerts(this.db, query)
  }

  async get(id: string, q: Queryable = this.db, forUpdate = false): Promise<LiveAlert> {
    const alert = await trackingRepo.getAlert(q, id, { forUpdate })
    if (!alert) throw new AppError('ALERT_NOT_FOUND', `no alert ${id}`)
    return alert
  }

  /** The first acknowledgement stands: a second one answers the alert as it is and records nothing. */
  async acknowledge(id: string, by: string, rawNote: string | null | undefined, audit?: AuditHook): Promise<LiveAlert> {
    const out = await this.db.transaction(async (tx) => {
      const before = await this.#lock(tx, id)
      if (before.ackTs !== null) return null
      const note = ackNote(before, rawNote)
      const now = this.#now()
      const after = (await trackingRepo.acknowledgeAlert(tx, id, by, note, now)) ?? before
      if (note) await this.#note(tx, after, 'ack', by, note, now)
      await audit?.(tx, lifeOf(before), lifeOf(after))
      return after
    })
    if (!out) return this.get(id)
    this.#deps.publish([out])
    return out
  }

  /** Resolves by hand; 409 when it is already resolved (by itself, or by a colleague a moment ago). */
  async resolve(id: string, by: string, rawNote: string | null | undefined, audit?: AuditHook): Promise<LiveAlert> {
    const note = resolveNote(rawNote)
    const out = await this.db.transaction(async (tx) => {
      const before = await this.#lock(tx, id)
      checkResolvable(before)
      const now = this.#now()
      const after = (await trackingRepo.resolveAlert(tx, id, by, note, now)) ?? before
      await this.#note(tx, after, 'resolve', by, note, now)
      await audit?.(tx, lifeOf(before), lifeOf(after))
      return after
    })
    this.#deps.publish([out])
    return out
  }

  listNotes(query: IncidentQuery): Promise<IncidentNote[]> {
    return incidentsRepo.listIncidentNotes(this.db, query)
  }

  /** A note in the incident log, about a vehicle, a trip instance or an alert (whose vehicle and trip it then also names). */
  async addNote(input: NoteInput, by: string, audit?: AuditHook): Promise<IncidentNote> {
    const text = incidentText(input.text)
    const subject = await this.subject(input)
    return this.db.transaction(async (tx) => {
      const note = await incidentsRepo.insertIncidentNote(tx, { ts: this.#now(), ...subject, kind: 'note', by, text })
      await audit?.(tx, null, note)
      return note
    })
  }

  /** Checks what a note names exists; fills the vehicle and trip from the alert when the note does not name them. */
  async subject(
    input: Omit<NoteInput, 'text'>,
  ): Promise<{ vehicleId: string | null; tripInstanceId: string | null; alertId: string | null }> {
    const alert = input.alertId ? await this.get(input.alertId) : null
    const vehicleId = input.vehicleId || alert?.vehicleId || null
    const tripInstanceId = input.tripInstanceId || alert?.tripInstanceId || null
    const s = { vehicleId, tripInstanceId, alertId: alert?.id ?? null }
    checkSubject(s)
    if (input.vehicleId && !(await networkRepo.findVehicle(this.db, 'id', input.vehicleId)))
      throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${input.vehicleId} does not exist`)
    if (input.tripInstanceId) await this.#deps.checkTrip(input.tripInstanceId)
    return s
  }

  /** Two dispatchers at once: the second waits for the first's commit, then sees its change. */
  #lock(tx: Queryable, id: string): Promise<LiveAlert> {
    return this.get(id, tx, true)
  }

  #note(
    tx: Queryable,
    a: LiveAlert,
    kind: 'ack' | 'resolve',
    by: string,
    text: string,
    now: number,
  ): Promise<IncidentNote> {
    return incidentsRepo.insertIncidentNote(tx, {
      ts: now,
      vehicleId: a.vehicleId,
      tripInstanceId: a.tripInstanceId,
      alertId: a.id,
      kind,
      by,
      text,
    })
  }
}
