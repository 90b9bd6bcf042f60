/**
 * Runs of student trips: what the driver's page lists per stop, the taps it sends (stored once
 * each, in one transaction with the guardians' SMS they cause), the end of a run with pupils
 * still on board (a critical alert, a message to the driver), and the driver's confirmation that
 * the bus is empty, which resolves it.
 */
import {
  AppError,
  CHECK_STATUSES,
  absentees,
  addDays,
  checkPupilMark,
  expectedRides,
  foldMarks,
  noticeKindOf,
  noticesFor,
  periodOf,
  serviceDayOf,
  serviceDayStartMs,
  OPEN,
  stillOnBoard,
  type CheckMark,
  type CheckStatus,
  type ExpectedRide,
  type LiveAlert,
  type OtherRider,
  type Pupil,
  type PupilEntry,
  type PupilRunState,
  type RunView,
  type School,
  type StudentRun,
} from '@rb/domain'
import {
  incidentsRepo,
  studentsRepo,
  trackingRepo,
  type Db,
  type GuardianMessage,
  type Queryable,
  type RunRecord,
} from '@rb/db'
import type { NetworkService, TripInstanceView } from '../network/service.js'

export type { PupilEntry, RunView }

/** A tap as the phone sends it. */
export interface MarkInput {
  opId: string
  pupilId: number | null
  extraKey?: string | null | undefined
  extraName?: string | null | undefined
  status: CheckStatus
  stopCode: string | null
  ts: number
  reason?: string | null | undefined
}

export interface RunsDeps {
  db: Db
  network: Pick<NetworkService, 'instance' | 'snapshot'>
  /** Messages were queued: the sender looks now. */
  kickOutbox(): void
  now: () => number
}

/** The alert type of a child left on the bus (critical: the console sounds it like an SOS). */
export const LEFT_ON_BOARD_TYPE: LiveAlert['type'] = 'pupil_left_on_bus'

/** A left-on-board alert's id: one per run. */
export const leftOnBoardAlertId = (tripInstanceId: string): string => `pupil_left_on_bus:${tripInstanceId}`

const MAX_FUTURE_MS = 5 * 60_000

export class Runs {
  readonly #d: RunsDeps

  constructor(deps: RunsDeps) {
    this.#d = deps
  }

