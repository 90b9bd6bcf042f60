/**
 * The per-vehicle tracking core: a vehicle matched to a trip instance, fed its fixes in timestamp
 * order, turns them into progress along the route, stop arrivals and departures, and a delay.
 * Pure: no I/O, no clock; every instant comes from the fixes.
 */
import { cumulativeDistancesM, distanceM, projectOnLine } from '@rb/geo'
import type { InstanceStop, TripInstance } from '../network/timetable.js'
import { scheduledTsAt } from './schedule.js'
import { judgeService, type ServiceJudgement } from './service.js'
import {
  DEFAULT_TRACKER_CONFIG,
  type LngLat,
  type StopVisit,
  type StopVisitEvent,
  type TrackerConfig,
  type TrackerEvent,
  type TrackerFix,
  type TrackerState,
} from './types.js'

export interface VehicleTrackerInput {
  instance: TripInstance
  /** Route geometry in the trip's direction of travel (see `tripGeometry`). */
  coords: LngLat[]
  config?: Partial<TrackerConfig>
}

export interface VehicleTracker {
  /** Feeds one fix (in timestamp order); returns what it caused, in time order. */
  update(fix: TrackerFix): TrackerEvent[]
  /** A copy of the current state. */
  state(): TrackerState
  /** The current state itself, read-only and without a copy (changes with the next update). */
  view(): Readonly<TrackerState>
}

