/**
 * Parcels as the server runs them: the domain decides (consignment, routing, custody), the
 * repositories store, and every change to a parcel is one transaction that locks the parcel's row
 * and the rows of the trips it rides, writes the custody event, the audit row and the texts it
 * causes (the outbox sender delivers them after the commit). Nothing is held in memory between
 * requests, so any number of server instances may take scans for the same parcel.
 */
import {
  AppError,
  applyScan,
  cleanConsignment,
  cleanPostPoint,
  DEFAULT_PARCEL_CAPACITY,
  DEFAULT_TARIFF,
  feeFor,
  fitsOn,
  formatParcelNumber,
  generatePickupCode,
  proposeRoutes,
  returnDueTs,
  serviceDayOf,
  tariffProblems,
  type ConsignmentInput,
  type Custodian,
  type CustodyEvent,
  type Parcel,
  type ParcelCapacity,
  type ParcelLeg,
  type PlannedLeg,
  type PostPoint,
  type RandomInt,
  type RouteOption,
  type Scan,
  type SessionUser,
  type Tariff,
} from '@rb/domain'
import {
  accountsRepo,
  isUniqueViolation,
  parcelsRepo,
  type Db,
  type ParcelText,
  type Queryable,
  type StoredPostPoint,
} from '@rb/db'
import type { NetworkService } from '../network/service.js'
import type { TrackingHost } from '../tracking/host.js'
import {
  acceptedTexts,
  arrivedTexts,
  collectedTexts,
  loadedTexts,
  movedTexts,
  returnedTexts,
  strandedTexts,
  transferTexts,
  type PointLabel,
  type TextContext,
} from './messages.js'
import { ridingLegs, tripTable } from './trips.js'

/** Who asks, for the custody log and the audit log. */
export interface Caller {
  user: SessionUser | null
  ip: string | null
}

export const SYSTEM: Caller = { user: null, ip: null }

export interface ParcelServiceDeps {
  db: Db
  network: NetworkService
  tracking: TrackingHost
  /** County prefix of parcel numbers (XY → XY-P-20261207-0042). */
  prefix: string
  /** Where the tracking page is reached (`<publicUrl>/p/<number>`). */
  publicUrl: string
  randomInt: RandomInt
  /** Called after a commit that wrote texts. */
  onMessages: () => void
  /** Time a keeper needs between unloading and loading at a station, ms. */
  minTransferMs: number
  /** A bus's newest position held in memory (the live branch), when this instance has it. */
  livePosition?: (vehicleId: string) => { lng: number; lat: number; ts: number } | null
  now?: () => number
}

/** A chosen option and the bus of each of its trips. */
interface Picked {
  route: RouteOption
  buses: Map<string, string | null>
}

const legsFrom = (planned: readonly PlannedLeg[], startIdx: number): ParcelLeg[] =>
  planned.map((l, i) => ({ ...l, idx: startIdx + i, vehicleId: null, loadedTs: null, unloadedTs: null }))

export class ParcelService {
  readonly db: Db
  readonly network: NetworkService
  readonly tracking: TrackingHost
  readonly now: () => number
  readonly #d: ParcelServiceDeps

  constructor(d: ParcelServiceDeps) {
    this.#d = d
    this.db = d.db
    this.network = d.network
    this.tracking = d.tracking
    this.now = d.now ?? Date.now
  }

  trackingUrl(number: string): string {
    return `${this.#d.publicUrl}/p/${number}`
  }

  // ── Reference data: tariff, post points, parcel room ──

  async tariff(q: Queryable = this.db): Promise<Tariff> {
    return (await parcelsRepo.getTariff(q)) ?? DEFAULT_TARIFF
  }