  /** The instance and the schools whose pupils ride it; 404 when it is no student run. */
  async run(tripInstanceId: string): Promise<{ inst: TripInstanceView; schools: School[]; run: StudentRun }> {
    const inst = await this.#d.network.instance(tripInstanceId)
    const schools = await studentsRepo.schoolsOfRoute(this.#d.db, inst.routeId)
    if (schools.length === 0) throw new AppError('NOT_FOUND', `trip ${tripInstanceId} is not a run of a school's route`)
    return {
      inst,
      schools,
      run: {
        tripInstanceId: inst.id,
        routeId: inst.routeId,
        direction: inst.direction,
        serviceDate: inst.serviceDate,
        stopCodes: inst.stops.map((s) => s.stopCode),
      },
    }
  }

  /** Pupils of these schools on the run's route, in term that day. */
  async pupilsOf(schools: readonly School[], run: StudentRun, q: Queryable = this.#d.db): Promise<Pupil[]> {
    const ids = new Set(schools.map((s) => s.id))
    return (await studentsRepo.listPupils(q, { routeId: run.routeId, inTermOn: run.serviceDate })).filter((p) =>
      ids.has(p.schoolId),
    )
  }

  expected(schools: readonly School[], pupils: readonly Pupil[], run: StudentRun): ExpectedRide[] {
    return schools.flatMap((s) =>
      expectedRides(
        s,
        pupils.filter((p) => p.schoolId === s.id),
        run,
      ),
    )
  }

  /** The run as its driver sees it (every school's pupils), or as one school sees it (`onlySchool`). */
  async view(tripInstanceId: string, onlySchool?: string): Promise<RunView> {
    const { inst, schools: all, run } = await this.run(tripInstanceId)
    const schools = onlySchool ? all.filter((s) => s.id === onlySchool) : all
    const pupils = await this.pupilsOf(schools, run)
    const rides = this.expected(schools, pupils, run)
    const states = foldMarks(await studentsRepo.marksOf(this.#d.db, [tripInstanceId]))
    const record = await studentsRepo.getRun(this.#d.db, tripInstanceId)
    return this.#shape(inst, schools, pupils, rides, states, record, onlySchool !== undefined)
  }

  async #shape(
    inst: TripInstanceView,
    schools: School[],
    pupils: Pupil[],
    rides: ExpectedRide[],
    states: Map<string, PupilRunState>,
    record: RunRecord | null,
    schoolOnly: boolean,
  ): Promise<RunView> {
    const net = await this.#d.network.snapshot()
    const stopName = new Map(net.stops.map((s) => [s.code, s.name]))
    const entry = (r: ExpectedRide): PupilEntry => {
      const s = states.get(`p:${r.pupil.id}`)
      return {
        pupilId: r.pupil.id,
        schoolId: r.pupil.schoolId,
        name: r.pupil.name,
        className: r.pupil.className,
        board: r.board,
        alight: r.alight,
        status: s?.status ?? null,
        boardedTs: s?.boardedTs ?? null,
        boardedStop: s?.boardedStop ?? null,
        alightedTs: s?.alightedTs ?? null,
        reason: s?.reason ?? null,
      }
    }
    const expectedIds = new Set(rides.map((r) => r.pupil.id))
    const byId = new Map(pupils.map((p) => [p.id, p]))
    const others: OtherRider[] = [...states.values()]
      .filter(
        (s) =>
          (s.pupilId === null ? !schoolOnly : !expectedIds.has(s.pupilId) && byId.has(s.pupilId)) && s.status !== null,
      )
      .map((s) => {
        const p = s.pupilId !== null ? byId.get(s.pupilId) : undefined
        return {
          subject: s.subject,
          pupilId: s.pupilId,
          name: p?.name ?? s.extraName ?? '?',
          className: p?.className ?? null,
          status: s.status,
          boardedStop: s.boardedStop,
          reason: s.reason,
        }
      })
    const entries = rides.map(entry)
    const count = (st: PupilRunState['status']): number =>
      entries.filter((e) => e.status === st).length + others.filter((o) => o.status === st).length
    const route = net.routes.find((r) => r.id === inst.routeId)
    return {
      trip: {
        id: inst.id,
        routeId: inst.routeId,
        routeName: route?.name ?? inst.routeId,
        direction: inst.direction,
        period: schools[0] ? periodOf(schools[0], inst) : null,
        serviceDate: inst.serviceDate,
        departureTs: inst.departureTs,
        status: inst.status,
        vehicleId: inst.vehicleId,
        plate: net.vehicles.find((v) => v.id === inst.vehicleId)?.plate ?? null,
        driverId: inst.driverId,
      },
      schools: schools.map((s) => ({ id: s.id, name: s.name })),
      stops: inst.stops.map((s) => ({
        seq: s.seq,
        stopCode: s.stopCode,
        stopName: stopName.get(s.stopCode) ?? s.stopCode,
        arrivalTs: s.arrivalTs,
        boarding: entries.filter((e) => e.board === s.stopCode),
        alighting: entries.filter((e) => e.alight === s.stopCode),
      })),
      others,
      counts: {
        expected: entries.length,
        boarded: count('boarded'),
        alighted: count('alighted'),
        absent: count('absent'),
        onBoard: count('boarded'),
      },
      end: {
        endedTs: record?.endedTs ?? null,
        leftOnBoard: record?.leftOnBoard ?? null,
        alertId: record?.alertId ?? null,
        confirmedBy: record?.confirmedBy ?? null,
        confirmedTs: record?.confirmedTs ?? null,
      },
    }
  }

  /**
   * Stores a batch of taps (from the phone's queue, in any order, possibly again): each is
   * checked first, so a bad tap refuses the batch and stores nothing; a tap already stored is
   * skipped. Boardings and alightings newly recorded queue the guardians' SMS in the same
   * transaction, once per event.
   */
  async mark(
    tripInstanceId: string,
    inputs: readonly MarkInput[],
    by: string,
  ): Promise<{ stored: number; skipped: number; view: RunView }> {
    const { inst, schools, run } = await this.run(tripInstanceId)
    if (inst.status === 'cancelled') throw new AppError('TRIP_CANCELLED', `trip ${tripInstanceId} is cancelled`)
    const now = this.#d.now()
    const today = serviceDayOf(now)
    if (run.serviceDate > today || run.serviceDate < addDays(today, -2))
      throw new AppError(
        'VALIDATION_FAILED',
        `checks of ${run.serviceDate} are taken from that day until two days after`,
        { field: 'tripInstanceId' },
      )
    const pupils = await this.pupilsOf(schools, run)
    const rides = this.expected(schools, pupils, run)
    const rosterIds = new Set(pupils.map((p) => p.id))
    const marks: CheckMark[] = inputs.map((m, i) => {
      if (!(CHECK_STATUSES as readonly string[]).includes(m.status))
        throw new AppError('VALIDATION_FAILED', `marks[${i}].status must be one of ${CHECK_STATUSES.join(', ')}`, {
          field: 'status',
          index: i,
        })
      if (m.ts > now + MAX_FUTURE_MS)
        throw new AppError('VALIDATION_FAILED', `marks[${i}].ts is in the future (check the phone's clock)`, {
          field: 'ts',
          index: i,
        })
      const mark: CheckMark = {
        opId: m.opId,
        tripInstanceId,
        pupilId: m.pupilId,
        extraKey: m.pupilId === null ? (m.extraKey ?? null) : null,
        extraName: m.pupilId === null ? (m.extraName?.trim() ?? null) : null,
        status: m.status,
        stopCode: m.stopCode,
        ts: Math.round(m.ts),
        reason: m.reason?.trim() || null,
        by,
      }
      try {
        checkPupilMark(mark, rides, run, rosterIds)
      } catch (err) {
        if (err instanceof AppError)
          throw new AppError(err.code, `marks[${i}]: ${err.message}`, { ...err.details, index: i })
        throw err
      }
      return mark
    })
    const elsewhere = await studentsRepo.marksElsewhere(
      this.#d.db,
      marks.map((m) => m.opId),
      tripInstanceId,
    )
    if (elsewhere.length > 0)
      throw new AppError('CONFLICT', `opId ${elsewhere[0]} was already used for another run`, { field: 'opId' })
    const net = await this.#d.network.snapshot()
    const plate = net.vehicles.find((v) => v.id === inst.vehicleId)?.plate ?? null
    const stopName = (code: string | null): string => net.stops.find((s) => s.code === code)?.name ?? code ?? ''

    const { stored, queued } = await this.#d.db.transaction(async (tx) => {
      await studentsRepo.ensureRun(tx, {
        tripInstanceId,
        serviceDate: run.serviceDate,
        routeId: run.routeId,
        direction: run.direction,
        vehicleId: inst.vehicleId,
        driverId: inst.driverId,
      })
      await studentsRepo.getRun(tx, tripInstanceId, true)
      const before = foldMarks(await studentsRepo.marksOf(tx, [tripInstanceId]))
      const inserted = await studentsRepo.insertMarks(tx, marks, now)
      if (inserted.size === 0) return { stored: 0, queued: 0 }
      const after = foldMarks(await studentsRepo.marksOf(tx, [tripInstanceId]))
      const messages: GuardianMessage[] = []
      for (const s of after.values()) {
        const kind = noticeKindOf(before.get(s.subject), s)
        const pupil = s.pupilId !== null ? pupils.find((p) => p.id === s.pupilId) : undefined
        if (!kind || !pupil) continue
        const boarded = kind === 'pupil_boarded'
        const facts = {
          tripInstanceId,
          pupilId: pupil.id,
          pupilName: pupil.name,
          guardians: pupil.guardians,
          stopName: stopName(boarded ? s.boardedStop : s.alightedStop),
          ts: (boarded ? s.boardedTs : s.alightedTs) as number,
          plate,
        }
        messages.push(
          ...noticesFor(kind, facts).map((n) => ({
            key: n.key,
            kind: n.kind,
            tripInstanceId,
            pupilId: n.pupilId,
            recipient: n.recipient,
            body: n.body,
          })),
        )
      }
      return { stored: inserted.size, queued: await studentsRepo.enqueueGuardianMessages(tx, messages, now) }
    })
    if (queued > 0) this.#d.kickOutbox()
    return { stored, skipped: marks.length - stored, view: await this.view(tripInstanceId) }
  }

  /**
   * The run is over: records it, and when pupils are still on board raises the critical alert
   * (once per run). Returns the alert when one was raised now.
   */
  async end(tripInstanceId: string, endedTs: number, vehicleId: string | null): Promise<LiveAlert | null> {
    const { inst, schools, run } = await this.run(tripInstanceId)
    const pupils = await this.pupilsOf(schools, run)
    return this.#d.db.transaction(async (tx) => {
      await studentsRepo.ensureRun(tx, {
        tripInstanceId,
        serviceDate: run.serviceDate,
        routeId: run.routeId,
        direction: run.direction,
        vehicleId: vehicleId ?? inst.vehicleId,
        driverId: inst.driverId,
      })
      const record = await studentsRepo.getRun(tx, tripInstanceId, true)
      if (!record || record.endedTs !== null) return null
      const left = stillOnBoard(foldMarks(await studentsRepo.marksOf(tx, [tripInstanceId])).values())
      if (left.length === 0) {
        await studentsRepo.endRun(tx, tripInstanceId, endedTs, 0, null)
        return null
      }
      const who = left.map((s) => {
        const p = s.pupilId !== null ? pupils.find((x) => x.id === s.pupilId) : undefined
        return {
          pupilId: s.pupilId,
          name: p?.name ?? s.extraName ?? '?',
          className: p?.className ?? null,
          boardedStop: s.boardedStop,
        }
      })
      const names = who.map((w) => (w.className ? `${w.name}（${w.className}）` : w.name)).join('、')
      const alert: LiveAlert = {
        id: leftOnBoardAlertId(tripInstanceId),
        type: LEFT_ON_BOARD_TYPE,
        severity: 'critical',
        state: 'active',
        // Raised when the server learned it (a bus's clock may run ahead).
        ts: Math.min(endedTs, this.#d.now()),
        clearedTs: null,
        vehicleId: vehicleId ?? inst.vehicleId,
        tripInstanceId,
        stopCode: inst.stops.at(-1)?.stopCode ?? null,
        message: `${who.length} pupil${who.length === 1 ? '' : 's'} boarded and not alighted at the end of the student run: ${names}`,
        data: { alarm: `车上仍有学生 ${names}`, pupils: who, count: who.length, routeId: inst.routeId },
        ...OPEN,
      }
      const [stored] = await trackingRepo.upsertAlerts(tx, [alert])
      await studentsRepo.endRun(tx, tripInstanceId, endedTs, who.length, alert.id)
      return stored ?? alert
    })
  }

