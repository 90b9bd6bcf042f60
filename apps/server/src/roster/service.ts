/**
 * The duty roster as the server runs it. Every change to who runs a day's trips happens in one
 * transaction holding that day's roster lock: it reads the day, lets the domain check the change,
 * and writes the duties together with their trip instances' vehicle and driver, which the
 * tracking engine, bookings and the villager page read. Afterwards `network.changed()` tells
 * them to reload.
 */
import { randomBytes } from 'node:crypto'
import {
  AppError,
  addDays,
  dutyIssues,
  generateDuties,
  parseTripInstanceId,
  proposeFromDuties,
  proposeFromTemplates,
  templateOfDuty,
  templateProblems,
  tripSpan,
  tripsOf,
  TURNAROUND_MIN,
  worsened,
  type DutyTemplate,
  type DutyView,
  type RosterView,
  type NetworkSnapshot,
  type ProposedDuty,
  type RosterDay,
  type RosterLimits,
  type ServiceDate,
  type TemplateInput,
  type Weekday,
} from '@rb/domain'
import { rosterRepo, type Db, type Queryable, type StoredDuty } from '@rb/db'
import { dateParam, type NetworkService } from '../network/service.js'
import { byStart, dutyView, loadRosterDay, rosterTripView } from './day.js'

export interface GeneratedView extends RosterView {
  /** What generation left out and why. */
  warnings: string[]
}

export interface DutyInput {
  date: string
  vehicleId: string
  driverId: string
  tripInstanceIds: string[]
  note?: string | null | undefined
}

export interface DutyPatch {
  vehicleId?: string | undefined
  driverId?: string | undefined
  tripInstanceIds?: string[] | undefined
  note?: string | null | undefined
}

export interface GenerateInput {
  date: string
  from: 'template' | 'copy'
  sourceDate?: string | undefined
  fill?: boolean | undefined
  replace?: boolean | undefined
}

export interface DriverDay {
  date: string
  published: boolean
  duty: DutyView | null
  /** Every duty of the driver that day, in order (usually one). */
  duties: DutyView[]
  vehicle: { id: string; plate: string; seats: number } | null
}

export interface RosterDeps {
  db: Db
  network: NetworkService
  /** The county's daily driving limit, minutes (read at every check). */
  drivingLimitMin: () => number
  now?: () => number
  /** Id of a new duty on that day. */
  newDutyId?: (date: ServiceDate) => string
}

const refuse = (problems: readonly string[]): AppError =>
  new AppError('ROSTER_CONFLICT', problems.join('; '), { problems: [...problems] })

export class RosterService {
  readonly db: Db
  readonly network: NetworkService
  readonly now: () => number
  readonly #drivingLimitMin: () => number
  readonly #newDutyId: (date: ServiceDate) => string

  constructor(deps: RosterDeps) {
    this.db = deps.db
    this.network = deps.network
    this.now = deps.now ?? Date.now
    this.#drivingLimitMin = deps.drivingLimitMin
    this.#newDutyId = deps.newDutyId ?? ((date) => `D${date.replaceAll('-', '')}-${randomBytes(4).toString('hex')}`)
  }

