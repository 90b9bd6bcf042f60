/**
 * Runs the simulation core against real time: the virtual clock moves `speed` times faster than
 * the wall clock, each tick hands the core's events to the transport, and stats come out on a
 * timer. `startSimulation` is the one entry point (CLI, tests, the server's worker).
 */
import { serviceDayOf } from '@rb/domain'
import { createFleet } from './model/fleet.js'
import { wireFix, type SimEvent } from './model/types.js'
import { atTimeOfDay, resolveOptions, type SimulationOptions } from './options.js'
import { startLoad } from './load/mode.js'
import { loadNetwork } from './source/index.js'
import { emptyStats, type SimStats } from './stats.js'
import { jt808Transport } from './transport/jt808.js'
import { mqttTransport } from './transport/mqtt.js'
import { withLimit, type Transport, type VehicleLink } from './transport/types.js'
import { openTruthFile, type TruthWriter } from './truth.js'

export interface Simulation {
  stats(): SimStats
  /** Stops early: unsent work is dropped, sent work is drained, connections closed. */
  stop(): Promise<SimStats>
  /** Resolves when the run ends (the day is over, `until` is reached, or `stop()`). */
  done: Promise<SimStats>
  /** The vehicles run and their trips. */
  vehicles: { id: string; trips: string[] }[]
}

/** The ingest drops fixes more than 5 minutes ahead of its clock; stay behind the wall clock. */
const LEAD_IN_MS = 10 * 60_000
const DRAIN_TIMEOUT_MS = 15_000

