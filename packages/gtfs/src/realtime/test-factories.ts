/**
 * Test factories (docs/design.md §5) for the realtime feeds: a 3 km route due north with four
 * stops a kilometre apart, a trip instance on it timed at 30 km/h, an engine holding it, and the
 * fixes of a bus driven along it. Deterministic; every instant is given.
 */
import {
  serviceDate,
  serviceDayStartMs,
  TrackingEngine,
  type EngineConfigInput,
  type EngineInstance,
  type LngLat,
} from '@rb/domain'
import type { Position } from '@rb/protocol'
import { realtimeNetwork, type FeedContext } from './context.js'

export const VEH = 'XY-V001'
export const PLATE = '川E·12345'
export const DATE = serviceDate('2026-03-02')
/** 07:00 on 2026-03-02 in Asia/Shanghai. */
export const DEP = serviceDayStartMs(DATE) + 7 * 3600_000
export const STOP_CODES = ['XY-0101', 'XY-0102', 'XY-0103', 'XY-0104']
export const STOPS_M = [0, 1000, 2000, 3000]
/** The timetable's pace: 30 km/h, a kilometre in two minutes, no dwell. */
export const SPEED_MS = 1000 / 120

const M_PER_DEG_LAT = 111_195
const ORIGIN: LngLat = [105.44, 28.16]
/** The point `northM` along the route and `eastM` beside it. */
export const at = (northM: number, eastM = 0): LngLat => [
  ORIGIN[0] + eastM / (M_PER_DEG_LAT * Math.cos((ORIGIN[1] * Math.PI) / 180)),
  ORIGIN[1] + northM / M_PER_DEG_LAT,
]

export function makeInstance(over: Partial<EngineInstance> = {}): EngineInstance {
  const departureTs = over.departureTs ?? DEP
  return {
    id: 'XY-R01-0700_20260302',
    tripId: 'XY-R01-0700',
    routeId: 'XY-R01',
    kind: 'market',
    serviceDate: DATE,
    direction: 0,
    headsign: '江门',
    departureTs,
    stops: STOPS_M.map((distM, i) => ({
      seq: i + 1,
      stopCode: STOP_CODES[i] as string,
      distM,
      arrivalTs: departureTs + Math.round(distM / SPEED_MS) * 1000,
    })),
    seats: 19,
    bookingPolicy: 'none',
    minRiders: 0,
    bookingCutoffMin: 60,
    status: 'scheduled',
    cancelReason: null,
    vehicleId: VEH,
    driverId: 'XY-D001',
    ...over,
  }
}

export function makeEngine(
  instances: EngineInstance[] = [makeInstance()],
  config: EngineConfigInput = {},
): TrackingEngine {
  const engine = new TrackingEngine(config)
  engine.setNetwork({
    instances,
    routes: [{ id: 'XY-R01', operatorId: 'OP1', geometry: [at(0), at(3000)], speedLimitKmh: 40 }],
    vehicles: [
      { id: VEH, operatorId: 'OP1' },
      { id: 'XY-V002', operatorId: 'OP1' },
    ],
  })
  return engine
}

export function makeContext(now: number, over: Partial<FeedContext> = {}): FeedContext {
  const names = (code: string, i: number) => ({
    code,
    name: `站${i + 1}`,
    nameEn: `Stop ${i + 1}`,
    townshipId: 'XY-T01',
    point: at(STOPS_M[i] ?? 0),
    status: 'ok' as const,
    installedOn: null,
  })
  const network = realtimeNetwork({
    vehicles: [
      {
        id: VEH,
        plate: PLATE,
        seats: 19,
        operatorId: 'OP1',
        model: '宇通',
        deviceId: null,
        jt808Phone: null,
        status: 'active',
      },
    ],
    routes: [
      {
        id: 'XY-R01',
        name: '叙永—江门',
        nameEn: 'Xuyong–Jiangmen',
        kind: 'market',
        operatorId: 'OP1',
        geometry: [at(0), at(3000)],
        lengthM: 3000,
        stops: [],
        color: '#aa3300',
        speedLimitKmh: 40,
        active: true,
      },
    ],
    stops: STOP_CODES.map(names),
  })
  return { now, network, ...over }
}

export interface Leg {
  fromTs: number
  toTs: number
  /** Where the bus is at `fromTs`, metres along the route. */
  fromM: number
  speedMs?: number
  /** Metres east of the route line (off route when large). */
  eastM?: number
  intervalS?: number
  vehicleId?: string
}

/** Fixes every `intervalS` from fromTs to toTs, moving north at speedMs (0: standing). */
export function fixes(leg: Leg): Position[] {
  const speed = leg.speedMs ?? SPEED_MS
  const out: Position[] = []
  for (let ts = leg.fromTs; ts <= leg.toTs; ts += (leg.intervalS ?? 5) * 1000) {
    const m = Math.min(3000, leg.fromM + ((ts - leg.fromTs) / 1000) * speed)
    const [lng, lat] = at(m, leg.eastM ?? 0)
    out.push({
      vehicleId: leg.vehicleId ?? VEH,
      ts,
      lng,
      lat,
      speedKmh: speed * 3.6,
      headingDeg: 0,
      accM: null,
      odoM: null,
      source: 'mqtt',
    })
  }
  return out
}

/** Feeds fixes as they arrive (received when taken), running the clock rules every 5 s of fix time. */
export function drive(engine: TrackingEngine, positions: readonly Position[]): void {
  let lastTick = positions[0]?.ts ?? 0
  for (const p of positions) {
    engine.onPosition(p, p.ts)
    if (p.ts - lastTick >= 5000) {
      engine.tick(p.ts)
      lastTick = p.ts
    }
  }
}

/**
 * The usual morning: the bus waits at the first stop from a minute before departure, leaves on
 * time `lateS` late, and drives at the timetable's pace up to `toM`.
 */
export function onTimeRun(engine: TrackingEngine, toM: number, lateS = 0): number {
  const leave = DEP + lateS * 1000
  drive(engine, fixes({ fromTs: DEP - 60_000, toTs: leave - 5000, fromM: 0, speedMs: 0 }))
  const endTs = leave + Math.round((toM / SPEED_MS) * 1000)
  drive(engine, fixes({ fromTs: leave, toTs: endTs, fromM: 0 }))
  return endTs
}