  async setTariff(t: Tariff, caller: Caller): Promise<Tariff> {
    const problems = tariffProblems(t)
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems.join('; '), { problems, field: 'tariff' })
    const now = this.now()
    await this.db.transaction(async (tx) => {
      const before = await this.tariff(tx)
      await parcelsRepo.setTariff(tx, t, caller.user?.username ?? 'system', now)
      await this.#audit(tx, caller, 'parcel.tariff', 'parcel-tariff', before, t, now)
    })
    return t
  }

  async point(code: string, field = 'stopCode'): Promise<StoredPostPoint> {
    const p = await parcelsRepo.getPostPoint(this.db, code)
    if (!p) throw new AppError('POST_POINT_NOT_FOUND', `${code} is not a post point`, { field, stopCode: code })
    return p
  }

  async savePostPoint(
    input: PostPoint,
    keepers: readonly string[] | undefined,
    caller: Caller,
  ): Promise<StoredPostPoint> {
    const p = cleanPostPoint(input)
    const stop = (await this.network.snapshot()).stops.find((s) => s.code === p.stopCode)
    if (!stop || stop.status === 'removed')
      throw new AppError('STOP_NOT_FOUND', `stop ${p.stopCode} does not exist`, { field: 'stopCode' })
    const users = keepers
      ? await Promise.all(keepers.map((u) => accountsRepo.findUserByUsername(this.db, u)))
      : undefined
    users?.forEach((u, i) => {
      if (!u || u.role !== 'station')
        throw new AppError('VALIDATION_FAILED', `${keepers?.[i]} is not a post point keeper account (role station)`, {
          field: 'keepers',
        })
    })
    const before = await parcelsRepo.getPostPoint(this.db, p.stopCode)
    const now = this.now()
    await this.db.transaction(async (tx) => {
      await parcelsRepo.upsertPostPoint(tx, p)
      if (users)
        await parcelsRepo.setKeepers(
          tx,
          p.stopCode,
          users.map((u) => (u as { id: number }).id),
        )
      await this.#audit(
        tx,
        caller,
        before ? 'post_point.update' : 'post_point.create',
        `post-point:${p.stopCode}`,
        before,
        { ...p, ...(keepers ? { keepers } : {}) },
        now,
      )
    })
    return this.point(p.stopCode)
  }

  async setCapacity(vehicleId: string, c: ParcelCapacity, caller: Caller): Promise<ParcelCapacity> {
    if (!(await this.network.snapshot()).vehicles.some((v) => v.id === vehicleId))
      throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${vehicleId} does not exist`)
    const now = this.now()
    await this.db.transaction(async (tx) => {
      const before = (await parcelsRepo.capacities(tx, [vehicleId])).get(vehicleId) ?? null
      await parcelsRepo.setCapacity(tx, vehicleId, c)
      await this.#audit(tx, caller, 'vehicle.parcel_capacity', `vehicle:${vehicleId}`, before, c, now)
    })
    return c
  }

  /** Who scans, as the custody rules see them; a keeper account must keep a post point. */
  async custodian(user: SessionUser): Promise<Custodian> {
    if (user.role === 'driver') return { kind: 'driver', username: user.username, driverCode: user.driverCode ?? null }
    if (user.role === 'station') {
      const postPoint = await parcelsRepo.keptBy(this.db, user.id)
      if (!postPoint)
        throw new AppError('FORBIDDEN', 'this keeper account keeps no post point yet; an operator links it to one')
      return { kind: 'keeper', username: user.username, postPoint }
    }
    return { kind: 'staff', username: user.username }
  }

  /** The post point a keeper may act for; staff may act for any. */
  async #checkKeeper(caller: Caller, points: readonly string[], what: string): Promise<void> {
    if (caller.user?.role !== 'station') return
    const c = await this.custodian(caller.user)
    if (c.kind === 'keeper' && !points.includes(c.postPoint))
      throw new AppError('FORBIDDEN', `a keeper ${what} only at their own post point (${c.postPoint})`)
  }

  // ── Routing ──

  /** Options for a parcel of this size and weight from one post point to another, in the order proposed. */
  async options(
    from: string,
    to: string,
    need: { slots: number; kg: number },
    opts: { exceptParcelId?: number | null; limit?: number } = {},
  ): Promise<RouteOption[]> {
    return (await this.planner(opts.exceptParcelId ?? null))(from, to, need, opts.limit ?? 5)
  }

  /** Answers many routing questions on one reading of the trips (the demo clerk compares a few). */
  async planner(
    exceptParcelId: number | null = null,
  ): Promise<(from: string, to: string, need: { slots: number; kg: number }, limit?: number) => RouteOption[]> {
    const now = this.now()
    const tariff = await this.tariff()
    const table = await tripTable(this.db, this.network, tariff, now, exceptParcelId)
    const stations = new Set(
      (await parcelsRepo.listPostPoints(this.db, { kind: 'station', activeOnly: true })).map((p) => p.stopCode),
    )
    return (from, to, need, limit = 5) =>
      proposeRoutes({
        from,
        to,
        trips: table.trips,
        transferPoints: stations,
        notBeforeTs: now,
        minTransferMs: this.#d.minTransferMs,
        need,
        limit,
      })
  }

  /** Re-checks, under the trips' locks, that the legs still fit (others may have loaded meanwhile). */
  async #checkRoom(
    tx: Queryable,
    picked: Picked,
    need: { slots: number; kg: number },
    tariff: Tariff,
    exceptParcelId: number | null,
  ): Promise<void> {
    const legs = picked.route.legs
    const ids = legs.map((l) => l.tripInstanceId)
    await parcelsRepo.lockTrips(tx, ids)
    const riding = ridingLegs(await parcelsRepo.ridingOn(tx, ids, exceptParcelId), tariff)
    const buses = [...picked.buses.values()].filter((v): v is string => v !== null)
    const caps = await parcelsRepo.capacities(tx, buses)
    for (const l of legs) {
      const bus = picked.buses.get(l.tripInstanceId) ?? null
      const capacity = (bus ? caps.get(bus) : undefined) ?? DEFAULT_PARCEL_CAPACITY
      if (!fitsOn({ capacity, riding: riding.get(l.tripInstanceId) ?? [] }, l.fromSeq, l.toSeq, need)) {
        throw new AppError(
          'PARCEL_OVER_CAPACITY',
          `trip ${l.tripInstanceId} has no parcel room left between ${l.fromStop} and ${l.toStop}`,
          { tripInstanceId: l.tripInstanceId, capacity },
        )
      }
    }
  }

  async #pick(
    from: string,
    to: string,
    need: { slots: number; kg: number },
    tripInstanceId: string | undefined,
    exceptParcelId: number | null,
  ): Promise<Picked> {
    const options = await this.options(from, to, need, { exceptParcelId, limit: tripInstanceId ? 200 : 5 })
    if (options.length === 0)
      throw new AppError('NO_TRIP_FOR_PARCEL', `no bus serves ${from} to ${to} in the next three days`, { from, to })
    const chosen = tripInstanceId
      ? options.find((o) => o.legs[0]?.tripInstanceId === tripInstanceId)
      : options.find((o) => o.fits)
    if (tripInstanceId && !chosen)
      throw new AppError(
        'NO_TRIP_FOR_PARCEL',
        `trip ${tripInstanceId} does not take a parcel from ${from} to ${to} (it does not serve both, has left, or is cancelled)`,
        { field: 'tripInstanceId', from, to },
      )
    if (!chosen || !chosen.fits)
      throw new AppError(
        'PARCEL_OVER_CAPACITY',
        `the buses from ${from} to ${to} have no parcel room left${tripInstanceId ? ` on ${tripInstanceId}` : ' in the next three days'}`,
        { options: options.map((o) => o.legs.map((l) => l.tripInstanceId)) },
      )
    // The instances' buses, read before the transaction (the embedded database runs one thing at a time).
    const ids = chosen.legs.map((l) => l.tripInstanceId)
    const views = await Promise.all(ids.map((id) => this.network.instance(id)))
    return { route: chosen, buses: new Map(views.map((v) => [v.id, v.vehicleId])) }
  }

  // ── Consignment ──

  async consign(
    input: ConsignmentInput & { tripInstanceId?: string | undefined },
    caller: Caller,
    idempotencyKey: string | null,
  ): Promise<Parcel> {
    if (idempotencyKey) {
      const existing = await parcelsRepo.parcelByKey(this.db, idempotencyKey)
      if (existing) return existing
    }
    const from = await this.point(input.fromPoint, 'fromPoint')
    const to = await this.point(input.toPoint, 'toPoint')
    if (!from.active)
      throw new AppError('POST_POINT_NOT_FOUND', `${from.stopCode} takes no parcels now (closed)`, {
        field: 'fromPoint',
      })
    if (!to.active)
      throw new AppError('POST_POINT_NOT_FOUND', `${to.stopCode} takes no parcels now (closed)`, { field: 'toPoint' })
    await this.#checkKeeper(caller, [from.stopCode], 'takes parcels')
    const tariff = await this.tariff()
    const clean = cleanConsignment(input, tariff)
    const need = { slots: tariff.sizes[clean.sizeClass].slots, kg: clean.weightKg }
    const picked = await this.#pick(from.stopCode, to.stopCode, need, input.tripInstanceId, null)
    const route = picked.route
    const now = this.now()
    const pickupCode = generatePickupCode(this.#d.randomInt)
    const day = serviceDayOf(now)
    let parcel: Parcel
    try {
      parcel = await this.db.transaction(async (tx) => {
        await this.#checkRoom(tx, picked, need, tariff, null)
        const number = formatParcelNumber(this.#d.prefix, day, await parcelsRepo.nextNumber(tx, this.#d.prefix, day))
        const base = {
          number,
          fromPoint: from.stopCode,
          toPoint: to.stopCode,
          sender: clean.sender,
          recipient: clean.recipient,
          sizeClass: clean.sizeClass,
          weightKg: clean.weightKg,
          feeFen: feeFor(tariff, clean.sizeClass, route.distanceM),
          distanceM: Math.round(route.distanceM),
          status: 'accepted' as const,
          legIndex: 0,
          pickupCode,
          holdDays: to.holdDays,
          createdBy: caller.user?.username ?? 'system',
          acceptedTs: now,
        }
        const id = await parcelsRepo.insertParcel(tx, { ...base, idempotencyKey }, now)
        const legs = legsFrom(route.legs, 0)
        await parcelsRepo.replaceLegs(tx, id, 0, legs)
        const p: Parcel = { ...base, id, legs, arrivedTs: null, closedTs: null }
        await this.#event(tx, p, caller, {
          ts: now,
          action: 'accept',
          fromStatus: null,
          toStatus: 'accepted',
          place: from.stopCode,
          vehicleId: null,
          tripInstanceId: legs[0]?.tripInstanceId ?? null,
          lng: from.point[0],
          lat: from.point[1],
          note: null,
        })
        await this.#audit(
          tx,
          caller,
          'parcel.accept',
          `parcel:${number}`,
          null,
          {
            from: p.fromPoint,
            to: p.toPoint,
            sizeClass: p.sizeClass,
            weightKg: p.weightKg,
            feeFen: p.feeFen,
            trips: legs.map((l) => l.tripInstanceId),
          },
          now,
        )
        await this.#texts(tx, p, acceptedTexts(this.#context(p, from, to), route.arrivalTs), now)
        return p
      })
    } catch (err) {
      // The same key sent twice at once: the first one's parcel is the answer.
      if (idempotencyKey && isUniqueViolation(err)) {
        const existing = await parcelsRepo.parcelByKey(this.db, idempotencyKey)
        if (existing) return existing
      }
      throw err
    }
    this.#d.onMessages()
    return parcel
  }

  async get(number: string): Promise<Parcel> {
    const p = await parcelsRepo.getParcel(this.db, number)
    if (!p) throw new AppError('PARCEL_NOT_FOUND', `no parcel ${number}`)
    return p
  }

  /** A parcel a keeper may see: sent from, going to or passing through their post point. */
  async visible(number: string, caller: Caller): Promise<Parcel> {
    const p = await this.get(number)
    await this.#checkKeeper(caller, [p.fromPoint, p.toPoint, ...p.legs.map((l) => l.fromStop)], 'sees parcels')
    return p
  }

  // ── Assignment by hand ──

  /** Puts a parcel waiting at a post point on the trip a dispatcher or keeper chose (with a change when it needs one). */
  async assign(number: string, tripInstanceId: string, caller: Caller): Promise<Parcel> {
    const p = await this.get(number)
    if (p.status !== 'accepted' && p.status !== 'at_transfer')
      throw new AppError(
        'PARCEL_OUT_OF_ORDER',
        `${number} is ${p.status}: only a parcel waiting at a post point is assigned to a trip`,
        { reason: 'out_of_order', status: p.status },
      )
    const at = p.legs[p.legIndex]?.fromStop ?? p.fromPoint
    await this.#checkKeeper(caller, [at], 'assigns parcels')
    const tariff = await this.tariff()
    const need = { slots: tariff.sizes[p.sizeClass].slots, kg: p.weightKg }
    const picked = await this.#pick(at, p.toPoint, need, tripInstanceId, p.id)
    const route = picked.route
    const now = this.now()
    const out = await this.db.transaction(async (tx) => {
      const locked = await this.#lockedParcel(tx, number, p)
      await this.#checkRoom(tx, picked, need, tariff, p.id)
      const legs = legsFrom(route.legs, locked.legIndex)
      await parcelsRepo.replaceLegs(tx, p.id, locked.legIndex, legs)
      const before = locked.legs.slice(locked.legIndex).map((l) => l.tripInstanceId)
      await this.#event(tx, locked, caller, {
        ts: now,
        action: 'assign',
        fromStatus: locked.status,
        toStatus: locked.status,
        place: at,
        vehicleId: null,
        tripInstanceId: tripInstanceId,
        lng: null,
        lat: null,
        note: `${before.join(' + ') || '—'} → ${legs.map((l) => l.tripInstanceId).join(' + ')}`,
      })
      await this.#audit(
        tx,
        caller,
        'parcel.assign',
        `parcel:${number}`,
        { trips: before },
        { trips: legs.map((l) => l.tripInstanceId) },
        now,
      )
      return { ...locked, legs: [...locked.legs.slice(0, locked.legIndex), ...legs] }
    })
    return out
  }

  /** The parcel under lock; a change made since it was read first means "try again". */
  async #lockedParcel(tx: Queryable, number: string, seen: Parcel): Promise<Parcel> {
    const locked = await parcelsRepo.getParcel(tx, number, { forUpdate: true })
    if (!locked) throw new AppError('PARCEL_NOT_FOUND', `no parcel ${number}`)
    const same =
      locked.status === seen.status &&
      locked.legIndex === seen.legIndex &&
      locked.legs.map((l) => l.tripInstanceId).join() === seen.legs.map((l) => l.tripInstanceId).join()
    if (!same)
      throw new AppError('CONFLICT', `${number} changed meanwhile (it is ${locked.status} now); scan or try again`, {
        status: locked.status,
      })
    return locked
  }

  // ── Custody ──

  async scan(
    number: string,
    scan: Scan,
    caller: Caller & { user: SessionUser },
  ): Promise<{ parcel: Parcel; event: CustodyEvent }> {
    const by = await this.custodian(caller.user)
    const p = await this.get(number)
    const leg = p.legs[p.legIndex] ?? null
    // The leg's trip as it is now: its status, its bus and who may drive it (the roster's driver, the one at the wheel).
    let trip = null
    if (leg && (scan.action === 'load' || scan.action === 'unload')) {
      const inst = await this.network.instance(leg.tripInstanceId).catch(() => null)
      if (inst) {
        const bus = scan.vehicleId ?? leg.vehicleId ?? inst.vehicleId
        const atWheel = bus ? this.tracking.engine.driverOf(bus) : null
        trip = {
          status: inst.status,
          vehicleId: leg.vehicleId ?? inst.vehicleId,
          driverCodes: [inst.driverId, atWheel].filter((d): d is string => d !== null),
        }
      }
    }
    const now = this.now()
    const step = applyScan(p, scan, { now, by, trip })
    // Where: the bus's last position for a scan on board, else the post point's sign.
    const points = new Map((await parcelsRepo.listPostPoints(this.db)).map((x) => [x.stopCode, x]))
    const place = step.place ? points.get(step.place) : undefined
    const busAt = by.kind === 'driver' && step.vehicleId ? await this.busPosition(step.vehicleId) : null
    const where = busAt
      ? { lng: busAt.lng, lat: busAt.lat }
      : place
        ? { lng: place.point[0], lat: place.point[1] }
        : { lng: null, lat: null }
    const eta = step.action === 'load' && step.leg ? this.etaAt(step.leg) : null
    const from = points.get(p.fromPoint) as StoredPostPoint
    const to = points.get(p.toPoint) as StoredPostPoint
    const event: CustodyEvent = {
      ts: now,
      action: step.action,
      fromStatus: step.fromStatus,
      toStatus: step.toStatus,
      byName: by.username,
      byRole: caller.user.role,
      place: step.place,
      vehicleId: step.vehicleId,
      tripInstanceId: step.tripInstanceId,
      ...where,
      note: null,
    }
    const parcel = await this.db.transaction(async (tx) => {
      const locked = await this.#lockedParcel(tx, number, p)
      const state = {
        status: step.toStatus,
        legIndex: step.legIndex,
        arrivedTs: step.arrivedTs,
        closedTs: step.closedTs,
      }
      await parcelsRepo.updateState(tx, p.id, state, now)
      if (step.leg) await parcelsRepo.updateLeg(tx, p.id, step.leg)
      const after: Parcel = {
        ...locked,
        ...state,
        legs: locked.legs.map((l) => (step.leg && l.idx === step.leg.idx ? step.leg : l)),
      }
      await this.#event(tx, after, caller, { ...event, byName: by.username })
      await this.#audit(
        tx,
        caller,
        `parcel.${step.action}`,
        `parcel:${number}`,
        { status: step.fromStatus },
        { status: step.toStatus, place: step.place, vehicleId: step.vehicleId, tripInstanceId: step.tripInstanceId },
        now,
      )
      const ctx = this.#context(after, from, to)
      const texts: ParcelText[] =
        step.action === 'load' && step.leg
          ? loadedTexts(ctx, {
              vehicleId: step.leg.vehicleId as string,
              tripInstanceId: step.leg.tripInstanceId,
              unloadAt: label(points.get(step.leg.toStop) ?? to),
              etaTs: eta?.etaTs ?? step.leg.arrivalTs,
            })
          : step.action === 'unload' && step.toStatus === 'at_transfer'
            ? transferTexts(ctx, label(place ?? to), after.legs[after.legIndex] ?? null)
            : step.action === 'unload'
              ? arrivedTexts(ctx, returnDueTs(after) as number)
              : step.action === 'collect'
                ? collectedTexts(ctx, now)
                : returnedTexts(ctx)
      await this.#texts(tx, after, texts, now)
      return after
    })
    this.#d.onMessages()
    return { parcel, event }
  }

  /** A bus's newest position: the live branch's in memory, or the stored one when that is newer (another instance took it). */
  async busPosition(vehicleId: string): Promise<{ lng: number; lat: number; ts: number } | null> {
    const live = this.#d.livePosition?.(vehicleId) ?? null
    const stored = await parcelsRepo.vehiclePosition(this.db, vehicleId)
    return !stored || (live && live.ts >= stored.ts) ? live : stored
  }

  /**
   * The tracking engine's ETA at the leg's last stop while a bus runs the leg's trip (the stop
   * need not be one anybody boards at, e.g. a route's terminus), with the stops still between.
   */
  etaAt(
    leg: Pick<ParcelLeg, 'tripInstanceId' | 'toStop' | 'toSeq' | 'arrivalTs'>,
  ): { etaTs: number | null; scheduledTs: number; vehicleId: string; stopsAway: number | null } | null {
    const engine = this.tracking.engine
    const p = engine.progressOf(leg.tripInstanceId)
    if (!p || p.endedTs || p.completedTs || engine.runOf(p.vehicleId)?.instance.id !== leg.tripInstanceId) return null
    const eta = engine.etas(p.vehicleId).find((e) => e.seq === leg.toSeq)
    const next = engine.trackerState(p.vehicleId)?.nextStopSeq ?? null
    return {
      etaTs: eta?.etaTs ?? null,
      scheduledTs: eta?.scheduledTs ?? leg.arrivalTs,
      vehicleId: p.vehicleId,
      stopsAway: next === null ? null : Math.max(0, leg.toSeq - next),
    }
  }

  // ── A cancelled trip ──

  /** Moves the parcels waiting for a cancelled trip to the next trip with room; their keepers (and recipients) are told. */
  async moveOff(tripInstanceId: string, caller: Caller): Promise<{ moved: string[]; stranded: string[] }> {
    const waiting = (await parcelsRepo.parcelsRiding(this.db, [tripInstanceId])).filter(
      (p) =>
        (p.status === 'accepted' || p.status === 'at_transfer') &&
        p.legs.slice(p.legIndex).some((l) => l.tripInstanceId === tripInstanceId && l.loadedTs === null),
    )
    const moved: string[] = []
    const stranded: string[] = []
    const tariff = await this.tariff()
    const points = new Map((await parcelsRepo.listPostPoints(this.db)).map((x) => [x.stopCode, x]))
    for (const p of waiting) {
      const at = p.legs[p.legIndex]?.fromStop ?? p.fromPoint
      const need = { slots: tariff.sizes[p.sizeClass].slots, kg: p.weightKg }
      let picked: Picked | null = null
      try {
        picked = await this.#pick(at, p.toPoint, need, undefined, p.id)
      } catch (err) {
        if (!(err instanceof AppError && (err.code === 'NO_TRIP_FOR_PARCEL' || err.code === 'PARCEL_OVER_CAPACITY')))
          throw err
      }
      const now = this.now()
      const from = points.get(p.fromPoint) as StoredPostPoint
      const to = points.get(p.toPoint) as StoredPostPoint
      const held = points.get(at) ?? from
      const done = await this.db.transaction(async (tx) => {
        const locked = await parcelsRepo.getParcel(tx, p.number, { forUpdate: true })
        if (!locked || locked.legIndex !== p.legIndex || locked.status !== p.status) return null
        const ctx = this.#context(locked, from, to)
        if (!picked) {
          await this.#event(tx, locked, caller, {
            ts: now,
            action: 'reroute',
            fromStatus: locked.status,
            toStatus: locked.status,
            place: at,
            vehicleId: null,
            tripInstanceId,
            lng: null,
            lat: null,
            note: 'trip cancelled; no trip with room in the next three days',
          })
          await this.#texts(tx, locked, strandedTexts(ctx, label(held), tripInstanceId), now)
          // Off the cancelled trip, so the sweep does not try again every minute; a dispatcher assigns it.
          await parcelsRepo.replaceLegs(tx, locked.id, locked.legIndex, [])
          return 'stranded' as const
        }
        await this.#checkRoom(tx, picked, need, tariff, locked.id)
        const legs = legsFrom(picked.route.legs, locked.legIndex)
        await parcelsRepo.replaceLegs(tx, locked.id, locked.legIndex, legs)
        const first = legs[0] as ParcelLeg
        await this.#event(tx, locked, caller, {
          ts: now,
          action: 'reroute',
          fromStatus: locked.status,
          toStatus: locked.status,
          place: at,
          vehicleId: null,
          tripInstanceId: first.tripInstanceId,
          lng: null,
          lat: null,
          note: `${tripInstanceId} cancelled → ${legs.map((l) => l.tripInstanceId).join(' + ')}`,
        })
        await this.#audit(
          tx,
          caller,
          'parcel.reroute',
          `parcel:${p.number}`,
          { trips: locked.legs.slice(locked.legIndex).map((l) => l.tripInstanceId) },
          { trips: legs.map((l) => l.tripInstanceId) },
          now,
        )
        const unloadAt = points.get(first.toStop) ?? to
        await this.#texts(
          tx,
          locked,
          movedTexts(ctx, {
            from: label(held),
            unloadAt: label(unloadAt),
            oldTrip: tripInstanceId,
            newTrip: first.tripInstanceId,
            departureTs: first.departureTs,
            arrivalTs: first.arrivalTs,
          }),
          now,
        )
        return 'moved' as const
      })
      if (done === 'moved') moved.push(p.number)
      if (done === 'stranded') stranded.push(p.number)
    }
    if (moved.length + stranded.length > 0) this.#d.onMessages()
    return { moved, stranded }
  }

  // ── Helpers ──

  #context(p: Parcel, from: StoredPostPoint, to: StoredPostPoint): TextContext {
    return { parcel: p, from: label(from), to: label(to), url: this.trackingUrl(p.number) }
  }

  async #event(
    tx: Queryable,
    p: Parcel,
    caller: Caller,
    e: Omit<CustodyEvent, 'byName' | 'byRole'> & { byName?: string },
  ): Promise<void> {
    await parcelsRepo.insertEvent(tx, p.id, {
      ...e,
      byName: e.byName ?? caller.user?.username ?? 'system',
      byRole: caller.user?.role ?? 'system',
    })
  }

  async #audit(
    tx: Queryable,
    caller: Caller,
    action: string,
    target: string,
    before: unknown,
    after: unknown,
    now: number,
  ): Promise<void> {
    const u = caller.user
    await accountsRepo.insertAudit(
      tx,
      {
        userId: u && u.id > 0 ? u.id : null,
        username: u?.username ?? 'system',
        action,
        target,
        before: before ?? null,
        after: after ?? null,
        ip: caller.ip,
      },
      now,
    )
  }

  async #texts(tx: Queryable, p: Parcel, texts: readonly ParcelText[], now: number): Promise<void> {
    await parcelsRepo.enqueueParcelMessages(tx, p.id, texts, now)
  }
}

const label = (p: StoredPostPoint): PointLabel => ({ code: p.stopCode, name: p.name, phone: p.phone, hours: p.hours })
