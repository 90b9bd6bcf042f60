/**
 * A stored track played back: the point at any instant (interpolated between fixes, held across
 * gaps such as a dead zone), and the playback clock. Pure: unit-tested.
 */
import type { LngLat } from '@rb/domain'

/** As GET /api/vehicles/:id/track returns them: [epoch ms, lng, lat, speed km/h, heading deg], oldest first. */
export type TrackPoint = [ts: number, lng: number, lat: number, speedKmh: number, headingDeg: number]

export interface TrackSample {
  point: LngLat
  speedKmh: number
  headingDeg: number
  /** Index of the fix at or before the instant. */
  index: number
}

/** Index of the last point at or before `ts` (-1 when `ts` is before the first). */
export function indexAt(points: readonly TrackPoint[], ts: number): number {
  let lo = 0
  let hi = points.length - 1
  if (hi < 0 || ts < points[0]![0]) return -1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (points[mid]![0] <= ts) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * Where the vehicle was at `ts`: between two fixes at most `maxGapMs` apart it moves in a straight
 * line; across a longer gap (no signal) it stays at the last fix. Null before the first fix.
 */
export function sampleAt(points: readonly TrackPoint[], ts: number, maxGapMs = 120_000): TrackSample | null {
  const i = indexAt(points, ts)
  if (i < 0) return null
  const a = points[i]!
  const b = points[i + 1]
  if (!b || b[0] - a[0] > maxGapMs || b[0] === a[0])
    return { point: [a[1], a[2]], speedKmh: a[3], headingDeg: a[4], index: i }
  const f = (ts - a[0]) / (b[0] - a[0])
  return {
    point: [a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f],
    speedKmh: a[3] + (b[3] - a[3]) * f,
    headingDeg: a[4],
    index: i,
  }
}

/** The playback clock: track time advances `speed` times as fast as the wall clock while playing. */
export class PlaybackClock {
  private anchorWallMs = 0
  private anchorTrackMs: number
  playing = false

  constructor(
    readonly startMs: number,
    readonly endMs: number,
    public speed = 60,
  ) {
    this.anchorTrackMs = startMs
  }

  /** Track time at wall time `wallMs`, clamped to the track; stops playing at the end. */
  now(wallMs: number): number {
    if (!this.playing) return this.anchorTrackMs
    const t = this.anchorTrackMs + (wallMs - this.anchorWallMs) * this.speed
    if (t >= this.endMs) {
      this.playing = false
      this.anchorTrackMs = this.endMs
      return this.endMs
    }
    return t
  }

  play(wallMs: number): void {
    if (this.anchorTrackMs >= this.endMs) this.anchorTrackMs = this.startMs
    this.anchorWallMs = wallMs
    this.playing = true
  }

  pause(wallMs: number): void {
    this.anchorTrackMs = this.now(wallMs)
    this.playing = false
  }

  seek(trackMs: number, wallMs: number): void {
    this.anchorTrackMs = Math.min(this.endMs, Math.max(this.startMs, trackMs))
    this.anchorWallMs = wallMs
  }

  setSpeed(speed: number, wallMs: number): void {
    this.anchorTrackMs = this.now(wallMs)
    this.anchorWallMs = wallMs
    this.speed = speed
  }
}
