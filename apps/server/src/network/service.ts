/**
 * The network as the server sees it: the repositories for storage, the domain for rules, and a
 * cached snapshot for timetable questions ("which trips run on date D" is asked often). In cluster
 * mode a change on any instance drops the cached copy on every instance (cluster/invalidation.ts).
 */
import {
  AppError,
  applyHolidays,
  assignmentProblems,
  DEFAULT_DAILY_DRIVING_MIN,
  formatStopCode,
  instancesOn,
  instanceById,
  prepareRoute,
  serviceDate,
  tripProblems,
  TURNAROUND_MIN,
  type NetworkSnapshot,
  type RouteInput,
  type Route,
  type ServiceDate,
  type Stop,
  type Trip,
  type TripInstance,
} from '@rb/domain'
import { holidaysRepo, networkRepo, rosterRepo, type Db } from '@rb/db'
import { loadRosterDay } from '../roster/day.js'

export interface NetworkSettings {
  countyPrefix: string
  /** A stop farther than this from its route line is a validation error. */
  stopToleranceM: number
}

export interface TripInstanceView extends TripInstance {
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  vehicleId: string | null
  driverId: string | null
}

/** A trip instance with its day's state (scheduled when nothing was stored for it). */
const withState = (i: TripInstance, s: networkRepo.InstanceState | null | undefined): TripInstanceView => ({
  ...i,
  status: s?.status ?? 'scheduled',
  cancelReason: s?.cancelReason ?? null,
  vehicleId: s?.vehicleId ?? null,
  driverId: s?.driverId ?? null,
})

/** A trip instance cancelled for the day (what follows from it, e.g. its bookings, is for listeners). */
export interface InstanceCancelled {
  /** The instance as it is now: status `cancelled`, with the reason. */
  trip: TripInstanceView
  /** Its status before (a repeated cancel finds it cancelled already). */
  previous: 'scheduled' | 'cancelled'
  /** The account that cancelled it, when known. */
  by: string | null
}

export class NetworkService {
  #snapshot: Promise<NetworkSnapshot> | undefined
  readonly #listeners: (() => void)[] = []
  readonly #instanceLookups = new Map<string, Promise<TripInstanceView>>()
  #broadcast: (() => void) | undefined
  readonly #cancelListeners: ((e: InstanceCancelled) => Promise<void>)[] = []

  constructor(
    readonly db: Db,
    readonly settings: NetworkSettings,
  ) {}

  /** The whole network, cached until the next write. */
  snapshot(): Promise<NetworkSnapshot> {
    // The timetable reads each calendar with the county-wide holiday exceptions applied.
    this.#snapshot ??= Promise.all([networkRepo.loadNetwork(this.db), holidaysRepo.listHolidays(this.db)])
      .then(([net, holidays]) => ({ ...net, calendars: applyHolidays(net.calendars, holidays) }))
      .catch((err: unknown) => {
        this.#snapshot = undefined
        throw err
      })
    return this.#snapshot
  }

  /** Called after every write (live parts that hold network data subscribe). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener)
  }

  /** Called, in order, after a trip instance was cancelled; `cancel` answers once they are done. */
  onCancel(listener: (e: InstanceCancelled) => Promise<void>): void {
    this.#cancelListeners.push(listener)
  }

  /** After a write here: drop the cached copy, tell the listeners, and tell the other instances. */
  changed(): void {
    this.changedElsewhere()
    this.#broadcast?.()
  }

  /** Another instance wrote (cluster mode): drop the cached copy and tell the listeners, nobody else. */
  changedElsewhere(): void {
    // A lookup on its way may have read the state from before the change.
    this.#instanceLookups.clear()
    this.#snapshot = undefined
    for (const l of this.#listeners) l()
  }

  /** Cluster mode: how a change here reaches the other instances (they call `changedElsewhere`). */
  broadcastChangesWith(send: () => void): void {
    this.#broadcast = send
  }

  async createStop(input: Omit<Stop, 'code' | 'status'> & { status?: Stop['status'] }): Promise<Stop> {
    await this.#requireTownship(input.townshipId)
    const stop = await this.db.transaction(async (tx) => {
      const n = await networkRepo.nextStopNumber(tx, this.settings.countyPrefix)
      const s: Stop = { ...input, status: input.status ?? 'ok', code: formatStopCode(this.settings.countyPrefix, n) }
      await networkRepo.upsertStop(tx, s)
      return s
    })
    this.changed()
    return stop
  }

  async updateStop(code: string, patch: Partial<Omit<Stop, 'code'>>): Promise<Stop> {
    const cur = await networkRepo.getStop(this.db, code)
    if (!cur) throw new AppError('STOP_NOT_FOUND', `stop ${code} does not exist`)
    if (patch.townshipId) await this.#requireTownship(patch.townshipId)
    const next: Stop = { ...cur, ...patch, code }
    await networkRepo.upsertStop(this.db, next)
    this.changed()
    return next
  }

  async saveRoute(input: RouteInput): Promise<Route> {
    const net = await this.snapshot()
    if (!net.operators.some((o) => o.id === input.operatorId))
      throw new AppError('VALIDATION_FAILED', `operator ${input.operatorId} does not exist`)
    const route = prepareRoute(input, new Map(net.stops.map((s) => [s.code, s])), this.settings.stopToleranceM)
    const trips = net.trips.filter((t) => t.routeId === route.id && t.active)
    const broken = trips.filter((t) => tripProblems(t, route).length > 0)
    if (broken.length > 0) {
      throw new AppError(
        'CONFLICT',
        `the new stop list does not fit ${broken.length} trip(s) of this route; change or retire them first`,
        { trips: broken.map((t) => t.id) },
      )
    }
    await this.db.transaction((tx) => networkRepo.saveRoute(tx, route))
    this.changed()
    return route
  }

  async saveTrip(trip: Trip): Promise<Trip> {
    const net = await this.snapshot()
    const route = net.routes.find((r) => r.id === trip.routeId)
    if (!route) throw new AppError('ROUTE_NOT_FOUND', `route ${trip.routeId} does not exist`)
    if (!net.calendars.some((c) => c.id === trip.calendarId))
      throw new AppError('VALIDATION_FAILED', `calendar ${trip.calendarId} does not exist`)
    const problems = tripProblems(trip, route)
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems.join('; '), { problems })
    await networkRepo.saveTrip(this.db, trip)
    this.changed()
    return trip
  }

