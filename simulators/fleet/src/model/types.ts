/**
 * What the simulation core reads and writes. Plain, JSON-serialisable data (a worker thread gets
 * it through `workerData`); coordinates are WGS-84 `[lng, lat]`, instants are epoch ms.
 */
export type LngLat = [lng: number, lat: number]

export type ServiceKind = 'market' | 'student' | 'medical' | 'regular'

export interface SimStop {
  code: string
  point: LngLat
  /** At a township centre (场镇): longer dwell, always served. */
  townshipCentre: boolean
}

export interface SimRoute {
  id: string
  kind: ServiceKind
  /** LineString in the direction of travel of direction-0 trips. */
  geometry: LngLat[]
  speedLimitKmh: number
  /** The operator running it; its trips go only to that operator's vehicles (unknown: any). */
  operatorId?: string | null
}

export interface SimTripStop {
  seq: number
  stopCode: string
  /** Along this trip's direction of travel, metres. */
  distM: number
  /** Scheduled arrival, epoch ms. */
  arrivalTs: number
}

/** A trip instance of the service day. */
export interface SimTrip {
  /** Trip instance id, `<tripId>_<YYYYMMDD>`. */
  id: string
  routeId: string
  kind: ServiceKind
  /** 0 follows the route geometry, 1 runs it backwards. */
  direction: 0 | 1
  departureTs: number
  stops: SimTripStop[]
  /** Assigned vehicle, or null (the simulator then assigns one). */
  vehicleId: string | null
  /** Assigned driver, announced by the bus when it starts the trip (unknown: none). */
  driver?: SimDriver | null
}

/** A driver as the bus announces them: unified number, name and qualification certificate (for the IC card). */
export interface SimDriver {
  id: string
  name: string
  /** Qualification certificate number; null when the register has none (no card to put in). */
  cert: string | null
}

export interface SimVehicle {
  id: string
  plate: string | null
  /** JT/T 808 terminal phone; vehicles without one cannot run in JT/T 808 mode. */
  jt808Phone: string | null
  /** Its operator (unknown: it may run any operator's trips). */
  operatorId?: string | null
}

/** The network of one service day as the simulator needs it. */
export interface SimNetwork {
  /** Service day, `YYYY-MM-DD` in Asia/Shanghai. */
  date: string
  stops: SimStop[]
  routes: SimRoute[]
  trips: SimTrip[]
  vehicles: SimVehicle[]
}

/** A stretch of a route without mobile coverage, in metres along the route geometry (direction 0). */
export interface DeadZone {
  routeId: string
  fromM: number
  toM: number
  note?: string
}

/** What the vehicle is doing at a fix. */
export type Phase = 'parked' | 'dwell' | 'drive' | 'breakdown' | 'detour'

/** One GPS fix as the device reports it. */
export interface Fix {
  ts: number
  lng: number
  lat: number
  speedKmh: number
  headingDeg: number
  /** Horizontal accuracy the device claims, metres. */
  accM: number
  /** Odometer, metres. */
  odoM: number
}

/** Ground truth carried beside a fix (never sent). */
export interface FixMeta {
  tripInstanceId: string | null
  routeId: string | null
  /** Where the vehicle truly is, metres along the route geometry (direction 0); null when parked off a trip. */
  routeDistM: number | null
  /** Where the vehicle truly is, before GPS noise or a jump. */
  truePoint: LngLat
  phase: Phase
}

export interface SimFix extends Fix {
  meta: FixMeta
}

export type FaultType = 'late_start' | 'breakdown' | 'detour' | 'dead_zone' | 'reboot' | 'gps_jump' | 'duplicate'

export interface StopVisitRecord {
  kind: 'stop_visit'
  vehicleId: string
  tripInstanceId: string
  routeId: string
  stopCode: string
  seq: number
  scheduledArrivalTs: number
  /** When the vehicle came to a halt at the stop (or passed it). */
  arrivalTs: number
  /** When it moved off again (equal to arrivalTs when it passed without stopping). */
  departureTs: number
  passedWithoutStopping: boolean
}

export interface FaultRecord {
  kind: 'fault'
  type: FaultType
  vehicleId: string
  tripInstanceId: string | null
  fromTs: number
  toTs: number
  details: Record<string, number | string | boolean | null>
}

export type TruthRecord = StopVisitRecord | FaultRecord

export type LinkReason = 'dead_zone' | 'reboot'

/** What a vehicle does, in time order. Transports turn these into messages. */
export type SimEvent =
  | { type: 'fix'; ts: number; vehicleId: string; fix: SimFix; duplicate: boolean }
  | { type: 'link_down'; ts: number; vehicleId: string; reason: LinkReason }
  | { type: 'link_up'; ts: number; vehicleId: string; reason: LinkReason }
  /** Points kept while out of coverage, uploaded together right after `link_up`. */
  | { type: 'batch'; ts: number; vehicleId: string; fixes: SimFix[] }
  | { type: 'truth'; ts: number; vehicleId: string; record: TruthRecord }
  /** Another driver takes the wheel as the trip starts: the bus says who (JT/T 808 IC card, MQTT `driver` event). */
  | { type: 'driver'; ts: number; vehicleId: string; driver: SimDriver }
  | { type: 'trip_start'; ts: number; vehicleId: string; tripInstanceId: string }
  | { type: 'trip_end'; ts: number; vehicleId: string; tripInstanceId: string }

/** The wire part of a fix. */
export const wireFix = (f: SimFix): Fix => ({
  ts: f.ts,
  lng: f.lng,
  lat: f.lat,
  speedKmh: f.speedKmh,
  headingDeg: f.headingDeg,
  accM: f.accM,
  odoM: f.odoM,
})
