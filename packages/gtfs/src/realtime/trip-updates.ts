/**
 * TripUpdates: for every trip instance a bus is running, the predicted arrival at each stop still
 * ahead (the engine's ETAs) with its delay, and the trip's current delay; for every cancelled
 * instance not yet over, a CANCELED update. A trip whose bus's last fix is older than the ETA
 * grace (the rule the villager page and the arrivals API follow: `engine.freshness`), that has
 * reached its last stop, or is not yet on its route gets no update: consumers fall back to the
 * timetable.
 */
import { endTs, type TrackingEngine } from '@rb/domain'
import { rt, type FeedMessage, type transit_realtime } from './bindings.js'
import { feedHeader, seconds, tripDescriptor, vehicleDescriptor, type FeedContext } from './context.js'

type StopTimeUpdate = transit_realtime.TripUpdate.IStopTimeUpdate

export function tripUpdatesFeed(engine: TrackingEngine, ctx: FeedContext): FeedMessage {
  const cancelled = (ctx.instances ?? engine.instances()).filter((i) => i.status === 'cancelled')
  const skip = new Set(cancelled.map((i) => i.id))
  const entity: transit_realtime.IFeedEntity[] = []
  for (const vehicleId of [...engine.vehicleIds()].sort()) {
    const u = runningTripUpdate(engine, vehicleId, ctx)
    if (!u || skip.has(u.instanceId)) continue
    skip.add(u.instanceId)
    entity.push({ id: u.instanceId, tripUpdate: u.tripUpdate })
  }
  for (const inst of [...cancelled].sort((a, b) => a.departureTs - b.departureTs || a.id.localeCompare(b.id))) {
    if (endTs(inst) < ctx.now) continue
    entity.push({
      id: inst.id,
      tripUpdate: { trip: tripDescriptor(inst, rt.TripDescriptor.ScheduleRelationship.CANCELED) },
    })
  }
  return { header: feedHeader(ctx.now), entity }
}

/** The update of the trip a vehicle runs, or null when there is nothing to predict. */
export function runningTripUpdate(
  engine: TrackingEngine,
  vehicleId: string,
  ctx: FeedContext,
): { instanceId: string; tripUpdate: transit_realtime.ITripUpdate } | null {
  const state = engine.state(vehicleId)
  const run = engine.runOf(vehicleId)
  const st = engine.trackerState(vehicleId)
  if (!state || !run || run.lastStopTs !== null || !st || st.lastTs === null) return null
  // One rule with the arrivals at a stop: past the grace of its last fix, no prediction stands.
  if (engine.freshness(vehicleId, ctx.now).freshness !== 'live') return null
  const etas = engine.etas(vehicleId, ctx.now)
  if (etas.length === 0) return null
  const inst = run.instance
  const updates: StopTimeUpdate[] = []
  const first = inst.stops[0]
  const here = st.visits.at(-1)
  if (first && st.nextStopSeq === first.seq) {
    // At (or on the way to) the first stop: it leaves when the ETAs assume (its time, or later as its route and driver usually do).
    const leaveTs = engine.expectedStartTs(vehicleId, ctx.now) ?? Math.max(inst.departureTs, ctx.now)
    updates.push({ stopSequence: first.seq, stopId: first.stopCode, departure: stopTime(leaveTs, inst.departureTs) })
  } else if (here && here.seq === st.nextStopSeq && here.departureTs === null) {
    // Standing at a stop: its arrival has happened; the stops after it are predicted.
    updates.push({ stopSequence: here.seq, stopId: here.stopCode, arrival: stopTime(here.arrivalTs, here.scheduledTs) })
  }
  for (const e of etas)
    updates.push({ stopSequence: e.seq, stopId: e.stopCode, arrival: stopTime(e.etaTs, e.scheduledTs) })
  const published = updates.filter((u) => ctx.network.stops.has(u.stopId ?? ''))
  if (published.length === 0) return null
  return {
    instanceId: inst.id,
    tripUpdate: {
      trip: tripDescriptor(inst),
      vehicle: vehicleDescriptor(vehicleId, ctx.network, engine.driverOf(vehicleId)),
      stopTimeUpdate: published,
      timestamp: seconds(st.lastTs),
      ...(state.delayS !== null ? { delay: state.delayS } : {}),
    },
  }
}

/** An absolute time and its delay against the timetable (positive = late), seconds. */
function stopTime(ts: number, scheduledTs: number): transit_realtime.TripUpdate.IStopTimeEvent {
  return { time: seconds(ts), delay: seconds(ts) - seconds(scheduledTs) }
}