  /** Trip instances of a service day with their assignment and status. */
  async instancesOn(date: ServiceDate): Promise<TripInstanceView[]> {
    const net = await this.snapshot()
    const states = new Map((await networkRepo.instanceStatesOn(this.db, date)).map((s) => [s.id, s]))
    return instancesOn(date, net.trips, net.routes, net.calendars).map((i) => withState(i, states.get(i.id)))
  }

  /**
   * One trip instance with its state. Lookups of one instance made while another is on its way
   * share it (a booking rush asks for one trip hundreds of times at once); nothing is kept after.
   */
  instance(id: string): Promise<TripInstanceView> {
    let p = this.#instanceLookups.get(id)
    if (!p) {
      const mine = this.#lookUpInstance(id).finally(() => {
        if (this.#instanceLookups.get(id) === mine) this.#instanceLookups.delete(id)
      })
      this.#instanceLookups.set(id, (p = mine))
    }
    return p
  }

  async #lookUpInstance(id: string): Promise<TripInstanceView> {
    const net = await this.snapshot()
    const found = instanceById(id, net.trips, net.routes, net.calendars)
    if (!found) throw new AppError('TRIP_NOT_FOUND', `trip instance ${id} does not exist (or does not run that day)`)
    return withState(found, await networkRepo.getInstanceState(this.db, id))
  }

  async assign(id: string, vehicleId: string | null, driverId: string | null): Promise<TripInstanceView> {
    const inst = await this.instance(id)
    const net = await this.snapshot()
    if (vehicleId && !net.vehicles.some((v) => v.id === vehicleId && v.status === 'active'))
      throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${vehicleId} does not exist or is retired`)
    if (driverId && !net.drivers.some((d) => d.id === driverId && d.status === 'active'))
      throw new AppError('NOT_FOUND', `driver ${driverId} does not exist or is retired`)
    // Under the day's roster lock: a bus or a driver is on one trip at a time (docs/roster.md).
    await this.db.transaction(async (tx) => {
      await rosterRepo.lockDay(tx, inst.serviceDate)
      const day = await loadRosterDay(tx, net, inst.serviceDate, {
        dailyDrivingMin: DEFAULT_DAILY_DRIVING_MIN,
        turnaroundMin: TURNAROUND_MIN,
      })
      const problems = assignmentProblems(id, vehicleId, driverId, day)
      if (problems.length > 0) throw new AppError('ROSTER_CONFLICT', problems.join('; '), { problems })
      await networkRepo.assignInstance(tx, {
        id,
        tripId: inst.tripId,
        serviceDate: inst.serviceDate,
        vehicleId,
        driverId,
      })
      // Set by hand to another crew, the trip leaves its duty.
      await rosterRepo.leaveDutyIfReassigned(tx, id)
    })
    // The tracking engine (a listener) must learn the assignment now, not at the next network edit.
    this.changed()
    return { ...inst, vehicleId, driverId }
  }

  async cancel(id: string, reason: string, by: string | null = null): Promise<TripInstanceView> {
    const inst = await this.instance(id)
    await networkRepo.cancelInstance(this.db, { id, tripId: inst.tripId, serviceDate: inst.serviceDate, reason })
    this.changed()
    const trip: TripInstanceView = { ...inst, status: 'cancelled', cancelReason: reason }
    for (const l of this.#cancelListeners) await l({ trip, previous: inst.status, by })
    return trip
  }

  async importNetwork(net: NetworkSnapshot): Promise<void> {
    await this.db.transaction((tx) => networkRepo.saveNetwork(tx, net))
    this.changed()
  }

  async #requireTownship(id: string): Promise<void> {
    if (!(await this.snapshot()).townships.some((t) => t.id === id))
      throw new AppError('VALIDATION_FAILED', `township ${id} does not exist`)
  }
}

/** Parses a `YYYY-MM-DD` query value into a service date, as a 400 when it is not one. */
export function dateParam(value: string): ServiceDate {
  try {
    return serviceDate(value)
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', (err as Error).message)
  }
}