export function createVehicleTracker(input: VehicleTrackerInput): VehicleTracker {
  const cfg: TrackerConfig = { ...DEFAULT_TRACKER_CONFIG, ...input.config }
  const coords = input.coords
  if (coords.length < 2) throw new Error('the trip geometry needs at least two points')
  const cumM = cumulativeDistancesM(coords)
  const stops: InstanceStop[] = [...input.instance.stops].sort((a, b) => a.seq - b.seq)
  if (stops.length === 0) throw new Error('a trip instance needs at least one stop')

  const s: TrackerState = {
    progressM: null,
    lastTs: null,
    lastFix: null,
    offsetM: null,
    offRoute: false,
    nextStopSeq: stops[0]?.seq ?? null,
    delayS: null,
    visits: [],
    counters: { accepted: 0, stale: 0, jumps: 0, offRoute: 0, skippedStops: 0 },
  }
  let nextIdx = 0
  /** The bus has arrived at stops[nextIdx] and not yet left its zone. */
  let inZone = false
  /** Time of the last fix that moved (or held) progress, epoch ms, and its speed, km/h. */
  let progressTs: number | null = null
  let progressKmh: number | null = null
  /** The pass through the current stop zone: entry (interpolated), speeds of the fixes in it, the fix before it. */
  let zoneEntryTs = 0
  let zoneKmh: number[] = []
  let zoneBefore: { ts: number; kmh: number | null } = { ts: 0, kmh: null }
  let lastDelayEventS = 0
  /** Consecutive rejected fixes consistent with each other, and the last of them. */
  let jumpRun = 0
  let jumpRunEnd: TrackerFix | null = null

  /** Snaps within a window around the progress so a road used twice cannot make progress jump. */
  function snap(p: LngLat, ts: number) {
    if (s.progressM === null || progressTs === null) {
      // First fix: prefer the start of the trip (a depot next to the last stop of a loop).
      const near = projectOnLine(coords, cumM, p, 0, cfg.searchAheadMinM)
      if (near && near.offsetM <= cfg.offRouteM) return near
      return projectOnLine(coords, cumM, p)
    }
    const travelableM = (cfg.maxSpeedKmh / 3.6) * ((ts - progressTs) / 1000) + cfg.searchMarginM
    const ahead = projectOnLine(coords, cumM, p, s.progressM, s.progressM + Math.max(cfg.searchAheadMinM, travelableM))
    const behind = projectOnLine(coords, cumM, p, Math.max(0, s.progressM - cfg.searchBackM), s.progressM)
    // Where a road is used both ways (a turnaround), both legs are equally near: take the leg ahead.
    if (ahead && (!behind || ahead.offsetM <= behind.offsetM + cfg.snapAheadBiasM)) return ahead
    return behind
  }

  function visitEvent(
    type: 'arrival' | 'departure',
    stop: InstanceStop,
    ts: number,
    judged: ServiceJudgement | null,
  ): StopVisitEvent {
    const at = Math.round(ts)
    return {
      type,
      stopCode: stop.stopCode,
      seq: stop.seq,
      ts: at,
      scheduledTs: stop.arrivalTs,
      delayS: Math.round((at - stop.arrivalTs) / 1000),
      passedWithoutStopping: judged ? !judged.served : false,
      serviceConfidence: judged?.confidence ?? null,
    }
  }

  function arrive(stop: InstanceStop, ts: number, judged: ServiceJudgement | null): StopVisitEvent {
    const ev = visitEvent('arrival', stop, ts, judged)
    s.visits.push({
      seq: stop.seq,
      stopCode: stop.stopCode,
      scheduledTs: stop.arrivalTs,
      arrivalTs: ev.ts,
      departureTs: null,
      passedWithoutStopping: ev.passedWithoutStopping,
      serviceConfidence: ev.serviceConfidence,
    })
    return ev
  }

  function depart(stop: InstanceStop, ts: number, judged: ServiceJudgement): StopVisitEvent {
    const ev = visitEvent('departure', stop, ts, judged)
    const visit = s.visits.at(-1) as StopVisit
    visit.departureTs = ev.ts
    visit.passedWithoutStopping = ev.passedWithoutStopping
    visit.serviceConfidence = ev.serviceConfidence
    nextIdx++
    inZone = false
    return ev
  }

  /** Served or passed: the trip's first stop is where it starts (served); the others by speeds and time in the zone. */
  function judge(idx: number, entryTs: number, exitTs: number, afterKmh: number, afterTs: number): ServiceJudgement {
    if (idx === 0) return { served: true, confidence: 1 }
    return judgeService(
      {
        entryTs,
        exitTs,
        zoneM: 2 * cfg.stopZoneM,
        inZoneKmh: zoneKmh,
        beforeKmh: zoneBefore.kmh,
        afterKmh,
        gapS: (afterTs - zoneBefore.ts) / 1000,
      },
      { stopSpeedKmh: cfg.stopSpeedKmh, minDwellS: cfg.minDwellS },
    )
  }

  /** Time at which progress, moving linearly from (fromM, fromTs) to (toM, toTs), crosses atM. */
  function crossingTs(fromM: number, fromTs: number, toM: number, toTs: number, atM: number): number {
    if (toM <= fromM) return toTs
    const f = Math.min(1, Math.max(0, (atM - fromM) / (toM - fromM)))
    return fromTs + f * (toTs - fromTs)
  }

  /** Stop visits caused by moving from (fromM, fromTs) to (toM, toTs) with the given lateral offset, at `kmh` reported. */
  function visits(
    fromM: number,
    fromTs: number,
    toM: number,
    toTs: number,
    offsetM: number,
    kmh: number,
  ): StopVisitEvent[] {
    const out: StopVisitEvent[] = []
    for (;;) {
      const stop = stops[nextIdx]
      if (!stop) break
      const loM = stop.distM - cfg.stopZoneM
      const hiM = stop.distM + cfg.stopZoneM
      if (inZone) {
        if (toM <= hiM) {
          zoneKmh.push(kmh)
          break
        }
        // Departure on the zone's far boundary, interpolated between the last fix and this one.
        const exitTs = crossingTs(fromM, fromTs, toM, toTs, hiM)
        out.push(depart(stop, exitTs, judge(nextIdx, zoneEntryTs, exitTs, kmh, toTs)))
        continue
      }
      if (toM >= loM && toM <= hiM) {
        if (offsetM > cfg.stopZoneLateralM) break
        zoneEntryTs = fromM < loM ? crossingTs(fromM, fromTs, toM, toTs, loM) : toTs
        zoneKmh = [kmh]
        zoneBefore = { ts: fromTs, kmh: fromM < loM ? progressKmh : null }
        out.push(arrive(stop, toTs, null))
        inZone = true
        break
      }
      if (toM > hiM) {
        // Crossed the whole zone between two fixes: one interpolated instant for both events.
        const ts = crossingTs(fromM, fromTs, toM, toTs, stop.distM)
        zoneKmh = []
        zoneBefore = { ts: fromTs, kmh: progressKmh }
        const judged = judge(
          nextIdx,
          crossingTs(fromM, fromTs, toM, toTs, Math.max(fromM, loM)),
          crossingTs(fromM, fromTs, toM, toTs, hiM),
          kmh,
          toTs,
        )
        out.push(arrive(stop, ts, judged), depart(stop, ts, judged))
        continue
      }
      break
    }
    return out
  }

  function delayAt(progressM: number, ts: number): number {
    const first = stops[0] as InstanceStop
    const raw = (ts - scheduledTsAt(stops, progressM)) / 1000
    // A bus waiting at the first stop before its departure time is not early, just waiting.
    const notYetDeparted = nextIdx === 0 && progressM <= first.distM + cfg.stopZoneM
    return Math.round(notYetDeparted ? Math.max(0, raw) : raw)
  }

  function update(fix: TrackerFix): TrackerEvent[] {
    if (s.lastTs !== null && fix.ts <= s.lastTs) {
      s.counters.stale++
      return []
    }
    const p: LngLat = [fix.lng, fix.lat]
    if (s.lastFix && impliedSpeedKmh(s.lastFix, fix) > cfg.maxSpeedKmh) {
      // Fixes that agree with each other but not with the reference: the reference was the glitch.
      jumpRun = jumpRunEnd && impliedSpeedKmh(jumpRunEnd, fix) <= cfg.maxSpeedKmh ? jumpRun + 1 : 1
      jumpRunEnd = fix
      if (jumpRun < cfg.jumpResetFixes) {
        s.counters.jumps++
        return []
      }
    }
    jumpRun = 0
    jumpRunEnd = null
    s.counters.accepted++
    s.lastTs = fix.ts
    s.lastFix = { ts: fix.ts, lng: fix.lng, lat: fix.lat, speedKmh: fix.speedKmh }

    const proj = snap(p, fix.ts)
    s.offsetM = proj ? Math.round(proj.offsetM * 10) / 10 : null
    s.offRoute = !proj || proj.offsetM > cfg.offRouteM
    if (!proj || s.offRoute) {
      s.counters.offRoute++
      return []
    }

    const events: TrackerEvent[] = []
    if (s.progressM === null || progressTs === null) {
      s.progressM = proj.alongM
      progressTs = fix.ts
      // Stops already behind the bus when tracking starts are not visits we saw.
      while (nextIdx < stops.length && (stops[nextIdx] as InstanceStop).distM + cfg.stopZoneM < proj.alongM) {
        nextIdx++
        s.counters.skippedStops++
      }
    }
    const fromM = s.progressM
    const fromTs = progressTs
    // Never backwards: jitter around a standing bus must not undo progress or re-enter a zone.
    const toM = Math.max(fromM, proj.alongM)
    events.push(...visits(fromM, fromTs, toM, fix.ts, proj.offsetM, fix.speedKmh))
    s.progressM = toM
    progressTs = fix.ts
    progressKmh = fix.speedKmh
    s.nextStopSeq = stops[nextIdx]?.seq ?? null
    if (s.nextStopSeq !== null && nextIdx === stops.length - 1 && inZone) s.nextStopSeq = null

    s.delayS = delayAt(toM, fix.ts)
    if (Math.abs(s.delayS - lastDelayEventS) >= cfg.delayEventStepS) {
      lastDelayEventS = s.delayS
      events.push({ type: 'delay', ts: fix.ts, delayS: s.delayS })
    }
    return events
  }

  return {
    update,
    state: () => structuredClone(s),
    view: () => s,
  }
}

function impliedSpeedKmh(a: TrackerFix, b: TrackerFix): number {
  const dtS = (b.ts - a.ts) / 1000
  return (distanceM([a.lng, a.lat], [b.lng, b.lat]) / dtS) * 3.6
}
