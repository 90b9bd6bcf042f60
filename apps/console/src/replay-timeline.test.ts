import { describe, expect, it } from 'vitest'
import type { TrackPoint } from './replay.js'
import {
  markAt,
  markKind,
  placeMarks,
  playRange,
  speedPath,
  speedScaleKmh,
  ticks,
  timeAxis,
} from './replay-timeline.js'

const T0 = Date.UTC(2026, 11, 7, 0, 0) // 08:00 in Asia/Shanghai
const pt = (s: number, kmh: number): TrackPoint => [T0 + s * 1000, 105.44, 28.16, kmh, 0]

describe('the replay timeline', () => {
  it('maps time to pixels and back, clamped to the axis', () => {
    const a = timeAxis(T0, T0 + 3_600_000, 600)
    expect(a.x(T0 + 1_800_000)).toBe(300)
    expect(a.ts(150)).toBe(T0 + 900_000)
    expect(a.ts(-10)).toBe(T0)
    expect(a.ts(700)).toBe(T0 + 3_600_000)
  })

  it('puts ticks on whole local times, far enough apart', () => {
    const a = timeAxis(T0 + 7 * 60_000, T0 + 3 * 3_600_000, 600)
    const ts = ticks(a)
    expect(ts.length).toBeGreaterThan(2)
    expect(ts.length).toBeLessThanOrEqual(600 / 70)
    for (const t of ts) expect(((t + 8 * 3_600_000) / 60_000) % 30).toBe(0)
  })

  it('scales speed to a round top and keeps a stop and a burst inside one pixel', () => {
    expect(speedScaleKmh([[pt(0, 10), pt(1, 47)]])).toBe(60)
    expect(speedScaleKmh([])).toBe(40)
    // 100 fixes in one pixel column: the lowest and highest both drawn.
    const points = Array.from({ length: 100 }, (_, i) => pt(i, i === 50 ? 80 : 30))
    const d = speedPath(points, timeAxis(T0, T0 + 3_600_000, 10), 100, 100)
    expect(d).toBe('M0 70L0 20')
  })

  it('breaks the speed line across a dead zone', () => {
    const points = [pt(0, 30), pt(10, 30), pt(600, 40), pt(610, 40)]
    const d = speedPath(points, timeAxis(T0, T0 + 610_000, 610), 100, 100)
    expect(d.match(/M/g)).toHaveLength(2)
  })

  it('sorts events into lanes by kind and finds the one clicked', () => {
    expect(
      ['arrival', 'departure', 'geofence_enter', 'geofence_dwell', 'trip_start', 'alert', 'online'].map(markKind),
    ).toEqual(['stop', 'stop', 'geofence', 'geofence', 'trip', 'alert', 'other'])
    const a = timeAxis(T0, T0 + 1_000_000, 1000)
    const marks = placeMarks(
      [
        { ts: T0 + 500_000, vehicleId: 'V1', type: 'arrival', label: 'a' },
        { ts: T0 + 100_000, vehicleId: 'V2', type: 'alert', label: 'b' },
        { ts: T0 + 2_000_000, vehicleId: 'V1', type: 'arrival', label: 'outside' },
      ],
      a,
    )
    expect(marks.map((m) => [m.label, m.x, m.lane])).toEqual([
      ['b', 100, 0],
      ['a', 500, 2],
    ])
    expect(markAt(marks, 503, 2)?.label).toBe('a')
    expect(markAt(marks, 503, 0)).toBeNull()
    expect(markAt(marks, 520, 2)).toBeNull()
  })

  it('plays the union of the tracks', () => {
    expect(playRange([[pt(10, 0), pt(20, 0)], [], [pt(5, 0), pt(15, 0)]])).toEqual([T0 + 5000, T0 + 20_000])
    expect(playRange([[], []])).toBeNull()
  })
})
