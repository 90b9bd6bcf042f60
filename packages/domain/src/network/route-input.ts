/** Turning what an operator submits for a route into a stored route: distances computed, stops checked. */
import { locateStops } from '@rb/geo'
import { AppError } from '../errors.js'
import type { Route, Stop } from './types.js'

/** A route as submitted: stops as codes in the order of travel; distances and length are computed. */
export type RouteInput = Omit<Route, 'stops' | 'lengthM'> & { stopCodes: string[] }

/**
 * Computes each stop's distance along the geometry. Throws VALIDATION_FAILED naming the first
 * stop that is unknown, removed, or farther than `toleranceM` from the line.
 */
export function prepareRoute(input: RouteInput, stopsByCode: ReadonlyMap<string, Stop>, toleranceM: number): Route {
  if (input.geometry.length < 2) throw new AppError('VALIDATION_FAILED', 'a route geometry needs at least two points')
  for (const [lng, lat] of input.geometry) {
    if (!(Math.abs(lat) <= 90 && Math.abs(lng) <= 180))
      throw new AppError('VALIDATION_FAILED', `geometry point [${lng}, ${lat}] is not a WGS-84 coordinate`)
  }
  if (input.stopCodes.length < 2) throw new AppError('VALIDATION_FAILED', 'a route needs at least two stops')
  const stops = input.stopCodes.map((code) => {
    const stop = stopsByCode.get(code)
    if (!stop) throw new AppError('STOP_NOT_FOUND', `stop ${code} does not exist`, { stop: code })
    if (stop.status === 'removed')
      throw new AppError('VALIDATION_FAILED', `stop ${code} has been removed`, { stop: code })
    return { code, point: stop.point }
  })
  const located = locateStops(input.geometry, stops, toleranceM)
  if (!located.ok)
    throw new AppError('VALIDATION_FAILED', located.message, {
      stop: located.code,
      offsetM: located.offsetM,
      toleranceM,
    })
  return {
    id: input.id,
    name: input.name,
    nameEn: input.nameEn,
    kind: input.kind,
    operatorId: input.operatorId,
    geometry: input.geometry,
    lengthM: located.lengthM,
    stops: input.stopCodes.map((stopCode, i) => ({ seq: i + 1, stopCode, distM: located.distancesM[i] as number })),
    color: input.color,
    speedLimitKmh: input.speedLimitKmh,
    active: input.active,
  }
}