  limits(): RosterLimits {
    return { dailyDrivingMin: this.#drivingLimitMin(), turnaroundMin: TURNAROUND_MIN }
  }

  async day(dateText: string): Promise<RosterView> {
    const date = dateParam(dateText)
    return this.#view(this.db, await this.network.snapshot(), date)
  }

  async createDuty(input: DutyInput): Promise<DutyView> {
    const date = dateParam(input.date)
    const net = await this.network.snapshot()
    this.#requireCrew(net, input.vehicleId, input.driverId)
    const ids = this.#instanceIds(input.tripInstanceIds, date)
    return this.#write(date, async (tx, day) => {
      this.#requireTrips(day, ids)
      const issues = dutyIssues({ vehicleId: input.vehicleId, driverId: input.driverId, instanceIds: ids }, day)
      if (issues.length > 0) throw refuse(issues.map((i) => i.message))
      const id = this.#newDutyId(date)
      await rosterRepo.insertDuty(tx, {
        id,
        date,
        vehicleId: input.vehicleId,
        driverId: input.driverId,
        note: input.note ?? null,
        templateId: null,
      })
      await this.#setTrips(tx, day, { id, vehicleId: input.vehicleId, driverId: input.driverId }, ids)
      await rosterRepo.touchDay(tx, date)
      return id
    }).then((id) => this.duty(id))
  }

  async duty(id: string): Promise<DutyView> {
    const duty = await rosterRepo.getDuty(this.db, id)
    if (!duty) throw new AppError('DUTY_NOT_FOUND', `duty ${id} does not exist`)
    const day = await loadRosterDay(this.db, await this.network.snapshot(), duty.date, this.limits())
    return dutyView(duty, day)
  }

  async updateDuty(id: string, patch: DutyPatch): Promise<DutyView> {
    const found = await this.#duty(this.db, id)
    const net = await this.network.snapshot()
    this.#requireCrew(net, patch.vehicleId ?? found.vehicleId, patch.driverId ?? found.driverId)
    const ids = patch.tripInstanceIds ? this.#instanceIds(patch.tripInstanceIds, found.date) : null
    await this.#write(found.date, async (tx, day) => {
      const cur = await this.#duty(tx, id)
      const next = {
        vehicleId: patch.vehicleId ?? cur.vehicleId,
        driverId: patch.driverId ?? cur.driverId,
        instanceIds: ids ?? cur.instanceIds,
      }
      if (ids)
        this.#requireTrips(
          day,
          ids.filter((i) => !cur.instanceIds.includes(i)),
        )
      this.#refuseIfWorse(cur, next, day)
      await rosterRepo.updateDuty(tx, {
        id,
        vehicleId: next.vehicleId,
        driverId: next.driverId,
        note: patch.note === undefined ? cur.note : patch.note,
      })
      await this.#setTrips(tx, day, { id, vehicleId: next.vehicleId, driverId: next.driverId }, next.instanceIds)
    })
    return this.duty(id)
  }

  async deleteDuty(id: string): Promise<void> {
    const found = await this.#duty(this.db, id)
    await this.#write(found.date, async (tx) => {
      if (!(await rosterRepo.deleteDuty(tx, id))) throw new AppError('DUTY_NOT_FOUND', `duty ${id} does not exist`)
    })
  }

  /** Moves one trip instance into the duty, out of any other. */
  async addTrip(id: string, instanceId: string): Promise<DutyView> {
    const found = await this.#duty(this.db, id)
    const [instance] = this.#instanceIds([instanceId], found.date)
    await this.#write(found.date, async (tx, day) => {
      const cur = await this.#duty(tx, id)
      if (cur.instanceIds.includes(instanceId)) return
      this.#requireTrips(day, [instanceId])
      const next = {
        vehicleId: cur.vehicleId,
        driverId: cur.driverId,
        instanceIds: [...cur.instanceIds, instance as string],
      }
      this.#refuseIfWorse(cur, next, day)
      await this.#setTrips(tx, day, { id, vehicleId: cur.vehicleId, driverId: cur.driverId }, next.instanceIds)
    })
    return this.duty(id)
  }

  /**
   * Makes the day's duties from the weekly templates or another day's duties, then (`fill`) the
   * planner's for what is left. The day is unpublished until someone publishes it.
   */
  async generate(input: GenerateInput): Promise<GeneratedView> {
    const date = dateParam(input.date)
    let source: ServiceDate | null = null
    if (input.from === 'copy') {
      if (!input.sourceDate)
        throw new AppError('VALIDATION_FAILED', 'copying needs sourceDate: the day whose duties to copy', {
          field: 'sourceDate',
        })
      source = dateParam(input.sourceDate)
      if (source === date)
        throw new AppError('VALIDATION_FAILED', 'sourceDate is the day itself; copy from another day', {
          field: 'sourceDate',
        })
    }
    const warnings = await this.#write(date, async (tx, day, net) => {
      const existing = await rosterRepo.dutiesOn(tx, date)
      if (existing.length > 0 && !input.replace) {
        throw refuse([
          `${date} has ${existing.length} dut${existing.length === 1 ? 'y' : 'ies'} already; send replace: true to make the day again`,
        ])
      }
      if (existing.length > 0) {
        await rosterRepo.deleteDutiesOn(tx, date)
        day = await loadRosterDay(tx, net, date, this.limits())
      }
      const proposals = source
        ? proposeFromDuties(await this.#sourceDuties(tx, source), day)
        : proposeFromTemplates(await rosterRepo.listTemplates(tx), day)
      const generated = generateDuties(day, proposals, { fill: input.fill ?? false })
      await this.#insertDuties(tx, day, generated.duties)
      await rosterRepo.markGenerated(tx, date, source ? `copy:${source}` : 'template')
      return generated.warnings
    })
    return { ...(await this.day(date)), warnings }
  }

  async publish(dateText: string, by: string): Promise<RosterView> {
    const date = dateParam(dateText)
    await this.#write(date, (tx) => rosterRepo.publishDay(tx, date, by, this.now()))
    return this.day(date)
  }

  /**
   * The automatic roster of a day that has none: the templates, the planner for the rest,
   * published. A day with no trips is left alone (trips entered later are still planned then).
   */
  async ensureRoster(date: ServiceDate): Promise<{ created: boolean; duties: number; warnings: string[] }> {
    const net = await this.network.snapshot()
    const r = await this.db.transaction(async (tx) => {
      await rosterRepo.lockDay(tx, date)
      if (await rosterRepo.hasRoster(tx, date)) return { created: false, duties: 0, warnings: [] }
      const day = await loadRosterDay(tx, net, date, this.limits())
      if (day.trips.size === 0) return { created: false, duties: 0, warnings: [] }
      const generated = generateDuties(day, proposeFromTemplates(await rosterRepo.listTemplates(tx), day), {
        fill: true,
      })
      await this.#insertDuties(tx, day, generated.duties)
      await rosterRepo.markGenerated(tx, date, 'auto')
      await rosterRepo.publishDay(tx, date, 'system', this.now())
      return { created: true, duties: generated.duties.length, warnings: generated.warnings }
    })
    if (r.created) this.network.changed()
    return r
  }

  async templates(): Promise<DutyTemplate[]> {
    return rosterRepo.listTemplates(this.db)
  }

  async saveTemplate(id: string, input: TemplateInput): Promise<DutyTemplate> {
    const template: DutyTemplate = {
      ...input,
      id,
      weekdays: [...new Set(input.weekdays)].sort() as Weekday[],
      tripIds: [...new Set(input.tripIds)],
    }
    const net = await this.network.snapshot()
    const others = await rosterRepo.listTemplates(this.db)
    const problems = templateProblems(template, this.#templateContext(net, others))
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems.join('; '), { problems })
    const ordered = this.#ordered(net, template)
    await this.db.transaction((tx) => rosterRepo.saveTemplate(tx, ordered))
    return ordered
  }

  async deleteTemplate(id: string): Promise<void> {
    if (!(await rosterRepo.deleteTemplate(this.db, id)))
      throw new AppError('NOT_FOUND', `template ${id} does not exist`)
  }

  /**
   * Saves the day's duties as weekly templates for these weekdays. Active templates that ran on
   * any of them give those weekdays up (and go inactive when none is left).
   */
  async templatesFromDay(dateText: string, weekdaysIn: readonly number[]): Promise<DutyTemplate[]> {
    const date = dateParam(dateText)
    const weekdays = [...new Set(weekdaysIn)].sort() as Weekday[]
    const net = await this.network.snapshot()
    const day = await loadRosterDay(this.db, net, date, this.limits())
    const duties = (await rosterRepo.dutiesOn(this.db, date)).filter((d) => d.instanceIds.length > 0)
    if (duties.length === 0) throw new AppError('VALIDATION_FAILED', `${date} has no duties to save as templates`)
    const existing = await rosterRepo.listTemplates(this.db)
    const narrowed = existing
      .filter((t) => t.active && t.weekdays.some((d) => weekdays.includes(d)))
      .map((t) => {
        const left = t.weekdays.filter((d) => !weekdays.includes(d))
        return left.length > 0 ? { ...t, weekdays: left } : { ...t, active: false }
      })
    const taken = new Set(existing.map((t) => t.id))
    const label = weekdays.join('')
    const made: DutyTemplate[] = duties.map((d) => {
      const trips = tripsOf(day, d.instanceIds)
      const first = trips[0]
      const last = trips.at(-1)
      const hours = first && last ? ` ${tripSpan({ departureTs: first.departureTs, endTs: last.endTs })}` : ''
      const input = templateOfDuty({ ...d, trips }, weekdays, `${d.vehicleId}${hours}`)
      let id = `TPL-${label}-${d.vehicleId}`
      for (let n = 2; taken.has(id); n++) id = `TPL-${label}-${d.vehicleId}-${n}`
      taken.add(id)
      return { ...input, id }
    })
    const after = [...existing.filter((t) => !narrowed.some((n) => n.id === t.id)), ...narrowed, ...made]
    const problems = made.flatMap((t) => templateProblems(t, this.#templateContext(net, after)))
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems.join('; '), { problems })
    await this.db.transaction(async (tx) => {
      for (const t of [...narrowed, ...made]) await rosterRepo.saveTemplate(tx, t)
    })
    return made
  }

  /** The driver's duties of the published days from `from` on, `days` days. */
  async driverDuties(driverId: string, from: ServiceDate, days: number): Promise<DriverDay[]> {
    const net = await this.network.snapshot()
    if (!net.drivers.some((d) => d.id === driverId))
      throw new AppError('NOT_FOUND', `driver ${driverId} does not exist`)
    const dates = Array.from({ length: days }, (_, i) => addDays(from, i))
    const published = await rosterRepo.rosterDays(this.db, dates)
    const duties = await rosterRepo.dutiesOfDriver(this.db, driverId, dates)
    const out: DriverDay[] = []
    for (const date of dates) {
      const isPublished = (published.get(date)?.publishedAt ?? null) !== null
      const mine = isPublished ? duties.filter((d) => d.date === date) : []
      const day = mine.length > 0 ? await loadRosterDay(this.db, net, date, this.limits()) : null
      const views = day ? mine.map((d) => dutyView(d, day)).sort(byStart) : []
      const first = views[0] ?? null
      const vehicle = first ? net.vehicles.find((v) => v.id === first.vehicleId) : undefined
      out.push({
        date,
        published: isPublished,
        duty: first,
        duties: views,
        vehicle: vehicle ? { id: vehicle.id, plate: vehicle.plate, seats: vehicle.seats } : null,
      })
    }
    return out
  }

  async #view(q: Queryable, net: NetworkSnapshot, date: ServiceDate): Promise<RosterView> {
    const day = await loadRosterDay(q, net, date, this.limits())
    const duties = await rosterRepo.dutiesOn(q, date)
    const record = (await rosterRepo.rosterDays(q, [date])).get(date)
    const withVehicle = new Set(
      day.assignments.filter((a) => a.dutyId !== null || a.vehicleId !== null).map((a) => a.instanceId),
    )
    return {
      date,
      published: (record?.publishedAt ?? null) !== null,
      publishedAt: record?.publishedAt ?? null,
      limits: day.limits,
      duties: duties.map((d) => dutyView(d, day)).sort(byStart),
      unassigned: tripsOf(day, [...day.trips.keys()])
        .filter((t) => !withVehicle.has(t.instanceId))
        .map(rosterTripView),
    }
  }

  /** Runs `fn` under the day's lock with the day as it is; the network reloads after. */
  async #write<T>(
    date: ServiceDate,
    fn: (tx: Queryable, day: RosterDay, net: NetworkSnapshot) => Promise<T>,
  ): Promise<T> {
    const net = await this.network.snapshot()
    const r = await this.db.transaction(async (tx) => {
      await rosterRepo.lockDay(tx, date)
      return fn(tx, await loadRosterDay(tx, net, date, this.limits()), net)
    })
    this.network.changed()
    return r
  }

  async #duty(q: Queryable, id: string): Promise<StoredDuty> {
    const duty = await rosterRepo.getDuty(q, id)
    if (!duty) throw new AppError('DUTY_NOT_FOUND', `duty ${id} does not exist`)
    return duty
  }

  #requireCrew(net: NetworkSnapshot, vehicleId: string, driverId: string): void {
    if (!net.vehicles.some((v) => v.id === vehicleId))
      throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${vehicleId} does not exist`)
    if (!net.drivers.some((d) => d.id === driverId))
      throw new AppError('NOT_FOUND', `driver ${driverId} does not exist`)
  }

  /** Instance ids of the day, once each; one of another day is a 400. */
  #instanceIds(ids: readonly string[], date: ServiceDate): string[] {
    for (const id of ids) {
      const parsed = parseTripInstanceId(id)
      if (!parsed)
        throw new AppError('VALIDATION_FAILED', `${id} is not a trip instance id (<tripId>_<YYYYMMDD>)`, {
          field: 'tripInstanceIds',
        })
      if (parsed.date !== date)
        throw new AppError(
          'VALIDATION_FAILED',
          `trip instance ${id} is on ${parsed.date}, not on the duty's day ${date}`,
          { field: 'tripInstanceIds' },
        )
    }
    return [...new Set(ids)]
  }

  #requireTrips(day: RosterDay, ids: readonly string[]): void {
    const missing = ids.filter((id) => !day.trips.has(id))
    if (missing.length > 0)
      throw new AppError('TRIP_NOT_FOUND', `trip instance ${missing.join(', ')} does not run on ${day.date}`, {
        tripInstanceIds: missing,
      })
  }

  /** Refuses a change that adds a problem to the duty or makes one worse. */
  #refuseIfWorse(
    cur: StoredDuty,
    next: { vehicleId: string; driverId: string; instanceIds: readonly string[] },
    day: RosterDay,
  ): void {
    const before = dutyIssues({ vehicleId: cur.vehicleId, driverId: cur.driverId, instanceIds: cur.instanceIds }, day, {
      dutyId: cur.id,
    })
    const after = dutyIssues(next, day, { dutyId: cur.id })
    const worse = worsened(before, after)
    if (worse.length > 0) throw refuse(worse.map((i) => i.message))
  }

  async #setTrips(
    tx: Queryable,
    day: RosterDay,
    duty: { id: string; vehicleId: string; driverId: string },
    instanceIds: readonly string[],
  ): Promise<void> {
    const trips = instanceIds.flatMap((instanceId) => {
      const t = day.trips.get(instanceId) ?? null
      const tripId = t?.tripId ?? parseTripInstanceId(instanceId)?.tripId
      return tripId ? [{ instanceId, tripId }] : []
    })
    await rosterRepo.setDutyTrips(tx, {
      dutyId: duty.id,
      date: day.date,
      vehicleId: duty.vehicleId,
      driverId: duty.driverId,
      trips,
    })
  }

  async #insertDuties(tx: Queryable, day: RosterDay, duties: readonly ProposedDuty[]): Promise<void> {
    for (const d of duties) {
      const id = this.#newDutyId(day.date)
      await rosterRepo.insertDuty(tx, {
        id,
        date: day.date,
        vehicleId: d.vehicleId,
        driverId: d.driverId,
        note: d.note,
        templateId: d.templateId,
      })
      await this.#setTrips(tx, day, { id, vehicleId: d.vehicleId, driverId: d.driverId }, d.instanceIds)
    }
  }

  async #sourceDuties(
    q: Queryable,
    date: ServiceDate,
  ): Promise<
    { vehicleId: string; driverId: string; note: string | null; templateId: string | null; tripIds: string[] }[]
  > {
    return (await rosterRepo.dutiesOn(q, date)).map((d) => ({
      ...d,
      tripIds: d.instanceIds.flatMap((id) => {
        const parsed = parseTripInstanceId(id)
        return parsed ? [parsed.tripId] : []
      }),
    }))
  }

  #templateContext(net: NetworkSnapshot, others: readonly DutyTemplate[]) {
    return {
      trips: new Map(net.trips.map((t) => [t.id, t])),
      vehicles: new Map(net.vehicles.map((v) => [v.id, v])),
      drivers: new Map(net.drivers.map((d) => [d.id, d])),
      turnaroundMin: TURNAROUND_MIN,
      others,
    }
  }

  /** The template's trips in timetable order. */
  #ordered(net: NetworkSnapshot, t: DutyTemplate): DutyTemplate {
    const dep = new Map(net.trips.map((x) => [x.id, x.departureS]))
    return { ...t, tripIds: [...t.tripIds].sort((a, b) => (dep.get(a) ?? 0) - (dep.get(b) ?? 0) || a.localeCompare(b)) }
  }
}
