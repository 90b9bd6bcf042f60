/**
 * Composition root: builds the server from explicit pieces — config, database, metrics, live
 * state, live hub, ingest, broker — each start-up step adding its undo, and shuts them down in
 * reverse (also when a step fails part-way). `main.ts` only listens.
 */
import { hostname } from 'node:os'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DEFAULT_LIMITS } from '@rb/protocol'
import { openDatabase, runMaintenance, telemetryRepo, type Db, type StorageMode } from '@rb/db'
import type { Config } from './config.js'
import { createMetrics, type Metrics } from './metrics.js'
import { createIngestWriter } from './ingest/writer.js'
import { Ingest } from './ingest/pipeline.js'
import { LatestState } from './live/latest-state.js'
import { LiveHub } from './live/hub.js'
import { embeddedLimits, startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.js'
import { listenWithFallback } from './ports.js'
import { startMqttSource, type MqttSource } from './broker/mqtt-source.js'
import { installErrorHandler } from './http/errors.js'
import { textInputOnRoute } from './http/text-input.js'
import { healthRoutes } from './routes/health.js'
import { telemetryRoutes } from './routes/telemetry.js'
import { NetworkService } from './network/service.js'
import { registerOpenApi } from './http/openapi.js'
import { stopRoutes } from './routes/network/stops.js'
import { lineRoutes } from './routes/network/lines.js'
import { timetableRoutes } from './routes/network/timetable.js'
import { fleetRoutes } from './routes/network/fleet.js'
import { seedDemoCounty } from './network/demo.js'
import { basemapRoutes, basemapSpec, demoArchive } from './basemap/index.js'
import { gtfsRoutes } from './routes/network/gtfs.js'
import { homeRoutes } from './routes/home.js'
import { consoleRoutes } from './routes/console.js'
import { SimControl } from './sim/control.js'
import { simRoutes } from './sim/routes.js'
import { Jt808Gateway } from './jt808/gateway.js'
import { jt808Routes } from './jt808/routes.js'
import { bookingLimitRoutes, bookingRoutes, driverRoutes, startBooking, type BookingModule } from './booking/index.js'
import { reportRoutes, startReports, type ReportService } from './reports/index.js'
import { parcelRoutes, seedDemoParcels, startParcels, trackPageRoutes, type ParcelModule } from './parcels/index.js'
import { rosterRoutes, startRoster, type RosterModule } from './roster/index.js'
import { seedDemoStudents, startStudents, studentRoutes, type StudentModule } from './students/index.js'
import { AlertService } from './alerts/service.js'
import { DriverMessenger } from './alerts/messages.js'
import { analyticsRoutes } from './analytics/routes.js'
import { embeddedPublisher, mqttPublisher } from './broker/downlink.js'
import { TrackingEngine, brokerSessionLostAlert, enginePolicy, holdsDemoCounty } from '@rb/domain'
import { TrackingHost } from './tracking/host.js'
import { startCluster, type Cluster } from './cluster/index.js'
import { installReadProxy } from './cluster/read-proxy.js'
import { trackingRoutes } from './tracking/routes.js'
import { driverVehicleRoutes } from './tracking/driver-vehicle-routes.js'
import { gtfsRtRoutes } from './tracking/gtfs-rt.js'
import { alertRoutes } from './alerts/routes.js'
import { SettingsService, settingsRoutes } from './settings/index.js'
import { SystemAlerts } from './alerts/system.js'
import { StartupSteps, waitForDatabase } from './startup.js'
import { preferenceRoutes } from './console/preferences.js'
import { holidayRoutes } from './routes/network/holidays.js'
import { geofenceRoutes, startGeofences } from './geofence/index.js'
import { villagerRoutes } from './routes/villager.js'
import { villagerPage } from './routes/villager-page.js'
import { startVillager, type VillagerModule } from './villager/index.js'
import { driverPage } from './routes/driver-page.js'
import { MemoryRateStore, RedisRateStore } from './http/rate-limit.js'
import {
  AuthService,
  bootstrapAccounts,
  deviceAuthEnabled,
  installSocketAuth,
  isProduction,
  registerAuth,
  roomGuard,
  simCredentials,
} from './auth/index.js'
import { DeviceAuth } from './broker/device-auth.js'
import { seedDemoEngagement, seedDemoRatings, startEngagement, type EngagementModule } from './engagement/index.js'
import { seedDemoGrid, startGrid, type GridModule } from './grid/index.js'

export interface Services {
  config: Config
  db: Db
  storageMode: StorageMode
  metrics: Metrics
  latest: LatestState
  hub: LiveHub
  ingest: Ingest
  tracking: TrackingHost
  network: NetworkService
  booking: BookingModule
  reports: ReportService
  /** Parcels on the village bus: post points, consignment, custody scans (docs/parcels.md). */
  parcels: ParcelModule
  /** Duties, templates, publication and the automatic roster of today and tomorrow. */
  roster: RosterModule
  /** Student buses: schools, rosters, boarding checks, guardians' SMS, no child left on the bus. */
  students: StudentModule
  /** County settings (lateness policy, missed-trip grace, daily driving limit). */
  settings: SettingsService
  sim: SimControl
  /** The stop page's days ahead, reminders, inbound SMS. */
  villager: VillagerModule
  /** Notices to drivers and surveys (docs/engagement.md). */
  engagement: EngagementModule
  /** Grid reporters: registration, points, leaderboard (docs/engagement.md#grid-reporters). */
  grid: GridModule
  /** Port of the embedded broker, when it runs. */
  mqttPort: number | undefined
  /** The JT/T 808 gateway and its port, unless JT808_PORT=off. */
  jt808: Jt808Gateway | undefined
  jt808Port: number | undefined
  /** Cluster mode (REDIS_URL): partition leases and the live router. */
  cluster: Cluster | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    rb: Services
  }
}

