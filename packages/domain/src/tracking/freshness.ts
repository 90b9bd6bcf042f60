/**
 * How fresh a bus's position is, one rule for every prediction shown: the villager page, the
 * console, GTFS-Realtime and anything that tells a rider when the bus comes. Within the grace of
 * its last fix a bus is `live` and its ETAs stand; past it the bus is `stale`: no live ETA, the
 * timetable with the age of the last fix instead ("no live position — timetable 08:15, last
 * position 3 min ago"); silent for longer a trip it runs is `lost` to the dispatcher. Pure.
 */

export type Freshness = 'live' | 'stale' | 'lost'

export interface FreshnessRules {
  /** An ETA stands this long after the bus's last fix; past it the timetable is shown, seconds. */
  etaGraceS: number
  /** Silent this long on a trip, the trip is lost (the trip board says so), seconds. */
  lostAfterS: number
}

/** What a prediction carries about its bus. */
export interface BusFreshness {
  /** Newest fix of the bus, epoch ms; null when none was ever received. */
  lastFixTs: number | null
  /** The bus's link (MQTT last will, device status, silence past the offline threshold). */
  online: boolean
  freshness: Freshness
}

export function freshnessOf(lastFixTs: number | null, now: number, rules: FreshnessRules): Freshness {
  if (lastFixTs === null) return 'lost'
  const ageS = (now - lastFixTs) / 1000
  if (ageS <= rules.etaGraceS) return 'live'
  return ageS >= rules.lostAfterS ? 'lost' : 'stale'
}

/** Whole minutes since the last fix, as "last position 3 min ago" shows it (0 under a minute). */
export function fixAgeMin(lastFixTs: number, now: number): number {
  return Math.max(0, Math.floor((now - lastFixTs) / 60_000))
}
