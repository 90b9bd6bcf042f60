import { describe, expect, it } from 'vitest'
import {
  judgeAlert,
  scoreAlerts,
  speedingSpells,
  type AlertRules,
  type AlertTruth,
  type SeenAlert,
  type TruthTrip,
} from './accuracy-alerts.js'

const T = 1_780_000_000_000
const MIN = 60_000
const rules: AlertRules = {
  lateStartS: 300,
  earlyDepartureS: 60,
  offRouteM: 100,
  offRouteMinS: 60,
  overspeedMinS: 20,
  fixIntervalS: 5,
  slackMs: 15_000,
}

function trip(over: Partial<TruthTrip> = {}): TruthTrip {
  return {
    tripInstanceId: 'A',
    vehicleId: 'V1',
    scheduledDepartureTs: T,
    departedTs: T,
    completedTs: T + 60 * MIN,
    ...over,
  }
}

function truth(over: Partial<AlertTruth> = {}): AlertTruth {
  return {
    trips: new Map([['A', trip()]]),
    visits: new Map(),
    silences: [],
    offRoute: [],
    speeding: new Map(),
    ...over,
  }
}

function alert(over: Partial<SeenAlert>): SeenAlert {
  return { type: 'offline', ts: T, clearedTs: null, vehicleId: 'V1', tripInstanceId: 'A', data: {}, ...over }
}

