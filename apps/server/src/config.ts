/**
 * Configuration: read once at start from environment variables, validated, passed down.
 * Nothing else reads process.env. Every variable is listed in docs/configuration.md.
 */
import { hostname } from 'node:os'
import { passwordProblem } from '@rb/domain'
import { DEMO_PASSWORDS, WEAK_PASSWORDS } from './auth/known-passwords.js'

export const BASEMAP_PRESETS = [
  'auto',
  'none',
  'demo',
  'tianditu',
  'tianditu-imagery',
  'amap',
  'amap-imagery',
  'xyz',
  'tilejson',
  'pmtiles',
] as const
export type BasemapPreset = (typeof BASEMAP_PRESETS)[number]

export interface Config {
  /** HTTP port (API, console, villager pages, socket.io). */
  port: number
  host: string
  /** Base URL printed on stop-sign QR codes. */
  publicUrl: string
  /** Which basemap the console draws (docs/console.md#basemap); auto picks from the others. */
  basemap: BasemapPreset
  /** The preset's URL: a raster template ({z}/{x}/{y}), a TileJSON, or a PMTiles archive. */
  basemapUrl: string | undefined
  /** A PMTiles archive on this machine, served to the console at /basemap/county.pmtiles. */
  basemapFile: string | undefined
  /** The county's Tianditu (天地图) key, for the tianditu presets. */
  tiandituKey: string | undefined
  basemapAttribution: string
  /** The basemap's tiles are in GCJ-02 (AMap, Tencent): positions are converted for display. */
  basemapGcj02: boolean
  basemapMaxZoom: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  logFormat: 'json' | 'pretty'
  /** Embedded database directory ('memory' keeps it in RAM, for tests). */
  dataDir: string
  /** With DATA_DIR=memory: a folder of migrated database templates, so a start skips creating the cluster. */
  embeddedTemplateDir: string | undefined
  /** postgres://… ; unset → embedded PGlite with TimescaleDB under dataDir. */
  databaseUrl: string | undefined
  /** PostgreSQL schema (search_path); tests use one per file. */
  databaseSchema: string | undefined
  /** mqtt://… ; unset → embedded broker on mqttPort. */
  mqttUrl: string | undefined
  mqttPort: number
  mqttClientId: string
  mqttSessionExpiryS: number
  mqttProtocolVersion: 4 | 5
  /** Largest MQTT packet a device may send the embedded broker, and largest `pos/batch` the ingest takes, KiB. */
  mqttMaxPacketKb: number
  /** Embedded broker: a connection that has not sent CONNECT within this is closed, s. */
  mqttConnectTimeoutS: number
  /** Embedded broker: most connections at once; more are refused. */
  mqttMaxConnections: number
  retentionDays: number
  compressAfterDays: number
  maintenanceIntervalS: number
  ingestBatchMax: number
  ingestFlushMs: number
  ingestMaxPending: number
  ingestRetryMaxMs: number
  maxFutureSkewS: number
  liveTickMs: number
  trackingTickMs: number
  trackingReplayMin: number
  offRouteM: number
  offlineAfterS: number
  etaGraceS: number
  tripLostAfterS: number
  lateStartS: number
  defaultSpeedLimitKmh: number
  shutdownTimeoutS: number
  countyPrefix: string
  stopToleranceM: number
  demoData: 'auto' | 'off'
  /** JT/T 808 gateway TCP port; 0 = any free port; null = gateway off (`JT808_PORT=off`). */
  jt808Port: number | null
  jt808IdleTimeoutS: number
  jt808ReplyTimeoutS: number
  jt808MaxConnections: number
  /** Packets of an unfinished sub-packaged JT/T 808 message are kept this long, s. */
  jt808SubpackageTtlS: number
  /** Longest wait between attempts to reach the database at start, s. */
  dbStartRetryMaxS: number
  /** Simulated buses of the demo fleet: 'roster' (every vehicle with a duty today), a most count, or 0 = none. */
  simVehicles: number | 'roster'
  simSpeed: number
  /** Today and tomorrow get a roster (templates, planner, published) when they have none. */
  rosterAuto: boolean
  /** The county's daily driving limit per driver, minutes of scheduled trips. */
  rosterDrivingLimitMin: number
  /** NODE_ENV; `production` turns off demo accounts and published passwords and forces device auth. */
  nodeEnv: string
  /** Password of the first admin account (only used when no account exists yet). */
  adminPassword: string | undefined
  sessionTtlH: number
  loginLimitPerClient: number
  /** Failed sign-ins per user name and per address before each further attempt waits. */
  loginFreeFailures: number
  /** Longest wait after failed sign-ins, s. */
  loginDelayMaxS: number
  publicRateLimit: number
  /** Embedded broker: devices sign in per vehicle (`auto` = on in production only). */
  deviceAuth: 'auto' | 'on' | 'off'
  /** redis://… ; set → cluster mode (several instances share the load). */
  redisUrl: string | undefined
  instanceId: string
  /** How the other instances reach this one over HTTP; default http://<host name>:<port>. */
  instanceUrl: string | undefined
  clusterName: string
  clusterPartitions: number
  /** MQTT shared-subscription group of the ingest (cluster mode); unset → a plain subscription. */
  mqttSharedGroup: string | undefined
  /** Which reverse proxies' X-Forwarded-For to believe (fastify trustProxy): false, true or addresses. */
  trustProxy: boolean | string
  bookingWaitlistSeats: number
  bookingRateLimit: number
  /** Booking limits (docs/booking.md#limits). */
  bookingAccountRateLimit: number
  bookingPhoneTripSeats: number
  bookingPhoneTripBookings: number
  bookingPhoneDaily: number
  bookingAddressDaily: number
  bookingAccountDaily: number
  bookingVerify: 'off' | 'demand' | 'always'
  bookingVerifyHoldS: number
  bookingVerifyRememberDays: number
  bookingHighDemandPct: number
  onDemandCheckS: number
  /** SMS gateway webhook; unset → notifications go to the log. */
  notifyWebhookUrl: string | undefined
  notifyWebhookToken: string | undefined
  notifyRetryBaseS: number
  notifyRetryMaxS: number
  /** Shared secret the SMS provider's adapter sends as X-SMS-Secret to POST /api/sms/inbound; unset = inbound SMS off. */
  smsInboundSecret: string | undefined
  /** Texts one phone may send in an hour and get answers to. */
  smsInboundPerHour: number
  /** "Tell me when it comes" reminders one phone may have waiting. */
  reminderMaxPerPhone: number
  /** Reminders set from one client address per hour (the page); 0 = unlimited. */
  reminderRateLimit: number
  reminderCheckS: number
  /** A county-wide number the villager page offers to call when no operator of the stop's routes has one. */
  villagerHotline: string | undefined
  /** Largest report photo taken, KiB. */
  reportPhotoMaxKb: number
  /** Where report photos go: auto (files, or the database with DATA_DIR=memory or REDIS_URL), files, db. */
  reportPhotoStore: 'auto' | 'files' | 'db'
  /** Report photos: most pixels (megapixels) and pixels a side; larger ones are refused before decoding. */
  reportPhotoMaxMegapixels: number
  reportPhotoMaxSidePx: number
  /** Directory of report photo files; unset → DATA_DIR/uploads. */
  uploadsDir: string | undefined
  /** Reports per minute per client address without a session; 0 = unlimited. */
  reportRateLimit: number
  /** Pupil data (rosters, checks, guardians' messages) is deleted this many days after its term ends. */
  studentRetentionDays: number
  /** How often student runs are looked at (bus near a pupil's stop, unconfirmed ends), s. */
  studentCheckS: number
  /** A driver who has not confirmed the bus empty after a left-on-board alert is told again after this, s. */
  studentRemindS: number
  /** A notice not read after this many hours gets one reminder, unless its writer chose otherwise; 0 = none by default. */
  noticeRemindAfterH: number
  /** How often notices are checked for drivers due their reminder, s. */
  noticeSweepS: number
  /** Variables that were not set and took their default (a taken default port falls back). */
  defaulted: ReadonlySet<string>
}

