import { describe, expect, it } from 'vitest'
import type { LiveAlert, TrackingEngine } from '@rb/domain'
import { alertsFeed } from './alerts.js'
import { rt, type transit_realtime } from './bindings.js'
import { DEP, SPEED_MS, VEH, drive, fixes, makeContext, makeEngine, makeInstance, onTimeRun } from './test-factories.js'

const { Cause, Effect, SeverityLevel } = rt.Alert
const TRIP = { tripId: 'XY-R01-0700', routeId: 'XY-R01', directionId: 0, startTime: '07:00:00', startDate: '20260302' }
const text = (t: transit_realtime.ITranslatedString | null | undefined, lang: string) =>
  t?.translation?.find((x) => x.language === lang)?.text

/** Runs the engine's clock and returns every alert it raised or cleared (what the server stores). */
function alertsOf(engine: TrackingEngine, into: LiveAlert[]): LiveAlert[] {
  const byId = new Map(into.map((a) => [a.id, a]))
  for (const a of engine.drain().alerts) byId.set(a.id, a)
  into.splice(0, into.length, ...byId.values())
  return into
}

describe('service alerts', () => {
  it('announces a cancelled trip as NO_SERVICE on that trip, in Chinese and English with the reason, until its scheduled end', () => {
    const cancelled = makeInstance({ status: 'cancelled', cancelReason: '道路塌方', vehicleId: null })
    const engine = makeEngine([cancelled])
    const feed = alertsFeed(engine, [], makeContext(DEP - 3600_000))
    expect(feed.entity).toHaveLength(1)
    const e = feed.entity?.[0]
    expect(e?.id).toBe('cancelled:XY-R01-0700_20260302')
    expect(e?.alert).toMatchObject({
      informedEntity: [{ routeId: 'XY-R01', trip: TRIP }],
      cause: Cause.OTHER_CAUSE,
      effect: Effect.NO_SERVICE,
      severityLevel: SeverityLevel.WARNING,
      activePeriod: [{ end: Math.floor((DEP + 360_000) / 1000) }],
    })
    expect(e?.alert?.informedEntity?.[0]?.trip).not.toHaveProperty('scheduleRelationship')
    expect(text(e?.alert?.headerText, 'zh')).toBe('叙永—江门 07:00 班次停运')
    expect(text(e?.alert?.headerText, 'en')).toBe('Xuyong–Jiangmen: the 07:00 trip is cancelled')
    expect(text(e?.alert?.descriptionText, 'zh')).toBe('2026-03-02 07:00 从站1开往江门的班次停运。原因：道路塌方')
    expect(text(e?.alert?.descriptionText, 'en')).toBe(
      'The 07:00 trip from Stop 1 to Stop 4 on 2026-03-02 does not run. Reason: 道路塌方',
    )
    // After its last stop was due it is gone.
    expect(alertsFeed(engine, [], makeContext(DEP + 361_000)).entity).toEqual([])
  })

  it('a cancellation without a reason has an unknown cause and no reason line', () => {
    const engine = makeEngine([makeInstance({ status: 'cancelled', cancelReason: '  ' })])
    const a = alertsFeed(engine, [], makeContext(DEP)).entity?.[0]?.alert
    expect(a?.cause).toBe(Cause.UNKNOWN_CAUSE)
    expect(text(a?.descriptionText, 'en')).toBe('The 07:00 trip from Stop 1 to Stop 4 on 2026-03-02 does not run.')
  })

  it('reads cancellations from the given instances (the dispatcher) rather than the engine copy', () => {
    const engine = makeEngine()
    const instances = [makeInstance({ status: 'cancelled', cancelReason: '车辆故障' })]
    expect(alertsFeed(engine, [], makeContext(DEP)).entity).toEqual([])
    expect(alertsFeed(engine, [], makeContext(DEP, { instances })).entity?.map((e) => e.id)).toEqual([
      'cancelled:XY-R01-0700_20260302',
    ])
  })

  it('announces a late start as SIGNIFICANT_DELAYS while the bus has not left, and drops it once it has', () => {
    const engine = makeEngine()
    const stored: LiveAlert[] = []
    // The bus stands at the first stop six minutes past its time: late start after five.
    drive(engine, fixes({ fromTs: DEP - 60_000, toTs: DEP + 360_000, fromM: 0, speedMs: 0 }))
    const late = alertsOf(engine, stored).find((a) => a.type === 'late_start')
    expect(late?.state).toBe('active')
    const feed = alertsFeed(engine, stored, makeContext(DEP + 360_000))
    expect(feed.entity?.map((e) => e.id)).toEqual([late?.id])
    expect(feed.entity?.[0]?.alert).toMatchObject({
      informedEntity: [{ routeId: 'XY-R01', trip: TRIP }],
      effect: Effect.SIGNIFICANT_DELAYS,
      activePeriod: [{ start: Math.floor((DEP + 300_000) / 1000) }],
    })
    expect(text(feed.entity?.[0]?.alert?.headerText, 'zh')).toBe('叙永—江门 07:00 班次晚发')
    expect(text(feed.entity?.[0]?.alert?.descriptionText, 'en')).toContain('due to leave Stop 1 at 07:00')

    // It leaves: even a stored copy still marked active (not yet updated) no longer shows.
    const staleCopy = [...stored]
    drive(engine, fixes({ fromTs: DEP + 365_000, toTs: DEP + 365_000 + 90_000, fromM: 0 }))
    expect(engine.progressOf('XY-R01-0700_20260302')?.departedTs).not.toBeNull()
    expect(alertsFeed(engine, staleCopy, makeContext(DEP + 460_000)).entity).toEqual([])
    expect(alertsOf(engine, stored).find((a) => a.type === 'late_start')?.state).toBe('cleared')
  })

  it('announces a bus off its route as a DETOUR on its trip while it is away, and drops it when it is back', () => {
    const engine = makeEngine()
    const stored: LiveAlert[] = []
    const t = onTimeRun(engine, 1000)
    // 300 m east of the road for two minutes, then back on it.
    drive(engine, fixes({ fromTs: t + 5000, toTs: t + 125_000, fromM: 1000, eastM: 300 }))
    const off = alertsOf(engine, stored).find((a) => a.type === 'off_route')
    expect(off?.state).toBe('active')
    const feed = alertsFeed(engine, stored, makeContext(t + 125_000))
    expect(feed.entity?.map((e) => e.id)).toEqual([off?.id])
    expect(feed.entity?.[0]?.alert).toMatchObject({
      effect: Effect.DETOUR,
      severityLevel: SeverityLevel.INFO,
      informedEntity: [{ routeId: 'XY-R01', trip: TRIP }],
    })
    expect(text(feed.entity?.[0]?.alert?.headerText, 'en')).toBe('Xuyong–Jiangmen: the 07:00 bus is off its route')

    const backFrom = 1000 + 125 * SPEED_MS
    drive(engine, fixes({ fromTs: t + 130_000, toTs: t + 200_000, fromM: backFrom }))
    expect(engine.state(VEH)?.offRoute).toBe(false)
    expect(alertsFeed(engine, stored, makeContext(t + 200_000)).entity).toEqual([])
  })

  it('carries none of the operational alerts: overspeed, driver alarm, offline, early departure, reports', () => {
    const engine = makeEngine([makeInstance({ departureTs: DEP })])
    const stored: LiveAlert[] = []
    // Waits, leaves on time, then races at 72 km/h where the limit is 40: overspeed.
    drive(engine, fixes({ fromTs: DEP - 60_000, toTs: DEP - 5000, fromM: 0, speedMs: 0 }))
    drive(engine, fixes({ fromTs: DEP, toTs: DEP + 60_000, fromM: 0, speedMs: 20 }))
    engine.onAlarm(VEH, DEP + 60_000, 'sos', {})
    engine.tick(DEP + 60_000 + 181_000)
    const types = alertsOf(engine, stored).map((a) => a.type)
    expect(new Set(types)).toEqual(new Set(['overspeed', 'early_departure', 'driver_alarm', 'offline']))
    const reports: LiveAlert[] = ['sign_report', 'road_report', 'on_demand_under_min'].map((type, i) => ({
      id: `${type}:x:${i}`,
      type: type as LiveAlert['type'],
      severity: 'info',
      state: 'active',
      ts: DEP,
      clearedTs: null,
      vehicleId: null,
      tripInstanceId: 'XY-R01-0700_20260302',
      stopCode: null,
      message: '',
      data: {},
      status: 'open',
      ackBy: null,
      ackTs: null,
      ackNote: null,
      resolvedBy: null,
      resolvedTs: null,
      resolveNote: null,
    }))
    expect(alertsFeed(engine, [...stored, ...reports], makeContext(DEP + 241_000)).entity).toEqual([])
  })
})
