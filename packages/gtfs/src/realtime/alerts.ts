/**
 * Service alerts for riders, in Chinese and English. The dispatcher's alerts are operational; a
 * rider feed carries only what changes a rider's trip:
 * - a cancelled trip instance not yet over → NO_SERVICE (with the dispatcher's reason, which the
 *   public trip board shows too);
 * - `late_start`, while the trip has still not left → SIGNIFICANT_DELAYS;
 * - `off_route`, while the bus is still away from its route on that trip → DETOUR (stops ahead may
 *   be served late or not at all).
 * Left out: `overspeed`, `early_departure` (driver conduct; the bus's position and the trip update
 * already show it is past the stop), `driver_alarm` (an emergency is for the dispatcher and the
 * police, not the public), `offline` (a device state: the trip update is withdrawn instead),
 * `sign_report` / `road_report` (unconfirmed reports), `on_demand_under_min` (a trip that then
 * does not run is a cancellation).
 */
import { endTs, type EngineInstance, type LiveAlert, type TrackingEngine } from '@rb/domain'
import { rt, type FeedMessage, type transit_realtime } from './bindings.js'
import { clockTime, feedHeader, seconds, tripDescriptor, type FeedContext, type Names } from './context.js'

const { Cause, Effect, SeverityLevel } = rt.Alert

export function alertsFeed(engine: TrackingEngine, stored: readonly LiveAlert[], ctx: FeedContext): FeedMessage {
  const instances = ctx.instances ?? engine.instances()
  const byId = new Map(instances.map((i) => [i.id, i]))
  const entity: transit_realtime.IFeedEntity[] = []
  const seen = new Set<string>()
  const add = (id: string, alert: transit_realtime.IAlert): void => {
    if (seen.has(id)) return
    seen.add(id)
    entity.push({ id, alert })
  }
  for (const inst of [...instances].sort((a, b) => a.departureTs - b.departureTs || a.id.localeCompare(b.id))) {
    if (inst.status === 'cancelled' && endTs(inst) >= ctx.now) add(`cancelled:${inst.id}`, cancellation(inst, ctx))
  }
  for (const a of [...stored].sort((x, y) => x.ts - y.ts || x.id.localeCompare(y.id))) {
    const inst = a.state === 'active' && a.tripInstanceId ? byId.get(a.tripInstanceId) : undefined
    if (!inst || inst.status === 'cancelled') continue
    if (a.type === 'late_start' && notLeft(engine, inst, ctx.now)) add(a.id, lateStart(a, inst, ctx))
    else if (a.type === 'off_route' && a.vehicleId && stillOffRoute(engine, a.vehicleId, inst))
      add(a.id, offRoute(a, inst, ctx))
  }
  return { header: feedHeader(ctx.now), entity }
}

function notLeft(engine: TrackingEngine, inst: EngineInstance, now: number): boolean {
  const p = engine.progressOf(inst.id)
  return !p?.departedTs && !p?.completedTs && endTs(inst) >= now
}

function stillOffRoute(engine: TrackingEngine, vehicleId: string, inst: EngineInstance): boolean {
  return engine.runOf(vehicleId)?.instance.id === inst.id && engine.state(vehicleId)?.offRoute === true
}

function cancellation(inst: EngineInstance, ctx: FeedContext): transit_realtime.IAlert {
  const t = texts(inst, ctx)
  const reason = inst.cancelReason?.trim()
  return {
    activePeriod: [{ end: seconds(endTs(inst)) }],
    informedEntity: [selector(inst)],
    cause: reason ? Cause.OTHER_CAUSE : Cause.UNKNOWN_CAUSE,
    effect: Effect.NO_SERVICE,
    severityLevel: SeverityLevel.WARNING,
    headerText: translated(`${t.route.zh} ${t.time} 班次停运`, `${t.route.en}: the ${t.time} trip is cancelled`),
    descriptionText: translated(
      `${t.date} ${t.time} 从${t.from.zh}开往${t.to.zh}的班次停运。${reason ? `原因：${reason}` : ''}`,
      `The ${t.time} trip from ${t.from.en} to ${t.to.en} on ${t.date} does not run.${reason ? ` Reason: ${reason}` : ''}`,
    ),
  }
}

function lateStart(a: LiveAlert, inst: EngineInstance, ctx: FeedContext): transit_realtime.IAlert {
  const t = texts(inst, ctx)
  return {
    activePeriod: [{ start: seconds(a.ts) }],
    informedEntity: [selector(inst)],
    cause: Cause.UNKNOWN_CAUSE,
    effect: Effect.SIGNIFICANT_DELAYS,
    severityLevel: SeverityLevel.WARNING,
    headerText: translated(`${t.route.zh} ${t.time} 班次晚发`, `${t.route.en}: the ${t.time} trip is late leaving`),
    descriptionText: translated(
      `该班次计划 ${t.time} 从${t.from.zh}发车，车辆尚未出发，沿线各站将晚到。`,
      `It was due to leave ${t.from.en} at ${t.time} and has not left yet; it will reach every stop late.`,
    ),
  }
}

function offRoute(a: LiveAlert, inst: EngineInstance, ctx: FeedContext): transit_realtime.IAlert {
  const t = texts(inst, ctx)
  return {
    activePeriod: [{ start: seconds(a.ts) }],
    informedEntity: [selector(inst)],
    cause: Cause.UNKNOWN_CAUSE,
    effect: Effect.DETOUR,
    severityLevel: SeverityLevel.INFO,
    headerText: translated(`${t.route.zh} ${t.time} 班次临时绕行`, `${t.route.en}: the ${t.time} bus is off its route`),
    descriptionText: translated(
      '车辆暂时偏离常规线路行驶，前方站点可能晚到或不停靠。',
      'The bus has left its usual road for now; it may reach the stops ahead late or not stop there.',
    ),
  }
}

/** The trip instance (and its route) the alert is about; no schedule relationship in a selector. */
function selector(inst: EngineInstance): transit_realtime.IEntitySelector {
  const trip = tripDescriptor(inst)
  delete trip.scheduleRelationship
  return { routeId: inst.routeId, trip }
}

function translated(zh: string, en: string): transit_realtime.ITranslatedString {
  return {
    translation: [
      { text: zh, language: 'zh' },
      { text: en, language: 'en' },
    ],
  }
}

interface Both {
  zh: string
  en: string
}

function texts(
  inst: EngineInstance,
  ctx: FeedContext,
): { route: Both; from: Both; to: Both; time: string; date: string } {
  const both = (n: Names | undefined, fallback: string): Both => ({
    zh: n?.name || fallback,
    en: n?.nameEn || n?.name || fallback,
  })
  const first = inst.stops[0]?.stopCode ?? ''
  const last = inst.stops.at(-1)?.stopCode ?? ''
  const to = both(ctx.network.stops.get(last), last)
  return {
    route: both(ctx.network.routes.get(inst.routeId), inst.routeId),
    from: both(ctx.network.stops.get(first), first),
    to: { zh: inst.headsign || to.zh, en: to.en },
    time: clockTime(inst),
    date: inst.serviceDate,
  }
}