type Env = Record<string, string | undefined>

interface Spec<T> {
  name: string
  doc: string
  default: string | undefined
  parse: (raw: string) => T
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

const int =
  (min: number, max: number) =>
  (raw: string): number => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}`)
    return n
  }
const str = (raw: string): string => raw
const url =
  (...schemes: string[]) =>
  (raw: string): string => {
    let u: URL
    try {
      u = new URL(raw)
    } catch {
      throw new Error(`must be a URL (${schemes.join(', ')})`)
    }
    if (!schemes.includes(u.protocol.replace(/:$/, ''))) throw new Error(`must use one of ${schemes.join(', ')}`)
    return raw.replace(/\/$/, '')
  }
const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T => {
    if (!(values as string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`)
    return raw as T
  }
const identifier = (raw: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error('must be a lower-case SQL identifier')
  return raw
}
const clientId = (raw: string): string => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new Error('must be 1–64 letters, digits, - or _')
  return raw
}

/** Every variable, its default and its check; the same table documents them. */
export const CONFIG_SPEC = {
  port: {
    name: 'PORT',
    doc: 'HTTP port (API, console, villager pages, socket.io)',
    default: '8080',
    parse: int(0, 65535),
  },
  host: { name: 'HOST', doc: 'Interface to listen on', default: '0.0.0.0', parse: str },
  publicUrl: {
    name: 'PUBLIC_URL',
    doc: 'Base URL printed in stop-sign QR codes',
    default: 'http://localhost:8080',
    parse: url('http', 'https'),
  },
  basemap: {
    name: 'BASEMAP',
    doc: "Console basemap preset: auto, none, demo (the demo county's generated map), tianditu, tianditu-imagery (need TIANDITU_KEY), amap, amap-imagery (GCJ-02), xyz, tilejson, pmtiles (BASEMAP_URL or BASEMAP_FILE); auto = xyz with BASEMAP_URL, pmtiles with BASEMAP_FILE, demo when the database holds the demo county, else none",
    default: 'auto',
    parse: oneOf(...BASEMAP_PRESETS),
  },
  basemapUrl: {
    name: 'BASEMAP_URL',
    doc: 'URL of the xyz (raster tile template with {z}, {x}, {y}), tilejson or pmtiles preset',
    default: undefined,
    parse: url('http', 'https'),
  },
  basemapFile: {
    name: 'BASEMAP_FILE',
    doc: 'A PMTiles file on this machine (OpenMapTiles schema, vector) the server serves as the pmtiles basemap, with HTTP range requests',
    default: undefined,
    parse: str,
  },
  tiandituKey: {
    name: 'TIANDITU_KEY',
    doc: "The county's Tianditu (天地图) key (a browser-side key bound to the console's address), for the tianditu presets",
    default: undefined,
    parse: (raw: string): string => {
      if (!/^[0-9a-f]{32}$/i.test(raw)) throw new Error('must be the 32 hexadecimal characters Tianditu issues')
      return raw
    },
  },
  basemapAttribution: {
    name: 'BASEMAP_ATTRIBUTION',
    doc: 'Attribution shown under the basemap (required by most tile providers)',
    default: '',
    parse: str,
  },
  basemapGcj02: {
    name: 'BASEMAP_GCJ02',
    doc: 'on when the basemap is in GCJ-02 (AMap, Tencent): positions are shifted for display only; off for WGS-84 tiles (OSM, Tianditu)',
    default: 'off',
    parse: (raw: string): boolean => oneOf('on', 'off')(raw) === 'on',
  },
  basemapMaxZoom: {
    name: 'BASEMAP_MAX_ZOOM',
    doc: 'Highest zoom level the basemap has tiles for',
    default: '18',
    parse: int(1, 22),
  },
  logLevel: {
    name: 'LOG_LEVEL',
    doc: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  logFormat: {
    name: 'LOG_FORMAT',
    doc: 'json (one object per line, for log shippers) or pretty (for people)',
    default: 'json',
    parse: oneOf('json', 'pretty'),
  },
  dataDir: {
    name: 'DATA_DIR',
    doc: "Embedded database directory ('memory' keeps it in RAM)",
    default: './data',
    parse: str,
  },
  embeddedTemplateDir: {
    name: 'EMBEDDED_TEMPLATE_DIR',
    doc: 'With DATA_DIR=memory: folder where the first start leaves a migrated copy of the empty database and later starts begin from it (tests); unset → off',
    default: undefined,
    parse: str,
  },
  databaseUrl: {
    name: 'DATABASE_URL',
    doc: 'postgres://… of a TimescaleDB or PostgreSQL ≥ 14; unset → embedded database',
    default: undefined,
    parse: url('postgres', 'postgresql'),
  },
  databaseSchema: {
    name: 'DATABASE_SCHEMA',
    doc: 'PostgreSQL schema to use (created if missing); unset → the default search_path',
    default: undefined,
    parse: identifier,
  },
  mqttUrl: {
    name: 'MQTT_URL',
    doc: 'mqtt://… of an MQTT 3.1.1/5 broker; unset → embedded broker on MQTT_PORT',
    default: undefined,
    parse: url('mqtt', 'mqtts', 'tcp', 'ssl', 'ws', 'wss'),
  },
  mqttPort: {
    name: 'MQTT_PORT',
    doc: 'Port of the embedded broker (when MQTT_URL is unset)',
    default: '1883',
    parse: int(0, 65535),
  },
  mqttClientId: {
    name: 'MQTT_CLIENT_ID',
    doc: 'Client id of the ingest subscription (persistent session; one per server instance)',
    default: 'rb-ingest',
    parse: clientId,
  },
  mqttSessionExpiryS: {
    name: 'MQTT_SESSION_EXPIRY_S',
    doc: 'How long the broker keeps the ingest session (and its queued points) while the server is down',
    default: '86400',
    parse: int(60, 4_294_967_295),
  },
  mqttProtocolVersion: {
    name: 'MQTT_PROTOCOL_VERSION',
    doc: "MQTT version of the ingest subscription: 5 (receive maximum 65,535 in flight) or 4 = 3.1.1 (then raise the broker's max_inflight_messages)",
    default: '5',
    parse: (raw: string): 4 | 5 => {
      if (raw !== '4' && raw !== '5') throw new Error('must be 4 or 5')
      return raw === '4' ? 4 : 5
    },
  },
  mqttMaxPacketKb: {
    name: 'MQTT_MAX_PACKET_KB',
    doc: 'Largest MQTT packet a device may send the embedded broker (a larger one closes the connection, nothing is acknowledged), and largest pos/batch payload the ingest takes from any broker, KiB',
    default: '256',
    parse: int(16, 65_536),
  },
  mqttConnectTimeoutS: {
    name: 'MQTT_CONNECT_TIMEOUT_S',
    doc: 'Embedded broker: a connection that has not sent its CONNECT within this is closed, s',
    default: '10',
    parse: int(1, 600),
  },
  mqttMaxConnections: {
    name: 'MQTT_MAX_CONNECTIONS',
    doc: 'Embedded broker: most device connections at once; more are refused',
    default: '10000',
    parse: int(1, 1_000_000),
  },
  retentionDays: {
    name: 'RETENTION_DAYS',
    doc: 'Positions and vehicle events older than this are deleted (at least 183)',
    default: '400',
    parse: int(183, 36_500),
  },
  compressAfterDays: {
    name: 'COMPRESS_AFTER_DAYS',
    doc: 'TimescaleDB compresses telemetry older than this',
    default: '3',
    parse: int(1, 3650),
  },
  maintenanceIntervalS: {
    name: 'MAINTENANCE_INTERVAL_S',
    doc: 'How often retention (plain PostgreSQL) or policy jobs (embedded) run',
    default: '3600',
    parse: int(10, 86_400),
  },
  ingestBatchMax: {
    name: 'INGEST_BATCH_MAX',
    doc: 'Most points written in one database transaction',
    default: '2000',
    parse: int(1, 50_000),
  },
  ingestFlushMs: {
    name: 'INGEST_FLUSH_MS',
    doc: 'Longest a point waits before its batch is written, ms',
    default: '50',
    parse: int(1, 10_000),
  },
  ingestMaxPending: {
    name: 'INGEST_MAX_PENDING',
    doc: 'Points held in memory while the database is slow or down; beyond it intake pauses (nothing is dropped)',
    default: '100000',
    parse: int(100, 10_000_000),
  },
  ingestRetryMaxMs: {
    name: 'INGEST_RETRY_MAX_MS',
    doc: 'Longest backoff between write retries while the database is down, ms',
    default: '5000',
    parse: int(100, 600_000),
  },
  maxFutureSkewS: {
    name: 'MAX_FUTURE_SKEW_S',
    doc: 'A fix more than this ahead of the server clock is dropped as future_ts',
    default: '300',
    parse: int(0, 86_400),
  },
  liveTickMs: {
    name: 'LIVE_TICK_MS',
    doc: 'Live push tick: positions are coalesced and emitted once per room per tick',
    default: '200',
    parse: int(20, 5_000),
  },
  trackingTickMs: {
    name: 'TRACKING_TICK_MS',
    doc: 'How often the tracking engine runs its clock rules and stores and pushes what it produced, ms',
    default: '1000',
    parse: int(100, 60_000),
  },
  trackingReplayMin: {
    name: 'TRACKING_REPLAY_MIN',
    doc: 'At start, stored positions of this many minutes are replayed to rebuild trips in progress; 0 = none',
    default: '30',
    parse: int(0, 1440),
  },
  offRouteM: {
    name: 'OFF_ROUTE_M',
    doc: 'A bus farther than this from its route line is off route, m',
    default: '100',
    parse: int(20, 2000),
  },
  offlineAfterS: {
    name: 'OFFLINE_AFTER_S',
    doc: 'A bus in service silent this long raises an offline alert, s',
    default: '180',
    parse: int(10, 86_400),
  },
  etaGraceS: {
    name: 'ETA_GRACE_S',
    doc: 'A live ETA stands this long after the bus\'s last fix; past it riders see "no live position — timetable HH:MM" and the age of the last fix, s',
    default: '120',
    parse: int(20, 3600),
  },
  tripLostAfterS: {
    name: 'TRIP_LOST_AFTER_S',
    doc: 'A bus silent this long on a trip: the trip board shows the trip lost, s',
    default: '900',
    parse: int(60, 86_400),
  },
  lateStartS: {
    name: 'LATE_START_S',
    doc: 'An assigned trip not departed this long after its time raises a late-start alert, s',
    default: '300',
    parse: int(0, 86_400),
  },
  defaultSpeedLimitKmh: {
    name: 'DEFAULT_SPEED_LIMIT_KMH',
    doc: 'Overspeed limit for a bus off trip (routes carry their own), km/h',
    default: '60',
    parse: int(10, 150),
  },
  countyPrefix: {
    name: 'COUNTY_PREFIX',
    doc: 'Prefix of unified numbers printed on stop signs (XY-0421)',
    default: 'XY',
    parse: (raw: string): string => {
      if (!/^[A-Z]{2,4}$/.test(raw)) throw new Error('must be 2–4 capital letters')
      return raw
    },
  },
  stopToleranceM: {
    name: 'STOP_TOLERANCE_M',
    doc: 'A route stop farther than this from the route line is a validation error, m',
    default: '30',
    parse: int(1, 1000),
  },
  demoData: {
    name: 'DEMO_DATA',
    doc: 'auto: load the demo county into an empty embedded database at first start; off: never',
    default: 'auto',
    parse: oneOf('auto', 'off'),
  },
  jt808Port: {
    name: 'JT808_PORT',
    doc: 'TCP port of the JT/T 808 terminal gateway; 0 = any free port; off = no gateway',
    default: '6808',
    parse: (raw: string): number | null => {
      if (raw === 'off') return null
      const n = Number(raw)
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('must be off or an integer from 0 to 65535')
      return n
    },
  },
  jt808IdleTimeoutS: {
    name: 'JT808_IDLE_TIMEOUT_S',
    doc: 'A JT/T 808 connection that sends nothing for this long is closed (terminals heartbeat every 30–60 s)',
    default: '180',
    parse: int(1, 86_400),
  },
  jt808ReplyTimeoutS: {
    name: 'JT808_REPLY_TIMEOUT_S',
    doc: "Longest wait for a terminal's general reply to a downlink (text message)",
    default: '10',
    parse: int(1, 600),
  },
  jt808MaxConnections: {
    name: 'JT808_MAX_CONNECTIONS',
    doc: 'Most JT/T 808 connections at once; more are refused',
    default: '10000',
    parse: int(1, 1_000_000),
  },
  jt808SubpackageTtlS: {
    name: 'JT808_SUBPACKAGE_TTL_S',
    doc: 'Packets of an unfinished sub-packaged JT/T 808 message (a blind-area upload cut off by a lost connection) are kept this long, in the database, for the rest to arrive, s',
    default: '86400',
    parse: int(60, 30 * 86_400),
  },
  dbStartRetryMaxS: {
    name: 'DB_START_RETRY_MAX_S',
    doc: 'At start, while the database cannot be reached, longest wait between attempts (the wait doubles from 1 s), s',
    default: '30',
    parse: int(1, 3600),
  },
  simVehicles: {
    name: 'SIM_VEHICLES',
    doc: "Simulated buses the server runs on today's timetable after start (a demo fleet over its own broker): roster = every vehicle with a duty today runs exactly its duty's trips; N = at most N vehicles, rostered ones first; 0 = none",
    default: 'roster',
    parse: (raw: string): number | 'roster' => {
      if (raw === 'roster') return 'roster'
      const n = Number(raw)
      if (!Number.isInteger(n) || n < 0 || n > 5000) throw new Error('must be roster or an integer from 0 to 5000')
      return n
    },
  },
  simSpeed: {
    name: 'SIM_SPEED',
    doc: 'Speed-up of that demo fleet (1 = real time; faster runs catch up to the clock, then go on at 1×)',
    default: '1',
    parse: int(1, 60),
  },
  rosterAuto: {
    name: 'ROSTER_AUTO',
    doc: 'on: today and tomorrow get a roster when they have none (weekly templates, the planner for the rest, published), at start, every 10 minutes and when the day changes; off: only by hand',
    default: 'on',
    parse: (raw: string): boolean => oneOf('on', 'off')(raw) === 'on',
  },
  rosterDrivingLimitMin: {
    name: 'ROSTER_DRIVING_LIMIT_MIN',
    doc: 'Daily driving limit per driver: most minutes of scheduled trips in one service day',
    default: '480',
    parse: int(60, 1440),
  },
  shutdownTimeoutS: {
    name: 'SHUTDOWN_TIMEOUT_S',
    doc: 'On SIGTERM, longest wait for pending points to be written',
    default: '30',
    parse: int(1, 3600),
  },
  nodeEnv: {
    name: 'NODE_ENV',
    doc: 'production: demo accounts and published passwords never sign in, device auth is forced on',
    default: 'development',
    parse: str,
  },
  adminPassword: {
    name: 'ADMIN_PASSWORD',
    doc: 'Password of the first admin account (user admin), used only when no account exists; unset → a generated password printed once in the log',
    default: undefined,
    parse: str,
  },
  sessionTtlH: {
    name: 'SESSION_TTL_H',
    doc: 'A sign-in session ends this many hours after sign-in',
    default: '12',
    parse: int(1, 720),
  },
  loginLimitPerClient: {
    name: 'LOGIN_LIMIT_PER_CLIENT',
    doc: 'Sign-in attempts per client address per 15 minutes; 0 = unlimited',
    default: '30',
    parse: int(0, 1_000_000),
  },
  loginFreeFailures: {
    name: 'LOGIN_FREE_FAILURES',
    doc: 'Failed sign-ins per user name (from addresses it never signed in from) and per address before each further attempt waits 1 s, doubling per failure up to LOGIN_DELAY_MAX_S; forgotten after a day without failures',
    default: '5',
    parse: int(1, 1000),
  },
  loginDelayMaxS: {
    name: 'LOGIN_DELAY_MAX_S',
    doc: 'Longest wait between sign-in attempts after failures, s',
    default: '900',
    parse: int(1, 86_400),
  },
  publicRateLimit: {
    name: 'PUBLIC_RATE_LIMIT',
    doc: 'Requests per minute per client address without a session (health and metrics excepted); 0 = unlimited',
    default: '600',
    parse: int(0, 10_000_000),
  },
  trustProxy: {
    name: 'TRUST_PROXY',
    doc: 'Reverse proxies whose X-Forwarded-For gives the client address (rate limits, audit): off, on (any), or addresses/CIDRs separated by commas',
    default: 'off',
    parse: (raw: string): boolean | string => {
      if (raw === 'off') return false
      if (raw === 'on') return true
      if (!/^[0-9a-fA-F.:/, ]+$/.test(raw))
        throw new Error('must be off, on, or IP addresses/CIDRs separated by commas')
      return raw
    },
  },
  redisUrl: {
    name: 'REDIS_URL',
    doc: 'Cluster mode: several instances share the load through this Redis (socket rooms, vehicle ownership); needs DATABASE_URL and MQTT_URL',
    default: undefined,
    parse: url('redis', 'rediss'),
  },
  instanceId: {
    name: 'INSTANCE_ID',
    doc: 'Name of this instance in a cluster (unique per instance)',
    default: `${hostname()}-${process.pid}`,
    parse: (raw: string): string => {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) throw new Error('letters, digits, . _ - (at most 64)')
      return raw
    },
  },
  instanceUrl: {
    name: 'INSTANCE_URL',
    doc: 'How the other instances of a cluster reach this one over HTTP; default http://<host name>:<port>',
    default: undefined,
    parse: url('http', 'https'),
  },
  clusterName: {
    name: 'CLUSTER_NAME',
    doc: 'Prefix of the Redis keys and channels: instances with the same name form one cluster',
    default: 'rb',
    parse: (raw: string): string => {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(raw)) throw new Error('letters, digits, _ - (at most 32)')
      return raw
    },
  },
  clusterPartitions: {
    name: 'CLUSTER_PARTITIONS',
    doc: 'Vehicles hash into this many partitions, each owned by one instance (the same on every instance); 1 = one leader holds all live state and the others pass live reads to it',
    default: '1',
    parse: int(1, 4096),
  },
  mqttSharedGroup: {
    name: 'MQTT_SHARED_GROUP',
    doc: 'Ingest through the MQTT shared subscription $share/<group>/… so instances split the messages; default rb-ingest in cluster mode',
    default: undefined,
    parse: (raw: string): string => {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new Error('letters, digits, _ - (at most 64)')
      return raw
    },
  },
  deviceAuth: {
    name: 'DEVICE_AUTH',
    doc: 'Embedded broker: on = devices sign in per vehicle (user name = vehicle id, password = its device secret) and publish only under their own topics; auto = on when NODE_ENV=production',
    default: 'auto',
    parse: oneOf('auto', 'on', 'off'),
  },
  bookingWaitlistSeats: {
    name: 'BOOKING_WAITLIST_SEATS',
    doc: 'Most seats the waitlist of one trip instance holds; 0 = a full trip refuses further bookings',
    default: '10',
    parse: int(0, 1000),
  },
  bookingRateLimit: {
    name: 'BOOKING_RATE_LIMIT',
    doc: 'Public booking requests (book, look up, cancel) per minute per client address; 0 = unlimited',
    default: '20',
    parse: int(0, 1_000_000),
  },
  bookingAccountRateLimit: {
    name: 'BOOKING_ACCOUNT_RATE_LIMIT',
    doc: 'The same requests per minute per signed-in account (drivers, staff); 0 = unlimited',
    default: '60',
    parse: int(0, 1_000_000),
  },
  bookingPhoneTripSeats: {
    name: 'BOOKING_PHONE_TRIP_SEATS',
    doc: 'Most seats one phone holds on one trip (its active bookings together), booked through the public API',
    default: '4',
    parse: int(1, 1000),
  },
  bookingPhoneTripBookings: {
    name: 'BOOKING_PHONE_TRIP_BOOKINGS',
    doc: 'Most active bookings of one phone on one trip, booked through the public API',
    default: '2',
    parse: int(1, 100),
  },
  bookingPhoneDaily: {
    name: 'BOOKING_PHONE_DAILY',
    doc: 'Most booking requests taken from one phone in 24 hours through the public API; 0 = no cap',
    default: '6',
    parse: int(0, 100_000),
  },
  bookingAddressDaily: {
    name: 'BOOKING_ADDRESS_DAILY',
    doc: 'Most booking requests taken from one client address without a session in 24 hours; 0 = no cap',
    default: '12',
    parse: int(0, 1_000_000),
  },
  bookingAccountDaily: {
    name: 'BOOKING_ACCOUNT_DAILY',
    doc: 'Most bookings one signed-in account (dispatcher, driver, any role) makes in 24 hours; 0 = no cap',
    default: '60',
    parse: int(0, 1_000_000),
  },
  bookingVerify: {
    name: 'BOOKING_VERIFY',
    doc: "SMS code confirmation of a villager's phone: off; demand = on on-demand trips and trips in high demand; always",
    default: 'off',
    parse: oneOf('off', 'demand', 'always'),
  },
  bookingVerifyHoldS: {
    name: 'BOOKING_VERIFY_HOLD_S',
    doc: 'How long the seats of a booking are held while its phone confirms the SMS code, s',
    default: '300',
    parse: int(1, 3600),
  },
  bookingVerifyRememberDays: {
    name: 'BOOKING_VERIFY_REMEMBER_DAYS',
    doc: 'A phone that confirmed a code is not asked again for this many days; 0 = ask every time',
    default: '30',
    parse: int(0, 3650),
  },
  bookingHighDemandPct: {
    name: 'BOOKING_HIGH_DEMAND_PCT',
    doc: 'BOOKING_VERIFY=demand: a trip is in high demand once this share of its seats is taken, %',
    default: '50',
    parse: int(0, 100),
  },
  onDemandCheckS: {
    name: 'ON_DEMAND_CHECK_S',
    doc: 'How often on-demand trips past their booking cutoff are confirmed or cancelled, s',
    default: '30',
    parse: int(1, 3600),
  },
  notifyWebhookUrl: {
    name: 'NOTIFY_WEBHOOK_URL',
    doc: 'SMS gateway webhook: each message is POSTed there as JSON (docs/booking.md); unset → messages are written to the log',
    default: undefined,
    parse: url('http', 'https'),
  },
  notifyWebhookToken: {
    name: 'NOTIFY_WEBHOOK_TOKEN',
    doc: 'Sent to the webhook as Authorization: Bearer <token>',
    default: undefined,
    parse: str,
  },
  notifyRetryBaseS: {
    name: 'NOTIFY_RETRY_BASE_S',
    doc: 'First retry of an undelivered message after this; doubles per failed attempt, s',
    default: '5',
    parse: int(1, 3600),
  },
  notifyRetryMaxS: {
    name: 'NOTIFY_RETRY_MAX_S',
    doc: 'Longest wait between retries of an undelivered message (retried until delivered), s',
    default: '600',
    parse: int(1, 86_400),
  },
  smsInboundSecret: {
    name: 'SMS_INBOUND_SECRET',
    doc: 'Shared secret the SMS provider adapter sends as X-SMS-Secret to POST /api/sms/inbound (docs/villager.md); unset → inbound SMS is off (503)',
    default: undefined,
    parse: str,
  },
  smsInboundPerHour: {
    name: 'SMS_INBOUND_PER_HOUR',
    doc: 'Texts one phone may send per hour and get answers to (more are logged, not answered)',
    default: '10',
    parse: int(1, 10_000),
  },
  reminderMaxPerPhone: {
    name: 'REMINDER_MAX_PER_PHONE',
    doc: '"Tell me when it comes" reminders one phone may have waiting at once',
    default: '3',
    parse: int(1, 100),
  },
  reminderRateLimit: {
    name: 'REMINDER_RATE_LIMIT',
    doc: 'Reminders set per client address per hour from the villager page; 0 = unlimited',
    default: '10',
    parse: int(0, 1_000_000),
  },
  reminderCheckS: {
    name: 'REMINDER_CHECK_S',
    doc: 'How often waiting reminders are checked against where the buses are, s',
    default: '5',
    parse: int(1, 600),
  },
  villagerHotline: {
    name: 'VILLAGER_HOTLINE',
    doc: "A county-wide number the villager page offers to call (tel: link) when no operator of the stop's routes has a phone on file",
    default: undefined,
    parse: str,
  },
  reportPhotoMaxKb: {
    name: 'REPORT_PHOTO_MAX_KB',
    doc: 'Largest photo a repair report may carry, KiB (after base64 decoding)',
    default: '2048',
    parse: int(16, 20_480),
  },
  reportPhotoMaxMegapixels: {
    name: 'REPORT_PHOTO_MAX_MEGAPIXELS',
    doc: 'Most pixels of a repair report photo, in megapixels; a larger one is refused before it is decoded',
    default: '24',
    parse: int(1, 50),
  },
  reportPhotoMaxSidePx: {
    name: 'REPORT_PHOTO_MAX_SIDE_PX',
    doc: 'Most pixels on either side of a repair report photo',
    default: '8192',
    parse: int(64, 16_384),
  },
  reportPhotoStore: {
    name: 'REPORT_PHOTO_STORE',
    doc: 'Where repair report photos are kept: auto (files under UPLOADS_DIR; the database when DATA_DIR=memory or REDIS_URL is set), files, or db',
    default: 'auto',
    parse: oneOf('auto', 'files', 'db'),
  },
  uploadsDir: {
    name: 'UPLOADS_DIR',
    doc: 'Directory of repair report photo files; unset → DATA_DIR/uploads',
    default: undefined,
    parse: str,
  },
  reportRateLimit: {
    name: 'REPORT_RATE_LIMIT',
    doc: 'Repair reports per minute per client address without a session; 0 = unlimited',
    default: '10',
    parse: int(0, 100_000),
  },
  studentRetentionDays: {
    name: 'STUDENT_RETENTION_DAYS',
    doc: "Pupil rosters, boarding checks and guardians' messages are deleted this many days after their school term ends (docs/student-buses.md)",
    default: '30',
    parse: int(0, 3650),
  },
  studentCheckS: {
    name: 'STUDENT_CHECK_S',
    doc: "How often student runs are checked: the bus 10 minutes from a pupil's stop (guardians' SMS), drivers who have not confirmed the bus empty, s",
    default: '10',
    parse: int(1, 600),
  },
  studentRemindS: {
    name: 'STUDENT_REMIND_S',
    doc: 'After a student run ends with a pupil on board, the driver is told again this often until they confirm the bus empty, s',
    default: '120',
    parse: int(10, 3600),
  },
  noticeRemindAfterH: {
    name: 'NOTICE_REMIND_AFTER_H',
    doc: 'A notice to drivers not read after this many hours gets one reminder (driver page, terminal, SMS), unless its writer chose another number; 0 = no reminder by default (docs/engagement.md)',
    default: '4',
    parse: int(0, 720),
  },
  noticeSweepS: {
    name: 'NOTICE_SWEEP_S',
    doc: 'How often unread notices are checked for drivers due their reminder, s',
    default: '60',
    parse: int(1, 3600),
  },
} satisfies { [K in Exclude<keyof Config, 'defaulted'>]: Spec<Config[K]> }

