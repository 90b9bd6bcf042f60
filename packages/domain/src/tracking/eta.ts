/**
 * ETA to the stops ahead of a tracked bus. The bus is walked forward from where it is: each leg
 * takes the observed mean travel time of that leg (history, when there is enough of it) or the
 * timetable's, each stop its observed or default dwell, and the bus does not leave a stop before
 * its scheduled time (leaving early is against the rules and raises an alert). The current delay
 * is therefore carried forward, and absorbed where the timetable has slack. Pure.
 */
import type { InstanceStop, TripInstance } from '../network/timetable.js'
import type { TrackerState } from './types.js'

/** Observed means of one leg (from a stop to the next), from stored stop visits. */
export interface SegmentStat {
  /** Mean travel time from leaving stop `fromSeq` to arriving at the next, seconds. */
  travelS: number
  /** Mean dwell at the stop `fromSeq`, seconds (null when not observed). */
  dwellS: number | null
  /** Observations behind the means. */
  n: number
}

export type SegmentStats = (routeId: string, direction: 0 | 1, fromSeq: number) => SegmentStat | undefined

export const noSegmentStats: SegmentStats = () => undefined

export interface EtaInput {
  instance: Pick<TripInstance, 'routeId' | 'direction' | 'departureTs' | 'stops'>
  state: Pick<TrackerState, 'progressM' | 'lastTs' | 'visits' | 'nextStopSeq'>
  stats: SegmentStats
  /** Observations needed before history replaces the timetable. */
  minObservations?: number
  defaultDwellS: number
  holdAtStops: boolean
}

export interface StopEta {
  seq: number
  stopCode: string
  scheduledTs: number
  /** Predicted arrival, epoch ms. */
  etaTs: number
}

/** Predicted arrivals at every stop the bus has not reached yet, in order. */
export function predictArrivals(input: EtaInput): StopEta[] {
  const { instance, state, stats, defaultDwellS, holdAtStops } = input
  const minN = input.minObservations ?? 3
  const stops = [...instance.stops].sort((a, b) => a.seq - b.seq)
  if (state.progressM === null || state.lastTs === null || stops.length === 0) return []
  const now = state.lastTs
  const stat = (fromIdx: number): SegmentStat | undefined => {
    const s = stats(instance.routeId, instance.direction, (stops[fromIdx] as InstanceStop).seq)
    return s && s.n >= minN ? s : undefined
  }
  /** Travel time of the leg from stops[i] to stops[i+1], seconds. */
  const legS = (i: number): number => {
    const observed = stat(i)?.travelS
    if (observed !== undefined) return observed
    const a = stops[i] as InstanceStop
    const b = stops[i + 1] as InstanceStop
    // The timetable's leg includes the dwell at the stop it leaves (none at the first).
    return Math.max(0, (b.arrivalTs - a.arrivalTs) / 1000 - (i === 0 ? 0 : dwellS(i)))
  }
  const dwellS = (i: number): number => stat(i)?.dwellS ?? defaultDwellS
  const leave = (i: number, arrivalTs: number): number => {
    const stop = stops[i] as InstanceStop
    const t = arrivalTs + (i === 0 ? 0 : dwellS(i) * 1000)
    return holdAtStops ? Math.max(t, i === 0 ? instance.departureTs : stop.arrivalTs) : t
  }

  const nextIdx = state.nextStopSeq === null ? -1 : stops.findIndex((x) => x.seq === state.nextStopSeq)
  if (nextIdx < 0) return []
  const last = state.visits.at(-1)
  const dwelling = last !== undefined && last.departureTs === null && last.seq === state.nextStopSeq

  const out: StopEta[] = []
  const push = (i: number, arrivalTs: number): number => {
    const stop = stops[i] as InstanceStop
    const etaTs = Math.round(Math.max(arrivalTs, now))
    out.push({ seq: stop.seq, stopCode: stop.stopCode, scheduledTs: stop.arrivalTs, etaTs })
    return etaTs
  }
  let i: number
  let leaveTs: number
  if (nextIdx === 0) {
    // At (or on the way to) the first stop: it leaves at its departure time, or now if that has passed.
    i = 0
    leaveTs = Math.max(now, instance.departureTs)
  } else if (dwelling) {
    i = nextIdx
    const elapsedS = (now - last.arrivalTs) / 1000
    leaveTs = now + Math.max(0, dwellS(i) - elapsedS) * 1000
    if (holdAtStops) leaveTs = Math.max(leaveTs, (stops[i] as InstanceStop).arrivalTs)
  } else {
    // Between two stops: the part of the leg still ahead at the leg's pace.
    const a = stops[nextIdx - 1] as InstanceStop
    const b = stops[nextIdx] as InstanceStop
    const span = b.distM - a.distM
    const left = span <= 0 ? 0 : Math.min(1, Math.max(0, (b.distM - state.progressM) / span))
    const arrival = push(nextIdx, now + left * legS(nextIdx - 1) * 1000)
    i = nextIdx
    leaveTs = leave(i, arrival)
  }
  for (; i + 1 < stops.length; i++) leaveTs = leave(i + 1, push(i + 1, leaveTs + legS(i) * 1000))
  return out
}
