import { describe, expect, it } from 'vitest'
import { finishedOutcomes } from './outcomes.js'
import type { EngineEvent } from './engine-types.js'
import { T0, makeInstance } from './test-factories.js'

const { instance } = makeInstance()
const ev = (
  type: EngineEvent['type'],
  ts: number,
  data: Record<string, unknown> = {},
  vehicleId = 'XY-V001',
): EngineEvent => ({ vehicleId, ts, type, tripInstanceId: instance.id, stopCode: null, data })

describe('finished runs rebuilt from stored trip events', () => {
  it('a completed run keeps its departure, arrival and last delay', () => {
    const rows = finishedOutcomes(
      [
        ev('trip_start', T0 - 60_000, { match: 'assigned' }),
        ev('departure', T0 + 5000, { seq: 1, delayS: 5 }),
        ev('arrival', T0 + 800_000, { seq: 5, delayS: 20 }),
        ev('trip_end', T0 + 860_000, { reason: 'completed' }),
      ],
      [instance],
    )
    expect(rows).toEqual([
      expect.objectContaining({
        instanceId: instance.id,
        vehicleId: 'XY-V001',
        match: 'assigned',
        departedTs: T0 + 5000,
        completedTs: T0 + 800_000,
        endedTs: null,
        delayS: 20,
        endReason: 'completed',
      }),
    ])
  })

  it('an abandoned run is partial; a bad match never ran the trip; a run still going is left to the replay', () => {
    expect(
      finishedOutcomes(
        [
          ev('trip_start', T0, { match: 'inferred' }),
          ev('departure', T0 + 5000, { seq: 1 }),
          ev('trip_end', T0 + 9000_000, { reason: 'abandoned' }),
        ],
        [instance],
      )[0],
    ).toMatchObject({ endedTs: T0 + 9000_000, completedTs: null, endReason: 'abandoned' })
    expect(
      finishedOutcomes(
        [ev('trip_start', T0, { match: 'inferred' }), ev('trip_end', T0 + 240_000, { reason: 'bad_match' })],
        [instance],
      ),
    ).toEqual([])
    expect(
      finishedOutcomes(
        [ev('trip_start', T0, { match: 'assigned' }), ev('departure', T0 + 5000, { seq: 1 })],
        [instance],
      ),
    ).toEqual([])
  })
})
