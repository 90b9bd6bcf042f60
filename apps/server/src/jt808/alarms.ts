/**
 * Alarm edge detection for JT/T 808 location reports. A terminal keeps an alarm bit set on every
 * report while the condition lasts, so only a bit that goes from clear to set is an event.
 */
import { jt808 } from '@rb/protocol'

export type AlarmName = jt808.AlarmName

/** Bit number → name, lowest bit first (so SOS, bit 0, always comes first). */
const NAMES_BY_BIT: readonly (readonly [number, AlarmName])[] = (
  Object.entries(jt808.ALARM_BITS) as [AlarmName, number][]
)
  .map(([name, bit]) => [bit, name] as const)
  .sort((a, b) => a[0] - b[0])

/** Names of the alarm bits set in `raw` but not in `previousRaw`. */
export function raisedAlarms(previousRaw: number, raw: number): AlarmName[] {
  const raised = (raw & ~previousRaw) >>> 0
  if (raised === 0) return []
  return NAMES_BY_BIT.filter(([bit]) => ((raised >>> bit) & 1) === 1).map(([, name]) => name)
}

export interface AlarmReport {
  alarmRaw: number
  /** Fix time, epoch ms. */
  ts: number
}

export interface RaisedAlarms<R extends AlarmReport> {
  /** The report in which the alarms first showed. */
  report: R
  alarms: AlarmName[]
}

/**
 * One vehicle's alarm word as last reported. Reports newer than the newest seen move the state;
 * late ones (blind-area backfill) are compared with the report before them in the same message,
 * the first with the current state, so an alarm that began and ended inside a dead zone is still
 * raised once, and one that is still on is not raised again.
 */
export class AlarmTracker {
  #raw = 0
  #ts = Number.NEGATIVE_INFINITY

  /** The reports of one message (any order) → alarms newly raised, oldest first. */
  observe<R extends AlarmReport>(reports: readonly R[]): RaisedAlarms<R>[] {
    const out: RaisedAlarms<R>[] = []
    let lateBaseline = this.#raw
    for (const r of [...reports].sort((a, b) => a.ts - b.ts)) {
      let alarms: AlarmName[]
      if (r.ts >= this.#ts) {
        alarms = raisedAlarms(this.#raw, r.alarmRaw)
        this.#raw = r.alarmRaw
        this.#ts = r.ts
      } else {
        alarms = raisedAlarms(lateBaseline, r.alarmRaw)
        lateBaseline = r.alarmRaw
      }
      if (alarms.length > 0) out.push({ report: r, alarms })
    }
    return out
  }
}
