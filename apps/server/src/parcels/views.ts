/**
 * What pages see of parcels: the public tracking view (no names beyond a masked one, no phones,
 * no pickup code), the staff and keeper view, the driver's parcels per stop of a trip, and a
 * keeper's lists (due in, waiting for pickup, overdue, to send).
 */
import {
  AppError,
  isOverdue,
  maskPhone,
  nextScans,
  returnDueTs,
  serviceDayOf,
  type KeeperView,
  type LegView,
  type Parcel,
  type ParcelLeg,
  type ParcelLine,
  type PointRef,
  type RideView,
  type StaffParcelView,
  type TrackView,
  type TripParcels,
} from '@rb/domain'
import { parcelsRepo, type StoredPostPoint } from '@rb/db'
import type { NetworkService } from '../network/service.js'
import type { ParcelService } from './service.js'

const iso = (ts: number | null): string | null => (ts === null ? null : new Date(ts).toISOString())
/** 李四 → 李*; a name of one character stays. */
export const maskName = (name: string): string => {
  const chars = [...name]
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(Math.min(3, chars.length - 1))}`
}

const ref = (p: StoredPostPoint | undefined, code: string): PointRef => ({
  code,
  name: p?.name ?? code,
  kind: p?.kind ?? 'village',
  hours: p?.hours ?? '',
  phone: p?.phone ?? '',
})

export type { KeeperView, ParcelLine, StaffParcelView, TrackView, TripParcels }

export class ParcelViews {
  constructor(
    private readonly service: ParcelService,
    private readonly network: NetworkService,
  ) {}

  async #context(): Promise<{ points: Map<string, StoredPostPoint>; routeName: (id: string) => string }> {
    const points = new Map((await parcelsRepo.listPostPoints(this.service.db)).map((p) => [p.stopCode, p]))
    const routes = new Map((await this.network.snapshot()).routes.map((r) => [r.id, r.name]))
    return { points, routeName: (id) => routes.get(id) ?? id }
  }

  #leg(l: ParcelLeg, c: { points: Map<string, StoredPostPoint>; routeName: (id: string) => string }): LegView {
    return {
      idx: l.idx,
      tripInstanceId: l.tripInstanceId,
      routeId: l.routeId,
      routeName: c.routeName(l.routeId),
      from: ref(c.points.get(l.fromStop), l.fromStop),
      to: ref(c.points.get(l.toStop), l.toStop),
      departureTs: iso(l.departureTs) as string,
      arrivalTs: iso(l.arrivalTs) as string,
      vehicleId: l.vehicleId,
      loadedTs: iso(l.loadedTs),
      unloadedTs: iso(l.unloadedTs),
    }
  }

  /** The tracker's ETA of the bus carrying the parcel, its position, and the final arrival. */
  async #ride(
    p: Parcel,
    c: { points: Map<string, StoredPostPoint> },
  ): Promise<{ ride: RideView | null; expectedTs: number | null }> {
    if (p.status === 'arrived' || p.status === 'collected' || p.status === 'returned')
      return { ride: null, expectedTs: null }
    const last = p.legs.at(-1)
    if (!last) return { ride: null, expectedTs: null }
    const lastEta = this.service.etaAt(last)
    const finalTs = lastEta?.etaTs ?? last.arrivalTs
    const leg = p.legs[p.legIndex]
    if (p.status !== 'loaded' || !leg?.vehicleId) return { ride: null, expectedTs: finalTs }
    const eta = this.service.etaAt(leg)
    const pos = await this.service.busPosition(leg.vehicleId)
    const ride: RideView = {
      vehicleId: leg.vehicleId,
      position: pos ? { lng: pos.lng, lat: pos.lat, ts: iso(pos.ts) as string } : null,
      unloadAt: ref(c.points.get(leg.toStop), leg.toStop),
      scheduledTs: iso(leg.arrivalTs) as string,
      etaTs: iso(eta?.etaTs ?? null),
      stopsAway: eta?.stopsAway ?? null,
      finalEtaTs: iso(leg === last ? (eta?.etaTs ?? leg.arrivalTs) : finalTs) as string,
    }
    return { ride, expectedTs: leg === last ? (eta?.etaTs ?? leg.arrivalTs) : finalTs }
  }

  async track(number: string): Promise<TrackView> {
    const p = await this.service.get(number)
    const c = await this.#context()
    const { ride, expectedTs } = await this.#ride(p, c)
    const events = await parcelsRepo.eventsOf(this.service.db, p.id)
    return {
      number: p.number,
      status: p.status,
      from: ref(c.points.get(p.fromPoint), p.fromPoint),
      to: ref(c.points.get(p.toPoint), p.toPoint),
      recipient: maskName(p.recipient.name),
      sizeClass: p.sizeClass,
      weightKg: p.weightKg,
      acceptedTs: iso(p.acceptedTs) as string,
      arrivedTs: iso(p.arrivedTs),
      closedTs: iso(p.closedTs),
      returnDueTs: iso(returnDueTs(p)),
      expectedTs: iso(expectedTs),
      ride,
      legs: p.legs.map((l) => this.#leg(l, c)),
      events: events
        .filter((e) => e.action !== 'assign')
        .map((e) => ({
          ts: iso(e.ts) as string,
          action: e.action,
          toStatus: e.toStatus,
          place: e.place,
          placeName: e.place ? (c.points.get(e.place)?.name ?? e.place) : null,
          vehicleId: e.vehicleId,
        })),
    }
  }

  async staff(p: Parcel, now: number): Promise<StaffParcelView> {
    const t = await this.track(p.number)
    return {
      ...t,
      sender: p.sender,
      recipient: p.recipient.name,
      recipientPhone: maskPhone(p.recipient.phone),
      feeFen: p.feeFen,
      distanceM: p.distanceM,
      overdue: isOverdue(p, now),
      next: nextScans(p.status),
      createdBy: p.createdBy,
    }
  }

  /** A short line per parcel for lists (no tracker lookups). */
  async list(parcels: readonly Parcel[], now: number): Promise<ParcelLine[]> {
    const c = await this.#context()
    return parcels.map((p) => line(p, c, now))
  }

  /** The driver's parcels of one trip, per stop: load here, unload there. */
  async tripSheet(tripInstanceId: string, now: number): Promise<TripParcels> {
    const inst = await this.network.instance(tripInstanceId)
    const c = await this.#context()
    const parcels = await parcelsRepo.listParcels(this.service.db, { tripInstanceId, limit: 500 })
    const names = new Map((await this.network.snapshot()).stops.map((s) => [s.code, s.name]))
    const stops = inst.stops.map((s) => ({
      seq: s.seq,
      stopCode: s.stopCode,
      stopName: names.get(s.stopCode) ?? s.stopCode,
      postPoint: c.points.has(s.stopCode),
      load: [] as ParcelLine[],
      unload: [] as ParcelLine[],
    }))
    for (const p of parcels) {
      for (const l of p.legs) {
        if (l.tripInstanceId !== tripInstanceId) continue
        stops.find((s) => s.seq === l.fromSeq)?.load.push(line(p, c, now, l))
        stops.find((s) => s.seq === l.toSeq)?.unload.push(line(p, c, now, l))
      }
    }
    const onTrip = parcels.flatMap((p) =>
      p.legs.filter((l) => l.tripInstanceId === tripInstanceId).map((l) => ({ p, l })),
    )
    return {
      tripInstanceId,
      status: inst.status,
      counts: {
        total: onTrip.length,
        toLoad: onTrip.filter(({ l }) => l.loadedTs === null).length,
        onBoard: onTrip.filter(({ l }) => l.loadedTs !== null && l.unloadedTs === null).length,
        unloaded: onTrip.filter(({ l }) => l.unloadedTs !== null).length,
      },
      stops: stops.filter((s) => s.load.length + s.unload.length > 0),
    }
  }

  /** A keeper's phone page: due in, waiting for pickup, overdue, and what waits to be sent. */
  async keeper(point: string, now: number): Promise<KeeperView> {
    const c = await this.#context()
    const p = c.points.get(point)
    if (!p) throw new AppError('POST_POINT_NOT_FOUND', `${point} is not a post point`)
    const all = await parcelsRepo.listParcels(this.service.db, {
      point,
      status: ['accepted', 'loaded', 'at_transfer', 'arrived'],
      limit: 1000,
    })
    const through = (
      await parcelsRepo.listParcels(this.service.db, { status: ['accepted', 'loaded', 'at_transfer'], limit: 1000 })
    ).filter((x) => x.legs.some((l) => l.toStop === point || l.fromStop === point) && !all.some((a) => a.id === x.id))
    const lines = [...all, ...through].map((x) => ({ x, l: line(x, c, now) }))
    const dueHere = (x: Parcel): boolean =>
      (x.status === 'loaded' || x.status === 'accepted' || x.status === 'at_transfer') &&
      x.legs[x.legIndex]?.toStop === point &&
      x.legs[x.legIndex]?.fromStop !== point
    const sendHere = (x: Parcel): boolean =>
      (x.status === 'accepted' || x.status === 'at_transfer') && (x.legs[x.legIndex]?.fromStop ?? x.fromPoint) === point
    const byTime = (a: ParcelLine, b: ParcelLine): number =>
      (a.expectedTs ?? '').localeCompare(b.expectedTs ?? '') || a.number.localeCompare(b.number)
    return {
      today: serviceDayOf(now),
      point: { ...ref(p, point), holdDays: p.holdDays },
      dueIn: lines
        .filter(({ x }) => dueHere(x))
        .map(({ l }) => l)
        .sort(byTime),
      waiting: lines
        .filter(({ x }) => x.status === 'arrived' && x.toPoint === point && !isOverdue(x, now))
        .map(({ l }) => l),
      overdue: lines
        .filter(({ x }) => x.status === 'arrived' && x.toPoint === point && isOverdue(x, now))
        .map(({ l }) => l),
      toSend: lines
        .filter(({ x }) => sendHere(x))
        .map(({ l }) => l)
        .sort((a, b) => (a.departureTs ?? '').localeCompare(b.departureTs ?? '')),
    }
  }
}

function line(
  p: Parcel,
  c: { points: Map<string, StoredPostPoint>; routeName: (id: string) => string },
  now: number,
  leg?: ParcelLeg,
): ParcelLine {
  const l = leg ?? p.legs[p.legIndex] ?? null
  return {
    number: p.number,
    status: p.status,
    from: ref(c.points.get(p.fromPoint), p.fromPoint),
    to: ref(c.points.get(p.toPoint), p.toPoint),
    sizeClass: p.sizeClass,
    weightKg: p.weightKg,
    feeFen: p.feeFen,
    recipient: maskName(p.recipient.name),
    recipientPhone: maskPhone(p.recipient.phone),
    tripInstanceId: l?.tripInstanceId ?? null,
    routeName: l ? c.routeName(l.routeId) : null,
    vehicleId: l?.vehicleId ?? null,
    legFrom: l?.fromStop ?? null,
    legTo: l?.toStop ?? null,
    departureTs: iso(l?.departureTs ?? null),
    expectedTs: iso(l?.arrivalTs ?? null),
    acceptedTs: iso(p.acceptedTs) as string,
    arrivedTs: iso(p.arrivedTs),
    returnDueTs: iso(returnDueTs(p)),
    overdue: isOverdue(p, now),
    next: nextScans(p.status),
  }
}
