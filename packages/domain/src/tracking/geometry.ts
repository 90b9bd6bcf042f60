/** Route geometry in a trip's direction of travel. */
import { cumulativeDistancesM } from '@rb/geo'
import type { LngLat, Route } from '../network/types.js'

export interface TripGeometry {
  /** LineString in the direction of travel. */
  coords: LngLat[]
  /** Cumulative distance at each vertex, metres (first is 0). */
  cumM: number[]
  lengthM: number
}

/** Direction 0 runs the route's geometry as drawn, direction 1 reversed (as `tripPattern`). */
export function tripGeometry(route: Pick<Route, 'geometry'>, direction: 0 | 1): TripGeometry {
  const coords =
    direction === 0
      ? route.geometry.map((c): LngLat => [c[0], c[1]])
      : [...route.geometry].reverse().map((c): LngLat => [c[0], c[1]])
  const cumM = cumulativeDistancesM(coords)
  return { coords, cumM, lengthM: cumM.at(-1) ?? 0 }
}
