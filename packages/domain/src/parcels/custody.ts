/**
 * Custody, scan by scan: which hand-over may come next, who may make it and where, and what it
 * changes. A scan out of order, twice, at the wrong post point, by someone who does not hold
 * the parcel or with a wrong pickup code is refused with the reason (`details.reason`, stable
 * for pages to translate). Nothing here reads a clock.
 */
import { AppError } from '../errors.js'
import { phoneLast4 } from './numbers.js'
import type { Custodian, Parcel, ParcelLeg, ParcelStatus, ScanAction } from './types.js'

const DAY_MS = 86_400_000

/** What a scan carries besides the parcel number. */
export interface Scan {
  action: ScanAction
  /** Collection: the code from the recipient's SMS and the last four digits of their phone. */
  pickupCode?: string | undefined
  phoneLast4?: string | undefined
  /** Loading: the bus, when the trip has none assigned (or a dispatcher names another). */
  vehicleId?: string | undefined
}

/** The trip instance of the leg a load or unload scan is about, as the server knows it now. */
export interface LegTrip {
  status: 'scheduled' | 'cancelled'
  vehicleId: string | null
  /** Drivers who may scan for this trip: the assigned one and whoever is at the bus's wheel. */
  driverCodes: readonly string[]
}

export interface ScanContext {
  now: number
  by: Custodian
  trip: LegTrip | null
}

/** What a scan does: the new status and leg, and where and on which bus it happened. */
export interface CustodyStep {
  action: ScanAction
  fromStatus: ParcelStatus
  toStatus: ParcelStatus
  legIndex: number
  /** The leg the scan touched, as it is after the scan. */
  leg: ParcelLeg | null
  place: string | null
  vehicleId: string | null
  tripInstanceId: string | null
  arrivedTs: number | null
  closedTs: number | null
}

type Reason =
  | 'twice'
  | 'out_of_order'
  | 'wrong_place'
  | 'not_yours'
  | 'trip_cancelled'
  | 'no_vehicle'
  | 'wrong_code'
  | 'not_overdue'

function refuse(
  code:
    | 'PARCEL_SCANNED_TWICE'
    | 'PARCEL_OUT_OF_ORDER'
    | 'PARCEL_WRONG_PLACE'
    | 'FORBIDDEN'
    | 'TRIP_CANCELLED'
    | 'VALIDATION_FAILED'
    | 'PICKUP_CODE_WRONG'
    | 'PARCEL_NOT_OVERDUE',
  reason: Reason,
  message: string,
  p: Parcel,
  extra: Record<string, unknown> = {},
): never {
  throw new AppError(code, message, { reason, number: p.number, status: p.status, ...extra })
}

/** Statuses a scan may start from, and (for "twice") the status it leaves behind. */
const FROM: Record<ScanAction, readonly ParcelStatus[]> = {
  load: ['accepted', 'at_transfer'],
  unload: ['loaded'],
  collect: ['arrived'],
  return: ['arrived'],
}
const AFTER: Record<ScanAction, readonly ParcelStatus[]> = {
  load: ['loaded'],
  unload: ['at_transfer', 'arrived'],
  collect: ['collected'],
  return: ['returned'],
}

/** The scans that may come next for a parcel in `status` (pages show these buttons). */
export function nextScans(status: ParcelStatus): ScanAction[] {
  return (Object.keys(FROM) as ScanAction[]).filter((a) => FROM[a].includes(status))
}

/** When an arrived parcel may be returned to its sender. */
export const returnDueTs = (p: Pick<Parcel, 'arrivedTs' | 'holdDays'>): number | null =>
  p.arrivedTs === null ? null : p.arrivedTs + p.holdDays * DAY_MS

/** Arrived and not collected within its post point's hold days. */
export const isOverdue = (p: Pick<Parcel, 'status' | 'arrivedTs' | 'holdDays'>, now: number): boolean =>
  p.status === 'arrived' && (returnDueTs(p) ?? Infinity) <= now

/** The leg a load or unload scan is about: the current one. */
const currentLeg = (p: Parcel): ParcelLeg | null => p.legs[p.legIndex] ?? null

function checkPlace(p: Parcel, by: Custodian, place: string, what: string): void {
  if (by.kind === 'keeper' && by.postPoint !== place) {
    refuse(
      'PARCEL_WRONG_PLACE',
      'wrong_place',
      `${p.number} is ${what} at ${place}, not at your post point ${by.postPoint}`,
      p,
      { expectedPlace: place },
    )
  }
}

function checkDriver(p: Parcel, by: Custodian, trip: LegTrip, leg: ParcelLeg): void {
  if (by.kind !== 'driver') return
  if (!by.driverCode || !trip.driverCodes.includes(by.driverCode)) {
    refuse('FORBIDDEN', 'not_yours', `${p.number} rides trip ${leg.tripInstanceId}, which you do not drive`, p, {
      tripInstanceId: leg.tripInstanceId,
    })
  }
}

