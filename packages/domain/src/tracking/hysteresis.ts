/**
 * A condition with hysteresis: it is raised only after holding for `raiseAfterMs`, and cleared
 * only after the opposite has held for `clearAfterMs` — so a bus hovering at a threshold does not
 * flap between alert and all-clear. Pure; instants come from the fixes.
 */
export interface Hold {
  active: boolean
  /** When the condition (or, while active, its absence) started holding without a break, epoch ms. */
  since: number | null
  /** When the condition was raised, epoch ms. */
  raisedTs: number | null
}

export const idleHold = (): Hold => ({ active: false, since: null, raisedTs: null })

export type HoldChange = { kind: 'raise'; ts: number } | { kind: 'clear'; ts: number } | null

/**
 * Moves `hold` by one observation at `ts`. `bad` is the condition; `good` its clear condition
 * (usually a stricter opposite: back within 80 % of the limit). Neither resets the running timer.
 */
export function stepHold(
  hold: Hold,
  ts: number,
  bad: boolean,
  good: boolean,
  raiseAfterMs: number,
  clearAfterMs: number,
): HoldChange {
  if (!hold.active) {
    if (!bad) {
      hold.since = null
      return null
    }
    hold.since ??= ts
    if (ts - hold.since < raiseAfterMs) return null
    hold.active = true
    hold.raisedTs = hold.since
    hold.since = null
    return { kind: 'raise', ts: hold.raisedTs }
  }
  if (!good) {
    hold.since = null
    return null
  }
  hold.since ??= ts
  if (ts - hold.since < clearAfterMs) return null
  const clearedTs = hold.since
  Object.assign(hold, idleHold())
  return { kind: 'clear', ts: clearedTs }
}