export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  if (options.load) return startLoad(options, options.load)
  const now = options.now ?? Date.now
  const log = options.onLog ?? (() => {})
  const r = resolveOptions(options, now())
  const { network, warnings } = await loadNetwork(options, r.date)
  const fleet = createFleet(network, r.model, r.selection)
  const stats = emptyStats('timetable', r.protocol, r.speed)
  stats.warnings.push(...warnings)
  if (fleet.unassigned.length > 0)
    stats.warnings.push(
      `${fleet.unassigned.length} trips have no vehicle to run them (the fleet is too small or limited)`,
    )
  if (fleet.notSimulated.length > 0)
    stats.warnings.push(
      `${fleet.notSimulated.length} trips are assigned to vehicles not simulated; they are left to them`,
    )
  if (fleet.vehicles.length === 0)
    stats.warnings.push(
      `no trips to run on ${r.date}${r.selection.routeIds ? ` on routes ${r.selection.routeIds.join(', ')}` : ''}`,
    )

  const wallStart = now()
  const today = serviceDayOf(wallStart) === r.date
  let virtualStart: number
  if (r.fromS !== null) virtualStart = atTimeOfDay(r.date, r.fromS)
  else if (today && r.speed === 1) virtualStart = wallStart
  else virtualStart = (fleet.window?.fromTs ?? atTimeOfDay(r.date, 0)) - LEAD_IN_MS
  const untilTs = r.untilS === null ? Infinity : atTimeOfDay(r.date, r.untilS)
  if (!options.allowFuture && virtualStart > wallStart + 60_000) {
    throw new Error(
      `the run would start at ${new Date(virtualStart).toISOString()}, in the future: the server drops fixes more than 5 minutes ahead of its clock. Pick a past --date or --from, or pass --allow-future`,
    )
  }

  // Skip to the start: what happened before it is not sent, but who is on a trip, out of coverage or at the wheel is kept.
  const running = new Set<string>()
  const downAtStart = new Set<string>()
  const driverAtStart = new Map<string, Extract<SimEvent, { type: 'driver' }>>()
  for (const e of fleet.advance(virtualStart - 1)) {
    if (e.type === 'driver') driverAtStart.set(e.vehicleId, e)
    else if (e.type === 'trip_start') running.add(e.vehicleId)
    else if (e.type === 'trip_end') running.delete(e.vehicleId)
    else if (e.type === 'link_down') downAtStart.add(e.vehicleId)
    else if (e.type === 'link_up') downAtStart.delete(e.vehicleId)
  }

  const transport: Transport =
    r.protocol === 'mqtt'
      ? mqttTransport({
          url: r.mqttUrl,
          username: options.mqttUsername,
          password: options.mqttPassword,
          secrets: options.mqttSecrets,
        })
      : jt808Transport({ host: r.jt808.host, port: r.jt808.port })
  const links = new Map<string, VehicleLink>()
  for (const v of fleet.vehicles) {
    if (r.protocol === 'jt808' && !v.vehicle.jt808Phone) {
      stats.warnings.push(`vehicle ${v.vehicle.id} has no JT/T 808 terminal phone and is left out`)
      continue
    }
    links.set(v.vehicle.id, transport.link(v.vehicle))
  }
  stats.vehicles = links.size
  const opened = await withLimit([...links.values()], options.connectConcurrency ?? 50, (l) => l.open())
  const failed = opened.flatMap((o, i) => (o.status === 'rejected' ? [[...links.keys()][i] as string] : []))
  if (failed.length > 0) {
    const reason = (opened.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason as Error
    if (failed.length === links.size && links.size > 0) {
      await Promise.all([...links.values()].map((l) => l.close().catch(() => {})))
      throw new Error(`no vehicle could connect over ${r.protocol}: ${reason.message}`)
    }
    stats.warnings.push(`${failed.length} vehicles could not connect and are left out (${reason.message})`)
    for (const id of failed) {
      void links
        .get(id)
        ?.close()
        .catch(() => {})
      links.delete(id)
    }
  }
  // Who drives was said at the trip's start, before any dead zone the bus is in now.
  for (const e of driverAtStart.values()) links.get(e.vehicleId)?.announceDriver(e.driver, e.ts)
  for (const id of downAtStart) links.get(id)?.linkDown()

  const truth: TruthWriter | null = options.truthFile
    ? openTruthFile(options.truthFile, {
        seed: r.seed,
        date: r.date,
        from: new Date(virtualStart).toISOString(),
        until: Number.isFinite(untilTs) ? new Date(untilTs).toISOString() : null,
        scenario: r.scenarioName,
        vehicles: fleet.vehicles.map((v) => v.vehicle.id),
        deadZones: fleet.deadZones,
      })
    : null

  const dispatch = (e: SimEvent): void => {
    const link = links.get(e.vehicleId)
    switch (e.type) {
      case 'fix':
        if (!link) return
        link.send(wireFix(e.fix), e.duplicate)
        stats.livePoints++
        stats.pointsSent++
        if (e.duplicate) stats.duplicates++
        break
      case 'batch': {
        const fixes = e.fixes.filter((f) => f.ts >= virtualStart)
        if (!link || fixes.length === 0) return
        link.sendBatch(fixes.map(wireFix))
        stats.batches++
        stats.batchPoints += fixes.length
        stats.pointsSent += fixes.length
        break
      }
      case 'link_down':
        link?.linkDown()
        break
      case 'link_up':
        link?.linkUp()
        break
      case 'truth':
        truth?.write(e.record)
        stats.truthRecords++
        if (e.record.kind === 'fault') stats.faults[e.record.type] = (stats.faults[e.record.type] ?? 0) + 1
        break
      case 'driver':
        link?.announceDriver(e.driver, e.ts)
        break
      case 'trip_start':
        running.add(e.vehicleId)
        break
      case 'trip_end':
        running.delete(e.vehicleId)
        break
    }
    options.onEvent?.(e)
  }

  let lastRateAt = wallStart
  let lastRatePoints = 0
  const snapshot = (): SimStats => {
    const c = transport.counters()
    return {
      ...stats,
      running: running.size,
      connected: c.connected,
      messages: c.messages,
      acked: c.acked,
      reconnects: c.reconnects,
      errors: c.errors,
      lastError: c.lastError,
      elapsedS: (now() - wallStart) / 1000,
      faults: { ...stats.faults },
      warnings: [...stats.warnings],
    }
  }
  const emitStats = (): void => {
    const t = now()
    if (t > lastRateAt) stats.ratePerS = ((stats.pointsSent - lastRatePoints) * 1000) / (t - lastRateAt)
    lastRateAt = t
    lastRatePoints = stats.pointsSent
    options.onStats?.(snapshot())
  }

  let finishing: Promise<SimStats> | null = null
  let resolveDone: (s: SimStats) => void = () => {}
  const done = new Promise<SimStats>((resolve) => (resolveDone = resolve))
  const finish = (failure?: Error): Promise<SimStats> => {
    if (finishing) return finishing
    clearInterval(ticker)
    clearInterval(statsTimer)
    stats.state = 'draining'
    if (failure) stats.warnings.push(`stopped by an error: ${failure.message}`)
    finishing = (async () => {
      const drainFrom = now()
      const drained = await Promise.all([...links.values()].map((l) => l.drain(DRAIN_TIMEOUT_MS)))
      stats.drainS = (now() - drainFrom) / 1000
      const stuck = drained.filter((ok) => !ok).length
      if (stuck > 0)
        stats.warnings.push(`${stuck} vehicles still had unacknowledged messages after ${DRAIN_TIMEOUT_MS / 1000} s`)
      await Promise.all(
        [...links.values()].map((l) => l.close().catch((err: Error) => log(`closing ${l.vehicleId}: ${err.message}`))),
      )
      await truth?.close()
      stats.state = failure ? 'failed' : 'done'
      emitStats()
      const final = snapshot()
      resolveDone(final)
      return final
    })()
    return finishing
  }

  const tick = (): void => {
    try {
      const wall = now()
      let v = virtualStart + (wall - wallStart) * r.speed
      stats.heldAtWallClock = !options.allowFuture && v > wall
      if (stats.heldAtWallClock) v = wall
      const target = Math.min(v, untilTs)
      for (const e of fleet.advance(target)) dispatch(e)
      stats.virtualTs = target
      if (target >= untilTs || fleet.nextTs() === null) void finish()
    } catch (err) {
      void finish(err as Error)
    }
  }
  stats.state = 'running'
  stats.virtualTs = virtualStart
  const ticker = setInterval(tick, options.tickMs ?? 100)
  const statsTimer = setInterval(emitStats, options.statsIntervalMs ?? 1000)
  tick()

  return {
    stats: snapshot,
    stop: () => finish(),
    done,
    vehicles: fleet.vehicles
      .filter((v) => links.has(v.vehicle.id))
      .map((v) => ({ id: v.vehicle.id, trips: v.trips.map((t) => t.id) })),
  }
}