/**
 * The step `scan` makes on parcel `p`, or the refusal. The parcel itself is not changed: the
 * caller stores the step (status, leg, custody event) in one transaction.
 */
export function applyScan(p: Parcel, scan: Scan, ctx: ScanContext): CustodyStep {
  const { by, now } = ctx
  if (!FROM[scan.action].includes(p.status)) {
    if (AFTER[scan.action].includes(p.status))
      refuse(
        'PARCEL_SCANNED_TWICE',
        'twice',
        `${p.number} was scanned for ${scan.action} already: it is ${p.status}`,
        p,
      )
    refuse(
      'PARCEL_OUT_OF_ORDER',
      'out_of_order',
      `${p.number} is ${p.status}: it cannot be ${scan.action === 'load' ? 'loaded' : scan.action === 'unload' ? 'unloaded' : scan.action === 'collect' ? 'collected' : 'returned'} now${nextScans(p.status).length > 0 ? ` (next: ${nextScans(p.status).join(' or ')})` : ''}`,
      p,
      { next: nextScans(p.status) },
    )
  }
  const base = { action: scan.action, fromStatus: p.status, arrivedTs: p.arrivedTs, closedTs: null }

  if (scan.action === 'load' || scan.action === 'unload') {
    const leg = currentLeg(p)
    if (!leg || !ctx.trip)
      refuse('PARCEL_OUT_OF_ORDER', 'out_of_order', `${p.number} has no trip to ride yet; assign it to one first`, p)
    if (by.kind === 'keeper' && scan.action === 'load' && by.postPoint !== leg.fromStop && by.postPoint === p.toPoint) {
      refuse(
        'PARCEL_WRONG_PLACE',
        'wrong_place',
        `${p.number} is still on its way to you; it is loaded at ${leg.fromStop}`,
        p,
        { expectedPlace: leg.fromStop },
      )
    }
    checkDriver(p, by, ctx.trip, leg)
    if (scan.action === 'load') {
      checkPlace(p, by, leg.fromStop, 'loaded')
      if (ctx.trip.status === 'cancelled')
        refuse(
          'TRIP_CANCELLED',
          'trip_cancelled',
          `trip ${leg.tripInstanceId} is cancelled; ${p.number} waits for the trip it is moved to`,
          p,
          { tripInstanceId: leg.tripInstanceId },
        )
      const vehicleId = scan.vehicleId ?? ctx.trip.vehicleId
      if (!vehicleId)
        refuse(
          'VALIDATION_FAILED',
          'no_vehicle',
          `trip ${leg.tripInstanceId} has no bus assigned; say which bus (vehicleId)`,
          p,
          { field: 'vehicleId' },
        )
      const after = { ...leg, vehicleId, loadedTs: now }
      return {
        ...base,
        toStatus: 'loaded',
        legIndex: p.legIndex,
        leg: after,
        place: leg.fromStop,
        vehicleId,
        tripInstanceId: leg.tripInstanceId,
      }
    }
    checkPlace(p, by, leg.toStop, 'unloaded')
    const last = p.legIndex === p.legs.length - 1
    const after = { ...leg, unloadedTs: now }
    return {
      ...base,
      toStatus: last ? 'arrived' : 'at_transfer',
      legIndex: p.legIndex + 1,
      leg: after,
      place: leg.toStop,
      vehicleId: leg.vehicleId,
      tripInstanceId: leg.tripInstanceId,
      arrivedTs: last ? now : null,
    }
  }

  if (by.kind === 'driver')
    refuse('FORBIDDEN', 'not_yours', `a parcel is handed out at its post point ${p.toPoint}, not from the bus`, p)
  checkPlace(p, by, p.toPoint, scan.action === 'collect' ? 'collected' : 'returned')
  const common = {
    ...base,
    legIndex: p.legIndex,
    leg: null,
    place: p.toPoint,
    vehicleId: null,
    tripInstanceId: null,
    closedTs: now,
  }
  if (scan.action === 'collect') {
    const code = (scan.pickupCode ?? '').replace(/\s/g, '')
    const last4 = (scan.phoneLast4 ?? '').replace(/\s/g, '')
    if (code !== p.pickupCode || last4 !== phoneLast4(p.recipient.phone)) {
      refuse(
        'PICKUP_CODE_WRONG',
        'wrong_code',
        `the pickup code or the last four digits of the recipient's phone do not match ${p.number}`,
        p,
      )
    }
    return { ...common, toStatus: 'collected' }
  }
  const due = returnDueTs(p) ?? Infinity
  if (now < due)
    refuse(
      'PARCEL_NOT_OVERDUE',
      'not_overdue',
      `${p.number} may be returned from ${new Date(due).toISOString()} (${p.holdDays} days after it arrived)`,
      p,
      { returnDueTs: due },
    )
  return { ...common, toStatus: 'returned' }
}
