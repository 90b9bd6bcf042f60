/**
 * What the runs of a service day achieved, rebuilt from the stored vehicle events (trip_start,
 * departure, arrival, trip_end). A restart restores finished runs from here, so a trip completed
 * this morning stays completed and is not called missed; runs still going are rebuilt by replaying
 * recent positions instead. Pure.
 */
import type { InstanceProgress } from './engine.js'
import type { EngineEvent, EngineInstance } from './engine-types.js'
import type { TripMatchKind } from './views.js'

export type RestoredOutcome = InstanceProgress & { instanceId: string }

export function finishedOutcomes(
  events: readonly EngineEvent[],
  instances: readonly Pick<EngineInstance, 'id' | 'stops'>[],
): RestoredOutcome[] {
  const byId = new Map(instances.map((i) => [i.id, i]))
  const current = new Map<string, RestoredOutcome>()
  const done = new Map<string, RestoredOutcome>()
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const id = e.tripInstanceId
    const inst = id ? byId.get(id) : undefined
    if (!id || !inst) continue
    const run = current.get(id)
    if (e.type === 'trip_start') {
      current.set(id, {
        instanceId: id,
        vehicleId: e.vehicleId,
        match: (e.data.match === 'assigned' ? 'assigned' : 'inferred') as TripMatchKind,
        departedTs: null,
        completedTs: null,
        endedTs: null,
        endReason: null,
        delayS: null,
        nextStopSeq: null,
        joinedMidRoute: false,
      })
      continue
    }
    if (!run || run.vehicleId !== e.vehicleId) continue
    const seq = typeof e.data.seq === 'number' ? e.data.seq : null
    if (e.type === 'departure' && seq === inst.stops[0]?.seq && run.departedTs === null) run.departedTs = e.ts
    if ((e.type === 'arrival' || e.type === 'departure') && typeof e.data.delayS === 'number')
      run.delayS = e.data.delayS
    if (e.type === 'arrival' && seq === inst.stops.at(-1)?.seq) run.completedTs = e.ts
    if (e.type === 'trip_end') {
      current.delete(id)
      // A dropped bad match never ran the trip.
      if (e.data.reason === 'bad_match') continue
      if (run.completedTs === null) run.endedTs = e.ts
      run.endReason =
        run.completedTs === null ? ((e.data.reason as RestoredOutcome['endReason']) ?? 'abandoned') : 'completed'
      if (run.departedTs === null) run.departedTs = run.completedTs ?? e.ts
      done.set(id, run)
    }
  }
  return [...done.values()]
}
