import { describe, expect, it } from 'vitest'
import { indexAt, PlaybackClock, sampleAt, type TrackPoint } from './replay.js'

const track: TrackPoint[] = [
  [1000, 105.0, 28.0, 30, 90],
  [2000, 105.1, 28.0, 40, 90],
  [3000, 105.2, 28.1, 20, 45],
  // A dead zone: nothing for ten minutes, then the bus is further on.
  [603_000, 105.5, 28.3, 25, 10],
]

describe('indexAt', () => {
  it('finds the fix at or before an instant, at both ends and exactly on a fix', () => {
    expect(indexAt(track, 999)).toBe(-1)
    expect(indexAt(track, 1000)).toBe(0)
    expect(indexAt(track, 1999)).toBe(0)
    expect(indexAt(track, 2000)).toBe(1)
    expect(indexAt(track, 10_000_000)).toBe(3)
    expect(indexAt([], 5)).toBe(-1)
  })
})

describe('sampleAt', () => {
  it('interpolates between close fixes', () => {
    const s = sampleAt(track, 1500)!
    expect(s.point[0]).toBeCloseTo(105.05, 10)
    expect(s.point[1]).toBeCloseTo(28.0, 10)
    expect(s.speedKmh).toBeCloseTo(35, 10)
    expect(s.index).toBe(0)
  })

  it('holds the last fix across a long gap instead of drawing the bus through the valley', () => {
    expect(sampleAt(track, 300_000)!.point).toEqual([105.2, 28.1])
    expect(sampleAt(track, 603_000)!.point).toEqual([105.5, 28.3])
  })

  it('is null before the first fix and stays on the last fix after the end', () => {
    expect(sampleAt(track, 0)).toBeNull()
    expect(sampleAt(track, 9e12)!.point).toEqual([105.5, 28.3])
  })

  it('copes with two fixes at the same instant (a resent point)', () => {
    expect(
      sampleAt(
        [
          [5, 1, 2, 0, 0],
          [5, 1, 2, 0, 0],
        ],
        5,
      )!.point,
    ).toEqual([1, 2])
  })
})

describe('PlaybackClock', () => {
  it('advances speed× the wall clock while playing, and not while paused', () => {
    const c = new PlaybackClock(0, 3_600_000, 60)
    expect(c.now(10_000)).toBe(0)
    c.play(10_000)
    expect(c.now(11_000)).toBe(60_000)
    c.pause(12_000)
    expect(c.now(50_000)).toBe(120_000)
  })

  it('changes speed without jumping, seeks within the track, and stops at the end', () => {
    const c = new PlaybackClock(1000, 601_000, 10)
    c.play(0)
    c.setSpeed(100, 1000) // 10 s of track time so far
    expect(c.now(1000)).toBe(11_000)
    expect(c.now(2000)).toBe(111_000)
    c.seek(-5, 2000)
    expect(c.now(2000)).toBe(1000)
    expect(c.now(1_000_000)).toBe(601_000)
    expect(c.playing).toBe(false)
    c.play(1_000_000) // from the end, play starts over
    expect(c.now(1_000_000)).toBe(1000)
  })
})