/** What a basemap preset needs besides itself (checked once the variables are parsed). */
function basemapProblems(out: Record<string, unknown>, env: Env): string[] {
  const preset = out.basemap as BasemapPreset | undefined
  const url = out.basemapUrl as string | undefined
  const problems: string[] = []
  if ((preset === 'tianditu' || preset === 'tianditu-imagery') && !env.TIANDITU_KEY?.trim())
    problems.push(`BASEMAP=${preset}: needs TIANDITU_KEY, the county's Tianditu key`)
  if ((preset === 'xyz' || preset === 'tilejson') && !url) problems.push(`BASEMAP=${preset}: needs BASEMAP_URL`)
  if (preset === 'pmtiles' && !url && !out.basemapFile)
    problems.push(
      'BASEMAP=pmtiles: needs BASEMAP_URL (an archive on a web server) or BASEMAP_FILE (a file this server serves)',
    )
  if (preset === 'pmtiles' && url && out.basemapFile)
    problems.push('BASEMAP=pmtiles: set BASEMAP_URL or BASEMAP_FILE, not both')
  const templated = (preset === 'xyz' || (preset === 'auto' && !out.basemapFile)) && url
  if (templated && !(url.includes('{z}') && url.includes('{x}') && url.includes('{y}')))
    problems.push(`BASEMAP_URL=${JSON.stringify(url)}: a tile template must contain {z}, {x} and {y}`)
  return problems
}