export interface BuildOptions {
  /** A pino logger or fastify logger options; default: pino at config.logLevel. */
  logger?: FastifyBaseLogger
  /** `main`: with DATABASE_URL, wait for PostgreSQL at start instead of failing (aborted on SIGTERM). */
  waitForDatabase?: { signal: AbortSignal }
}

function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  if (config.logFormat === 'pretty') {
    return {
      level: config.logLevel,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } },
    }
  }
  return { level: config.logLevel }
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = createApp(config, opts)
  installErrorHandler(app)
  // Every route: NUL and lone surrogates refused (400, field named), control characters removed.
  app.addHook('onRoute', textInputOnRoute)
  // Each part started keeps its undo: they run last first if a later part fails, and on close.
  const steps = new StartupSteps(app.log)
  await steps.run(() => compose(app, config, opts, steps))
  app.addHook('onClose', () => steps.undo())
  return app
}

type App = ReturnType<typeof createApp>

function createApp(config: Config, opts: BuildOptions) {
  return Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: loggerOptions(config) }),
    // Per-request lines would drown the log (the console polls); errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // The client address behind a reverse proxy: rate limits and the audit log key on it.
    trustProxy: config.trustProxy,
    // Nullable fields list Null first: with type coercion, a string alternative first would turn null into ''.
    ajv: { customOptions: { removeAdditional: 'all', coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()
}

/** Opens, starts and registers everything, in order; `steps` gets each part's undo as it runs. */
async function compose(app: App, config: Config, opts: BuildOptions, steps: StartupSteps): Promise<void> {
  const log = app.log
  const startedAt = Date.now()
  if (opts.waitForDatabase) await waitForDatabase(config, { log, signal: opts.waitForDatabase.signal })
  const retention = { retentionDays: config.retentionDays, compressAfterDays: config.compressAfterDays }
  const opened = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
    retention,
    templateDir: config.embeddedTemplateDir,
  })
  const { db, mode } = opened
  steps.add('database', () => db.close())
  if (mode === 'timescale')
    log.info(
      { db: db.kind, applied: opened.applied },
      'storage: TimescaleDB (hypertables, compression, retention policies)',
    )
  else
    log.warn(
      { db: db.kind, reason: opened.plainReason, applied: opened.applied },
      'storage: plain PostgreSQL tables, app-side retention (no TimescaleDB)',
    )

  const metrics = createMetrics()
  const latest = new LatestState()
  latest.restore(await telemetryRepo.loadLatest(db))
  const auth = new AuthService(db, { production: isProduction(config), sessionTtlMs: config.sessionTtlH * 3_600_000 })
  const network = new NetworkService(db, { countyPrefix: config.countyPrefix, stopToleranceM: config.stopToleranceM })
  // A trip's room (`trip:<id>`) admits staff and the driver assigned to that trip instance.
  const driverOf = (tripInstanceId: string): Promise<string | null> =>
    network.instance(tripInstanceId).then(
      (i) => i.driverId,
      () => null,
    )
  const hub = new LiveHub(app.server, metrics, { tickMs: config.liveTickMs, guard: roomGuard(driverOf) })
  steps.add('live hub', () => hub.close())
  installSocketAuth(hub.io, auth, config.publicUrl, log)
  const tracking = new TrackingHost({
    engine: new TrackingEngine({
      tracker: { offRouteM: config.offRouteM },
      alerts: {
        offlineAfterS: config.offlineAfterS,
        lateStartS: config.lateStartS,
        defaultSpeedLimitKmh: config.defaultSpeedLimitKmh,
      },
      // One freshness rule for every prediction shown (arrivals, villager page, console, GTFS-RT, SMS).
      etaGraceS: config.etaGraceS,
      lostAfterS: Math.max(config.tripLostAfterS, config.etaGraceS),
    }),
    db,
    network,
    hub,
    log,
    tickMs: config.trackingTickMs,
    replayMin: config.trackingReplayMin,
  })
  // One lateness policy for the console, villager page, GTFS-RT (the engine's) and the reports (read per request).
  const settings = await SettingsService.start(db, log)
  steps.add('settings', () => settings.close())
  settings.onChange((s) => tracking.engine.setPolicy(enginePolicy(s)))

  // Geofences follow every fix after tracking (which says the route a bus runs).
  const geofences = await startGeofences({
    db,
    network,
    routeOf: (id) => tracking.engine.state(id)?.routeId ?? null,
    publishAlerts: (a) => hub.publishAlerts(a),
    log,
  })

  // Cluster mode: a vehicle's live stages run on the instance owning it; the router forwards.
  let cluster: Cluster | undefined
  if (config.redisUrl) {
    const started = await startCluster({
      redisUrl: config.redisUrl,
      name: config.clusterName,
      instanceId: config.instanceId,
      partitions: config.clusterPartitions,
      hub,
      local: [latest, tracking, geofences, hub],
      caches: { network, settings },
      log,
    })
    cluster = started
    // The hub first: its last flush goes out through the Redis adapter (closing it twice is a no-op).
    steps.add('cluster', async () => {
      hub.close()
      await started.close()
    })
    log.info(
      { instanceId: config.instanceId, partitions: config.clusterPartitions, owned: cluster.leases.owned.size },
      'cluster mode: sharing the load through Redis',
    )
    installReadProxy(app, {
      leases: cluster.leases,
      instanceId: config.instanceId,
      partitions: config.clusterPartitions,
    })
  }

  const writer = createIngestWriter(db, latest, metrics, log, config)
  steps.add('ingest writer', () => writer.close())
  const ingest = new Ingest({
    writer,
    metrics,
    // A pos/batch the broker let through is taken whole: the batch limit is the packet limit.
    limits: {
      ...DEFAULT_LIMITS,
      maxBatchBytes: config.mqttMaxPacketKb * 1024,
      maxFutureSkewMs: config.maxFutureSkewS * 1000,
    },
    stages: cluster ? [cluster.router] : [latest, tracking, geofences, hub],
    log,
  })

  const deviceAuth = !config.mqttUrl && deviceAuthEnabled(config) ? new DeviceAuth(db, log) : undefined
  log.info(
    { deviceAuth: config.mqttUrl ? 'external broker' : deviceAuth ? 'on' : 'off' },
    config.mqttUrl
      ? "mqtt device sign-in: the external broker's (infra/mosquitto)"
      : deviceAuth
        ? 'mqtt devices sign in per vehicle (DEVICE_AUTH)'
        : 'mqtt devices need no sign-in (DEVICE_AUTH off; development only)',
  )
  let broker: EmbeddedBroker | undefined
  let source: MqttSource | undefined
  const systemAlerts = new SystemAlerts({ db, publish: (alerts) => hub.publishAlerts(alerts), log })
  steps.add('system alerts', () => systemAlerts.close())
  if (config.mqttUrl) {
    source = startMqttSource({
      url: config.mqttUrl,
      clientId: config.mqttClientId,
      sessionExpiryS: config.mqttSessionExpiryS,
      protocolVersion: config.mqttProtocolVersion,
      sharedGroup: config.mqttSharedGroup,
      onUplink: (topic, payload) => ingest.accept(topic, payload),
      waitForRoom: () => writer.waitForRoom(),
      // Lost queued messages: an error log (the source's), a metric and a dispatcher alert.
      onSessionLost: (lost) => {
        metrics.mqttSessionsLost.inc()
        void systemAlerts.raise(brokerSessionLostAlert({ ts: Date.now(), ...lost }))
      },
      log,
    })
    const started = source
    steps.add('mqtt source', () => started.close())
  } else {
    const started = await listenWithFallback(
      config,
      'MQTT_PORT',
      config.mqttPort,
      (port) =>
        startEmbeddedBroker({
          port,
          host: config.host,
          onUplink: (topic, payload) => ingest.accept(topic, payload),
          log,
          deviceAuth,
          ...embeddedLimits(config, metrics),
        }),
      log,
    )
    broker = started
    steps.add('mqtt broker', () => started.close())
  }

  let jt808: Jt808Gateway | undefined
  if (config.jt808Port !== null) {
    const started = await listenWithFallback(
      config,
      'JT808_PORT',
      config.jt808Port,
      (port) =>
        Jt808Gateway.start(
          {
            port,
            host: config.host,
            idleTimeoutMs: config.jt808IdleTimeoutS * 1000,
            replyTimeoutMs: config.jt808ReplyTimeoutS * 1000,
            maxConnections: config.jt808MaxConnections,
            subpackageTtlMs: config.jt808SubpackageTtlS * 1000,
          },
          { db, sink: ingest, waitForRoom: () => writer.waitForRoom(), metrics, log },
        ),
      log,
    )
    jt808 = started
    steps.add('jt808 gateway', () => started.close())
  }

  // The newest position per vehicle reaches `vehicle_latest` once a second, not in every batch.
  const persistLatest = (): Promise<unknown> =>
    latest
      .persist(db, Date.now())
      .catch((err: Error) => log.warn({ err: err.message }, 'could not save latest positions; will retry'))
  const latestTimer = setInterval(() => void persistLatest(), 1000)
  latestTimer.unref()

  const maintenance = setInterval(() => {
    runMaintenance(db, mode, retention, Date.now()).then(
      (r) => log.info(r, 'maintenance done'),
      (err: Error) => log.error({ err: err.message }, 'maintenance failed'),
    )
  }, config.maintenanceIntervalS * 1000)
  maintenance.unref()
  steps.add('timers', () => {
    clearInterval(maintenance)
    clearInterval(latestTimer)
  })

  const demoSeeded = config.demoData === 'auto' && (await seedDemoCounty(db, network, log))
  // The demo's fences were written after the stage read the (then empty) table.
  if (demoSeeded) await geofences.reload()
  await bootstrapAccounts(
    db,
    auth,
    { adminPassword: config.adminPassword, production: isProduction(config), demoSeeded },
    log,
  )
  // Before tracking starts and the demo fleet reads today's trips: today's roster exists.
  const roster = await startRoster({
    config,
    db,
    network,
    log,
    drivingLimitMin: () => settings.get().dailyDrivingLimitMin,
  })
  steps.add('roster', () => roster.close())
  await tracking.start()
  steps.add('tracking', () => tracking.close())
  const sim = new SimControl(log, simCredentials(auth, deviceAuth))
  steps.add('simulated fleet', () => sim.stop())
  // Simulated fleets talk to this server over its own HTTP and MQTT ports, known once it listens.
  app.addHook('onListen', () => {
    const address = app.server.address()
    if (typeof address === 'object' && address)
      sim.setTargets({
        apiUrl: `http://127.0.0.1:${address.port}`,
        mqttUrl: config.mqttUrl ?? `mqtt://127.0.0.1:${broker?.port}`,
      })
    // The other instances of a cluster reach this one here (INSTANCE_URL when the host name is not it).
    if (typeof address === 'object' && address)
      cluster?.leases.setUrl(
        config.instanceUrl ??
          `http://${config.host === '0.0.0.0' || config.host === '::' ? hostname() : config.host}:${address.port}`,
      )
  })
  const publish = broker ? embeddedPublisher(broker.aedes) : source ? mqttPublisher(source.client) : undefined
  const booking = startBooking({ config, db, network, hub, publish, terminals: jt808, log })
  steps.add('booking', () => booking.close())
  // A cancelled trip instance cancels its bookings and tells its passengers and driver.
  network.onCancel((e) => booking.cancellations.onCancelled(e))
  // Grid reporters' points are written in the transaction of the ticket step that confirms a report.
  const grid = startGrid({ db, rule: () => settings.get().gridPoints, kickOutbox: () => booking.outbox.kick() })
  const reports = startReports({
    config,
    db,
    hub,
    network,
    log,
    stepHook: (tx, ticket, step) => grid.service.onTicketStep(tx, ticket, step),
  })
  // Parcels ride the village bus; a cancelled trip moves the parcels waiting for it (keepers told).
  const livePosition = (id: string) => {
    const p = latest.get(id)?.position
    return p ? { lng: p.lng, lat: p.lat, ts: p.ts } : null
  }
  const parcels = startParcels({
    db,
    network,
    tracking,
    prefix: config.countyPrefix,
    publicUrl: config.publicUrl,
    onMessages: () => booking.outbox.kick(),
    log,
    livePosition,
    demoClerk: config.demoData === 'auto' && config.simVehicles !== 0 && db.kind === 'embedded',
  })
  steps.add('parcels', () => parcels.close())
  network.onCancel((e) => parcels.onCancelled(e))
  if (demoSeeded) await seedDemoParcels(parcels.service, log)
  // Days ahead on the stop page, booking states pushed to stop rooms, reminders, inbound SMS.
  const villager = startVillager({ config, db, network, tracking, hub, booking, log })
  steps.add('villager', () => villager.close())
  // Student buses: the checks, the guardians' SMS, and the end of each run watched for a child left on board.
  const students = await startStudents({
    db,
    network,
    tracking,
    latest,
    texter: studentTexter(db, hub, network, publish, jt808, log),
    publishAlerts: (alerts) => hub.publishAlerts(alerts),
    kickOutbox: () => booking.outbox.kick(),
    log,
    retentionDays: config.studentRetentionDays,
    checkMs: config.studentCheckS * 1000,
    remindMs: config.studentRemindS * 1000,
  })
  steps.add('student buses', () => students.close())
  // Notices to drivers (and their unread reminders) and surveys.
  const engagement = startEngagement({
    config,
    db,
    network,
    booking: booking.service,
    settings,
    hub,
    engine: tracking.engine,
    publish,
    terminals: jt808,
    kickOutbox: () => booking.outbox.kick(),
    log,
  })
  steps.add('notices and surveys', () => engagement.close())
  if (demoSeeded) await seedDemoEngagement(db, Date.now(), log)
  if (demoSeeded) await seedDemoRatings(db, Date.now(), log)
  if (demoSeeded) {
    await seedDemoGrid({
      db,
      photos: reports.photos,
      grid: grid.service,
      network: await network.snapshot(),
      now: Date.now(),
      log,
    })
    network.changed()
  }
  if (demoSeeded)
    await seedDemoStudents(
      db,
      await network.snapshot(),
      Date.now(),
      isProduction(config)
        ? null
        : {
            create: (u) =>
              auth.createUser({ ...u, demo: true }).then(
                (r) => ({ id: r.user.id }),
                () => null,
              ),
          },
      log,
    )
  app.decorate('rb', {
    config,
    db,
    storageMode: mode,
    metrics,
    latest,
    hub,
    ingest,
    tracking,
    network,
    booking,
    reports,
    students,
    parcels,
    settings,
    roster,
    sim,
    villager,
    engagement,
    grid,
    mqttPort: broker?.port,
    jt808,
    jt808Port: jt808?.port,
    cluster,
  })

  // Rate limits are counted once for all instances in cluster mode (http/rate-limit.ts).
  await registerAuth(
    app,
    auth,
    db,
    config,
    cluster ? new RedisRateStore(cluster.redis, `${config.clusterName}:rate:`) : new MemoryRateStore(),
  )
  await registerOpenApi(app)

  await app.register(healthRoutes, {
    metrics,
    startedAt,
    probe: {
      async db() {
        try {
          await Promise.race([
            db.query('SELECT 1'),
            new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
          ])
          return { ok: true, kind: db.kind, mode }
        } catch (err) {
          return { ok: false, kind: db.kind, mode, detail: (err as Error).message }
        }
      },
      broker: () =>
        source
          ? {
              ok: source.connected,
              kind: 'external' as const,
              ...(source.connected ? {} : { detail: 'not connected; retrying' }),
            }
          : { ok: true, kind: 'embedded' as const },
      ingest: () => ({ pendingPoints: writer.pendingPoints, writeFailing: writer.isFailing }),
      closing: () => closing,
    },
  })
  await app.register(telemetryRoutes, { db, latest })
  await app.register(stopRoutes, { network, publicUrl: config.publicUrl })
  await app.register(lineRoutes, { network })
  await app.register(timetableRoutes, { network })
  await app.register(holidayRoutes, { network })
  await app.register(geofenceRoutes, { db, stage: geofences })
  await app.register(fleetRoutes, { network })
  await app.register(gtfsRoutes, { network, publicUrl: config.publicUrl })
  await app.register(simRoutes, { sim })
  await app.register(homeRoutes, { mqttUrl: config.mqttUrl, mqttPort: broker?.port, jt808Port: jt808?.port })
  // The basemap: a preset of tile services, or an archive this server serves (the demo county's is made here, once).
  const basemap = basemapSpec(config, holdsDemoCounty((await network.snapshot()).townships))
  await app.register(basemapRoutes, {
    demoArchive: basemap.preset === 'demo' ? demoArchive() : null,
    countyFile: basemap.preset === 'pmtiles' ? (config.basemapFile ?? null) : null,
  })
  await app.register(consoleRoutes, {
    mqttUrl: config.mqttUrl,
    mqttPort: broker?.port,
    jt808Port: jt808?.port,
    basemap,
  })
  await app.register(jt808Routes, { db, gateway: jt808 })
  // Before the booking routes: it adds the per-request limits to them as they are registered.
  await app.register(bookingLimitRoutes, {
    abuse: booking.abuse,
    accountRatePerMin: config.bookingAccountRateLimit,
    publicRatePerMin: config.bookingRateLimit,
  })
  await app.register(bookingRoutes, { booking: booking.service, publicRatePerMin: config.bookingRateLimit })
  await app.register(driverRoutes, { booking: booking.service })
  await app.register(rosterRoutes, { roster: roster.service })
  await app.register(driverPage)
  await app.register(reportRoutes, {
    service: reports,
    photoMaxBytes: config.reportPhotoMaxKb * 1024,
    ratePerMin: config.reportRateLimit,
    reporterOf: (token) => grid.service.reporterOf(token),
  })
  await app.register(analyticsRoutes, { db, settings })
  await app.register(parcelRoutes, { service: parcels.service, views: parcels.views })
  await app.register(trackPageRoutes, { views: parcels.views })
  await app.register(studentRoutes, { students })
  await app.register(settingsRoutes, { settings })
  await app.register(preferenceRoutes, { db })
  await app.register(trackingRoutes, { host: tracking, network, db })
  await app.register(driverVehicleRoutes, { sink: ingest, engine: tracking.engine, network })
  await app.register(alertRoutes, { db, hub, network, engine: tracking.engine, publish, terminals: jt808, log })
  await app.register(gtfsRtRoutes, { host: tracking, network, db, latest })
  await app.register(villagerRoutes, { network, tracking, driverRating: (id) => engagement.ratings.driver(id) })
  await app.register(villagerPage, { network, tracking, schedule: villager.schedule })
  await villager.register(app)
  await engagement.register(app)
  await grid.register(app, config.bookingRateLimit)

  // The last step, so its undo runs first on close: simulated fleet → stop intake → JT/T 808
  // gateway (acks of points taken in go out, then it hangs up) → write what is pending (acks go out)
  // → latest state; the other steps' undos follow in reverse (services, broker side, live hub,
  // database). The fleet, gateway and writer are closed here early; their own undos then do nothing.
  // Points unwritten at the deadline stay unacknowledged: they are resent.
  let closing = false
  app.addHook('preClose', () => {
    closing = true
  })
  steps.add('intake', async () => {
    await sim.stop()
    ingest.stopIntake()
    await jt808?.close()
    const deadline = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), config.shutdownTimeoutS * 1000).unref(),
    )
    const drained = await Promise.race([writer.drain().then(() => 'drained' as const), deadline])
    if (drained === 'timeout')
      log.warn(
        { pendingPoints: writer.pendingPoints },
        'shutdown: points not written in time stay with the broker/devices',
      )
    // What is still unwritten is given back unacknowledged, so the broker side can close.
    writer.close()
    await persistLatest()
  })
}

/** Texts a driver from the system (a child left on board): the bus's terminal (0x8300), its MQTT downlink, the driver page. */
function studentTexter(
  db: Db,
  hub: LiveHub,
  network: NetworkService,
  publish: ReturnType<typeof embeddedPublisher> | undefined,
  terminals: Jt808Gateway | undefined,
  log: FastifyBaseLogger,
) {
  const alerts = new AlertService({
    db,
    publish: (a) => hub.publishAlerts(a),
    checkTrip: async (id) => void (await network.instance(id)),
  })
  // The run's own trip room (the alert names it), not the bus's next trip.
  const messenger = new DriverMessenger({
    db,
    alerts,
    publish,
    terminals,
    emit: (rooms, m) => hub.sendDriverMessage(rooms, m),
    tripOf: async () => null,
    log,
  })
  return {
    send: async (vehicleId: string, text: string, alertId: string) =>
      (
        await messenger.send(vehicleId, text, alertId, {
          username: 'system',
          displayName: '学生车安全 Student bus safety',
        })
      ).channels,
  }
}