describe('judging alerts against the truth', () => {
  it('a late start is false when the bus left within the threshold, or when another bus ran the trip', () => {
    const late = (departedTs: number) => truth({ trips: new Map([['A', trip({ departedTs })]]) })
    const a = alert({ type: 'late_start', ts: T + 5 * MIN })
    expect(judgeAlert(a, late(T + 5 * MIN + 30_000), rules).false).toBe(false)
    expect(judgeAlert(a, late(T + 4 * MIN + 57_000), rules)).toMatchObject({
      false: true,
      why: 'left 297 s after the scheduled departure, within the 300 s threshold',
    })
    expect(judgeAlert({ ...a, vehicleId: 'V2' }, late(T + 8 * MIN), rules)).toMatchObject({
      false: true,
      why: 'the trip was run by V1',
    })
  })

  it('offline is true only while the bus was truly silent on a trip; quiet between trips is not offline', () => {
    const deadZone = truth({
      silences: [{ vehicleId: 'V1', fromTs: T + 10 * MIN, toTs: T + 14 * MIN, cause: 'dead_zone' }],
    })
    // The engine's instant is the last fix heard, a few seconds before the silence began.
    expect(judgeAlert(alert({ ts: T + 10 * MIN - 5000 }), deadZone, rules)).toMatchObject({
      false: false,
      why: 'silent on a trip (dead_zone)',
    })
    expect(judgeAlert(alert({ ts: T + 30 * MIN }), deadZone, rules)).toMatchObject({
      false: true,
      why: 'the bus was reporting',
    })
    expect(judgeAlert(alert({ ts: T + 90 * MIN }), deadZone, rules)).toMatchObject({
      false: true,
      why: 'a bus parked off trip, quiet',
    })
    // Waiting at the first stop is parked too, even in a dead zone.
    const atTerminus = truth({
      silences: [{ vehicleId: 'V1', fromTs: T - 2 * MIN, toTs: T - MIN, cause: 'dead_zone' }],
    })
    expect(judgeAlert(alert({ ts: T - 2 * MIN }), atTerminus, rules)).toMatchObject({
      false: true,
      why: 'silent (dead_zone) but not on a trip',
    })
  })

  it('off route is true only where a detour wider than the limit overlaps it', () => {
    const detour = truth({ offRoute: [{ vehicleId: 'V1', fromTs: T + 20 * MIN, toTs: T + 24 * MIN, offsetM: 350 }] })
    expect(
      judgeAlert(alert({ type: 'off_route', ts: T + 20 * MIN + 30_000, clearedTs: T + 24 * MIN }), detour, rules).false,
    ).toBe(false)
    expect(judgeAlert(alert({ type: 'off_route', ts: T + 40 * MIN }), detour, rules).false).toBe(true)
    const narrow = truth({ offRoute: [{ vehicleId: 'V1', fromTs: T + 20 * MIN, toTs: T + 24 * MIN, offsetM: 80 }] })
    expect(judgeAlert(alert({ type: 'off_route', ts: T + 21 * MIN }), narrow, rules).false).toBe(true)
  })

  it('a missed trip is false when someone ran it, and says when the bus that did sent nothing', () => {
    const ran = truth({
      silences: [{ vehicleId: 'V1', fromTs: -Infinity, toTs: T + 25 * MIN, cause: 'terminal not switched on yet' }],
    })
    expect(judgeAlert(alert({ type: 'trip_missed', ts: T + 10 * MIN, vehicleId: null }), ran, rules)).toMatchObject({
      false: true,
      blind: true,
    })
    // Raised late (a match dropped at +30 min) with its deadline as ts: judged at when it was raised.
    expect(
      judgeAlert(alert({ type: 'trip_missed', ts: T + 10 * MIN, seenTs: T + 30 * MIN, vehicleId: null }), ran, rules),
    ).toMatchObject({ false: true, blind: false })
    expect(judgeAlert(alert({ type: 'trip_missed', tripInstanceId: 'B', vehicleId: null }), ran, rules).false).toBe(
      false,
    )
  })

  it('an early departure is judged on the true departure from that stop', () => {
    const visits = new Map([
      [
        'A|3',
        {
          tripInstanceId: 'A',
          vehicleId: 'V1',
          seq: 3,
          scheduledArrivalTs: T + 10 * MIN,
          arrivalTs: T + 8 * MIN,
          departureTs: T + 8 * MIN,
        },
      ],
    ])
    expect(
      judgeAlert(alert({ type: 'early_departure', ts: T + 8 * MIN, data: { seq: 3 } }), truth({ visits }), rules),
    ).toMatchObject({ false: false, why: 'left 120 s early' })
    expect(
      judgeAlert(alert({ type: 'early_departure', ts: T + 8 * MIN, data: { seq: 4 } }), truth({ visits }), rules).false,
    ).toBe(true)
  })

  it('overspeed is true where the bus truly drove above its route’s limit for the hold time', () => {
    const fast = [0, 5, 10, 15, 20].map((s) => T + s * 1000)
    expect(speedingSpells(fast, rules)).toEqual([{ fromTs: T - 5000, toTs: T + 20_000 }])
    expect(speedingSpells([T, T + 5000, T + 30_000], rules)).toEqual([])
    const t = truth({ speeding: new Map([['V1', fast]]) })
    expect(judgeAlert(alert({ type: 'overspeed', ts: T + 2000, clearedTs: T + 40_000 }), t, rules).false).toBe(false)
    expect(judgeAlert(alert({ type: 'overspeed', ts: T + 5 * MIN }), t, rules).false).toBe(true)
  })

  it('counts per kind per 100 trip-hours, every kind listed, kinds without truth unjudged', () => {
    const t = truth({ silences: [{ vehicleId: 'V1', fromTs: T, toTs: T + MIN, cause: 'reboot' }] })
    const s = scoreAlerts(
      [alert({ ts: T }), alert({ ts: T + 30 * MIN }), alert({ type: 'driver_mismatch' })],
      t,
      rules,
      50,
      ['offline', 'off_route', 'driver_mismatch'],
    )
    expect(s.offline).toMatchObject({ raised: 2, per100TripHours: 4, false: 1, falsePer100TripHours: 2, blind: 0 })
    expect(s.offline?.examples).toEqual([
      { vehicleId: 'V1', tripInstanceId: 'A', ts: T + 30 * MIN, why: 'the bus was reporting' },
    ])
    expect(s.off_route).toMatchObject({ raised: 0, false: 0 })
    expect(s.driver_mismatch).toMatchObject({ raised: 1, false: null, falsePer100TripHours: null })
  })
})