  /**
   * The driver has walked the bus and confirms nobody is left: the run's alert is resolved (and
   * its condition cleared) by the driver, with an incident note. Answers the alert as it is now,
   * or null when the run raised none.
   */
  async confirmEmpty(tripInstanceId: string, by: string): Promise<LiveAlert | null> {
    const now = this.#d.now()
    return this.#d.db.transaction(async (tx) => {
      const record = await studentsRepo.getRun(tx, tripInstanceId, true)
      if (!record?.alertId) return null
      const alert = await trackingRepo.getAlert(tx, record.alertId, { forUpdate: true })
      if (!alert) return null
      await studentsRepo.confirmRun(tx, tripInstanceId, by, now)
      if (alert.resolvedTs !== null && alert.state === 'cleared') return alert
      const note = '司机确认车内已无学生 · the driver walked the bus and confirms it is empty'
      const [after] = await trackingRepo.upsertAlerts(tx, [
        { ...alert, state: 'cleared', clearedTs: now, resolvedBy: by, resolvedTs: now, resolveNote: note },
      ])
      await incidentsRepo.insertIncidentNote(tx, {
        ts: now,
        vehicleId: alert.vehicleId,
        tripInstanceId,
        alertId: alert.id,
        kind: 'resolve',
        by,
        text: note,
      })
      return after ?? alert
    })
  }

  /** Pupils of one school not boarded on today's morning runs so far (marked absent, or the bus left their stop). */
  async absentees(
    school: School,
    date: string,
  ): Promise<
    { tripInstanceId: string; pupilId: number; name: string; className: string; board: string; why: string }[]
  > {
    const records = await studentsRepo.runsOf(this.#d.db, {
      routeIds: school.routes.map((r) => r.routeId),
      from: date as never,
      to: date as never,
    })
    const out: {
      tripInstanceId: string
      pupilId: number
      name: string
      className: string
      board: string
      why: string
    }[] = []
    for (const rec of records) {
      if (periodOf(school, rec) !== 'morning') continue
      const { run } = await this.run(rec.tripInstanceId)
      const rides = expectedRides(school, await this.pupilsOf([school], run), run)
      const states = foldMarks(await studentsRepo.marksOf(this.#d.db, [rec.tripInstanceId]))
      const events = await trackingRepo.listEvents(this.#d.db, {
        fromMs: serviceDayStartMs(rec.serviceDate),
        toMs: this.#d.now() + 60_000,
        types: ['departure'],
        tripInstanceId: rec.tripInstanceId,
        limit: 1000,
      })
      const departed = new Set(events.map((e) => e.stopCode).filter((c): c is string => c !== null))
      for (const a of absentees(rides, states, departed, rec.endedTs !== null))
        out.push({
          tripInstanceId: rec.tripInstanceId,
          pupilId: a.pupil.id,
          name: a.pupil.name,
          className: a.pupil.className,
          board: a.board,
          why: a.why,
        })
    }
    return out
  }
}
