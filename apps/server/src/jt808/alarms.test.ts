import { describe, expect, it } from 'vitest'
import { jt808 } from '@rb/protocol'
import { AlarmTracker, raisedAlarms } from './alarms.js'

const raw = (flags: Partial<jt808.AlarmFlags>): number => jt808.alarmFlagsToRaw(flags)
const T0 = Date.UTC(2026, 4, 9, 0, 0, 0)

describe('raisedAlarms', () => {
  it('names only bits that went from clear to set, lowest bit first', () => {
    expect(raisedAlarms(0, raw({ collision: true, sos: true }))).toEqual(['sos', 'collision'])
    expect(raisedAlarms(raw({ sos: true }), raw({ sos: true, overspeed: true }))).toEqual(['overspeed'])
    expect(raisedAlarms(raw({ sos: true }), 0)).toEqual([])
  })

  it('handles bit 31 (illegal door open) as an unsigned bit', () => {
    expect(raisedAlarms(0, 0x8000_0000)).toEqual(['illegalDoorOpen'])
    expect(raisedAlarms(0x8000_0000, 0xffff_ffff)).not.toContain('illegalDoorOpen')
  })

  it('ignores the reserved bits 15–17', () => {
    expect(raisedAlarms(0, 0b111 << 15)).toEqual([])
  })
})

/** Raised alarms as [ts, names] pairs, for short assertions. */
const observe = (t: AlarmTracker, reports: { alarmRaw: number; ts: number }[]): [number, string[]][] =>
  t.observe(reports).map((r) => [r.report.ts, r.alarms])

describe('AlarmTracker', () => {
  it('raises an alarm once while the bit stays set, and again after it cleared', () => {
    const t = new AlarmTracker()
    const sos = raw({ sos: true })
    expect(observe(t, [{ alarmRaw: sos, ts: T0 }])).toEqual([[T0, ['sos']]])
    expect(observe(t, [{ alarmRaw: sos, ts: T0 + 10_000 }])).toEqual([])
    expect(observe(t, [{ alarmRaw: 0, ts: T0 + 20_000 }])).toEqual([])
    expect(observe(t, [{ alarmRaw: sos, ts: T0 + 30_000 }])).toEqual([[T0 + 30_000, ['sos']]])
  })

  it('raises an alarm that began and ended inside a dead zone once, from the backfill', () => {
    const t = new AlarmTracker()
    observe(t, [{ alarmRaw: 0, ts: T0 + 600_000 }])
    const sos = raw({ sos: true })
    const backfill = [
      { alarmRaw: sos, ts: T0 + 120_000 },
      { alarmRaw: 0, ts: T0 + 60_000 },
      { alarmRaw: sos, ts: T0 + 180_000 },
      { alarmRaw: 0, ts: T0 + 240_000 },
    ]
    expect(observe(t, backfill)).toEqual([[T0 + 120_000, ['sos']]])
    // The late points did not move the live state: the next live report with the bit set is new.
    expect(observe(t, [{ alarmRaw: sos, ts: T0 + 700_000 }])).toEqual([[T0 + 700_000, ['sos']]])
  })

  it('does not raise again from the backfill an alarm that is still on live', () => {
    const t = new AlarmTracker()
    const sos = raw({ sos: true })
    expect(observe(t, [{ alarmRaw: sos, ts: T0 + 600_000 }])).toHaveLength(1)
    expect(
      observe(t, [
        { alarmRaw: sos, ts: T0 + 100_000 },
        { alarmRaw: sos, ts: T0 + 200_000 },
      ]),
    ).toEqual([])
  })

  it('treats a resent report (same ts) as no change', () => {
    const t = new AlarmTracker()
    const a = raw({ powerCut: true })
    expect(observe(t, [{ alarmRaw: a, ts: T0 }])).toHaveLength(1)
    expect(observe(t, [{ alarmRaw: a, ts: T0 }])).toEqual([])
  })
})