/** Parses and validates the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: Env): Config {
  const problems: string[] = []
  const out: Record<string, unknown> = {}
  const defaulted = new Set<string>()
  for (const [key, spec] of Object.entries(CONFIG_SPEC) as [keyof Config, Spec<unknown>][]) {
    const given = env[spec.name]?.trim()
    if (!given) defaulted.add(spec.name)
    const raw = given || spec.default
    if (raw === undefined) {
      out[key] = undefined
      continue
    }
    try {
      out[key] = spec.parse(raw)
    } catch (err) {
      problems.push(`${spec.name}=${JSON.stringify(raw)}: ${(err as Error).message}`)
    }
  }
  if (out.redisUrl && !out.databaseUrl)
    problems.push('REDIS_URL: cluster mode needs DATABASE_URL (the instances share one database)')
  if (out.redisUrl && !out.mqttUrl)
    problems.push('REDIS_URL: cluster mode needs MQTT_URL (the instances share one broker)')
  if (out.redisUrl && out.mqttUrl && !out.mqttSharedGroup) out.mqttSharedGroup = 'rb-ingest'
  if (out.nodeEnv === 'production' && out.deviceAuth === 'off')
    problems.push('DEVICE_AUTH="off": devices must sign in when NODE_ENV=production (use on or auto)')
  const adminProblem =
    typeof out.adminPassword === 'string'
      ? passwordProblem(out.adminPassword, 'admin', [...WEAK_PASSWORDS, ...Object.values(DEMO_PASSWORDS)])
      : null
  if (adminProblem) problems.push(`ADMIN_PASSWORD: the password ${adminProblem}`)
  problems.push(...basemapProblems(out, env))
  if (problems.length > 0) throw new ConfigError(problems)
  return { ...out, defaulted } as unknown as Config
}
