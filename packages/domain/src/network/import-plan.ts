/**
 * What importing a network (a GTFS feed read into a snapshot) would do to ours, row by row:
 * added, changed, retired, unchanged — and where the feed's ids collide with rows it does not own.
 *
 * A feed owns the rows earlier imports of it made (its external ids). Anything else with one of
 * its ids is a conflict, refused until the operator chooses, per conflict or for all: `keep` ours
 * (the feed's row is left out and its references point at ours), `rename` the feed's row (a new
 * sign code for a stop, `<id>-2` … for the rest), or `replace` ours with it. Rows the feed owned
 * and no longer has are retired. Pure: the caller reads the current network and writes the plan.
 */
import { locateStops } from '@rb/geo'
import { formatStopCode, parseStopCode } from './ids.js'
import { tripProblems } from './timetable.js'
import type { Calendar, NetworkSnapshot, Operator, Route, Stop, Township, Trip, TripFrequency } from './types.js'

export type ImportKind = 'operator' | 'township' | 'stop' | 'calendar' | 'route' | 'trip'
/** In the order rows depend on each other (a stop needs its township, a trip its route …). */
export const IMPORT_KINDS: readonly ImportKind[] = ['operator', 'township', 'stop', 'calendar', 'route', 'trip']
export type ConflictChoice = 'keep' | 'rename' | 'replace'
export const CONFLICT_CHOICES: readonly ConflictChoice[] = ['keep', 'rename', 'replace']

export interface RowOfKind {
  operator: Operator
  township: Township
  stop: Stop
  calendar: Calendar
  route: Route
  trip: Trip
  frequency: TripFrequency
}
export type ChangeKind = keyof RowOfKind

/** One of the feed's ids and the row of ours it became. */
export interface ExternalId {
  kind: ImportKind
  externalId: string
  localId: string
}

export interface ImportChoices {
  /** For every conflict without a choice of its own. */
  all?: ConflictChoice | undefined
  /** Per conflict, by its key `kind:id` (`stop:XY-0001`). */
  each?: Readonly<Record<string, ConflictChoice>> | undefined
}

export interface ImportConflict {
  /** `stop:XY-0001` */
  key: string
  kind: ImportKind
  id: string
  /** Our row and the feed's, in a few words. */
  existing: string
  incoming: string
  /** How many of our rows use ours: routes through a stop, trips of a route or calendar … */
  usedBy: number
  choice: ConflictChoice | null
}

/** A row written by the import: `before` null for an added row, `after` null for a removed one. */
export interface RowChange {
  kind: ChangeKind
  id: string
  action: 'add' | 'update' | 'retire' | 'delete'
  before: unknown
  after: unknown
}

export interface ImportPlan {
  conflicts: ImportConflict[]
  /** Conflicts without a choice; the import is refused while there are any. */
  unresolved: number
  /** In dependency order; undo them in reverse. */
  changes: RowChange[]
  unchanged: Record<ImportKind, number>
  /** Feed ids given another id of ours (new sign codes, renamed conflicts). */
  renamed: ExternalId[]
  /** The feed's rows left out, and why. */
  skipped: string[]
  /** The source's external ids after the import; `added` are new ones. */
  externalIds: { all: ExternalId[]; added: ExternalId[] }
  /** The highest sign number of the county once the import is written. */
  lastStopNumber: number
}

export interface ImportPlanInput {
  /** The feed as a snapshot, with the feed's ids. */
  incoming: NetworkSnapshot
  current: NetworkSnapshot
  /** The rows earlier imports of this source made. */
  owned: readonly ExternalId[]
  countyPrefix: string
  /** The county's highest sign number handed out so far. */
  lastStopNumber: number
  choices: ImportChoices
}

/** How far a kept stop may lie from a route line before the line becomes stop-to-stop, metres. */
const KEPT_STOP_TOLERANCE_M = 500

type Rows = { [K in ImportKind]: RowOfKind[K][] }
const rowsOf = (net: NetworkSnapshot): Rows => ({
  operator: net.operators,
  township: net.townships,
  stop: net.stops,
  calendar: net.calendars,
  route: net.routes,
  trip: net.trips,
})
export const rowId = (kind: ChangeKind, row: unknown): string => {
  if (kind === 'stop') return (row as Stop).code
  if (kind === 'frequency') return (row as TripFrequency).tripId
  return (row as { id: string }).id
}

/** JSON with object keys sorted, so rows compare by value whatever order the database gives keys in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}
export const sameRow = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)

function describe(kind: ImportKind, row: unknown): string {
  if (kind === 'stop') {
    const s = row as Stop
    return `${s.name} (${s.point[1].toFixed(5)}, ${s.point[0].toFixed(5)})`
  }
  if (kind === 'trip') {
    const t = row as Trip
    const hhmm = `${String(Math.floor(t.departureS / 3600)).padStart(2, '0')}:${String(Math.floor((t.departureS % 3600) / 60)).padStart(2, '0')}`
    return `${t.routeId} ${hhmm}`
  }
  return (row as { name: string }).name
}

function usage(kind: ImportKind, id: string, net: NetworkSnapshot): number {
  switch (kind) {
    case 'stop':
      return net.routes.filter((r) => r.active && r.stops.some((s) => s.stopCode === id)).length
    case 'route':
      return net.trips.filter((t) => t.active && t.routeId === id).length
    case 'calendar':
      return net.trips.filter((t) => t.active && t.calendarId === id).length
    case 'operator':
      return (
        net.routes.filter((r) => r.operatorId === id).length + net.vehicles.filter((v) => v.operatorId === id).length
      )
    case 'township':
      return net.stops.filter((s) => s.townshipId === id).length
    case 'trip':
      return 0
  }
}

export function planImport(input: ImportPlanInput): ImportPlan {
  const { incoming, current, countyPrefix } = input
  const incomingRows = rowsOf(incoming)
  const currentRows = rowsOf(current)
  const currentById = Object.fromEntries(
    IMPORT_KINDS.map((k) => [k, new Map((currentRows[k] as unknown[]).map((r) => [rowId(k, r), r]))]),
  ) as { [K in ImportKind]: Map<string, RowOfKind[K]> }
  const owned = Object.fromEntries(IMPORT_KINDS.map((k) => [k, new Map<string, string>()])) as Record<
    ImportKind,
    Map<string, string>
  >
  for (const e of input.owned) owned[e.kind].set(e.externalId, e.localId)
  /** Feed id → our id, per kind, for every feed row that is written or points at ours. */
  const idMap = Object.fromEntries(IMPORT_KINDS.map((k) => [k, new Map<string, string>()])) as Record<
    ImportKind,
    Map<string, string>
  >
  /** Feed rows left out because ours was kept (routes and trips only: the others are pointed at). */
  const dropped = { route: new Set<string>(), trip: new Set<string>() }
  /** Our trips the feed's trips are written to (their headway rows follow the feed's). */
  const feedTrips = new Set<string>()
  /** Stops whose point the feed's routes were measured on no longer holds (ours was kept). */
  const movedStops = new Set<string>()
  const plan: ImportPlan = {
    conflicts: [],
    unresolved: 0,
    changes: [],
    unchanged: { operator: 0, township: 0, stop: 0, calendar: 0, route: 0, trip: 0 },
    renamed: [],
    skipped: [],
    externalIds: { all: [...input.owned], added: [] },
    lastStopNumber: input.lastStopNumber,
  }
  const taken = Object.fromEntries(
    IMPORT_KINDS.map((k) => [
      k,
      new Set([...currentById[k].keys(), ...(incomingRows[k] as unknown[]).map((r) => rowId(k, r))]),
    ]),
  ) as Record<ImportKind, Set<string>>
  const freshId = (kind: ImportKind, id: string): string => {
    if (kind === 'stop') {
      let code = formatStopCode(countyPrefix, ++plan.lastStopNumber)
      while (taken.stop.has(code)) code = formatStopCode(countyPrefix, ++plan.lastStopNumber)
      taken.stop.add(code)
      return code
    }
    let n = 2
    while (taken[kind].has(`${id}-${n}`)) n++
    taken[kind].add(`${id}-${n}`)
    return `${id}-${n}`
  }
  const own = (kind: ImportKind, externalId: string, localId: string): void => {
    if (owned[kind].get(externalId) === localId) return
    const e = { kind, externalId, localId }
    owned[kind].set(externalId, localId)
    plan.externalIds.all.push(e)
    plan.externalIds.added.push(e)
  }
  const write = (kind: ChangeKind, id: string, before: unknown, after: unknown): void => {
    if (before === undefined || before === null) plan.changes.push({ kind, id, action: 'add', before: null, after })
    else if (after === null) plan.changes.push({ kind, id, action: 'delete', before, after: null })
    else if (!sameRow(before, after)) plan.changes.push({ kind, id, action: 'update', before, after })
  }
  const ref = (kind: ImportKind, id: string): string => idMap[kind].get(id) ?? id
  const translate = <K extends ImportKind>(kind: K, row: RowOfKind[K], id: string): RowOfKind[K] => {
    switch (kind) {
      case 'stop': {
        const s = row as Stop
        return { ...s, code: id, townshipId: ref('township', s.townshipId) } as RowOfKind[K]
      }
      case 'route': {
        const r = row as Route
        return relocated(
          {
            ...r,
            id,
            operatorId: ref('operator', r.operatorId),
            stops: r.stops.map((s) => ({ ...s, stopCode: ref('stop', s.stopCode) })),
          },
          r,
          movedStops,
          currentById.stop,
        ) as RowOfKind[K]
      }
      case 'trip': {
        const t = row as Trip
        return { ...t, id, routeId: ref('route', t.routeId), calendarId: ref('calendar', t.calendarId) } as RowOfKind[K]
      }
      case 'operator':
      case 'township':
      case 'calendar':
        return { ...row, id } as RowOfKind[K]
    }
  }

  for (const kind of IMPORT_KINDS) {
    for (const row of incomingRows[kind] as RowOfKind[typeof kind][]) {
      const feedId = rowId(kind, row)
      if (kind === 'trip' && dropped.route.has((row as Trip).routeId)) {
        dropped.trip.add(feedId)
        continue
      }
      const mine = owned[kind].get(feedId)
      if (mine !== undefined) {
        // Ours from an earlier import of this feed: updated in place.
        idMap[kind].set(feedId, mine)
        if (kind === 'trip') feedTrips.add(mine)
        const before = currentById[kind].get(mine)
        const next = carryOver(kind, translate(kind, row, mine), before)
        if (before && sameRow(before, next)) plan.unchanged[kind]++
        else write(kind, mine, before ?? null, next)
        continue
      }
      const existing = currentById[kind].get(feedId)
      if (existing && kind === 'township') {
        // A zone_id only names a township (the feed has no name or centre for it): ours is used.
        idMap.township.set(feedId, feedId)
        plan.unchanged.township++
        continue
      }
      if (existing) {
        const same = carryOver(kind, translate(kind, row, feedId), existing)
        if (sameRow(existing, same)) {
          idMap[kind].set(feedId, feedId)
          plan.unchanged[kind]++
          continue
        }
        const key = `${kind}:${feedId}`
        const choice = input.choices.each?.[key] ?? input.choices.all ?? null
        plan.conflicts.push({
          key,
          kind,
          id: feedId,
          existing: describe(kind, existing),
          incoming: describe(kind, row),
          usedBy: usage(kind, feedId, current),
          choice,
        })
        if (choice === null) plan.unresolved++
        if (choice === null) {
          // Undecided: the rest is planned as if the feed's row were written, so its conflicts show too.
          idMap[kind].set(feedId, feedId)
          continue
        }
        if (choice === 'keep') {
          idMap[kind].set(feedId, feedId)
          if (kind === 'route' || kind === 'trip') dropped[kind].add(feedId)
          if (kind === 'stop' && !sameRow((existing as Stop).point, (row as Stop).point)) movedStops.add(feedId)
          if (kind === 'route' || kind === 'trip')
            plan.skipped.push(
              `${kind} ${feedId}: ours is kept, so the feed's ${kind === 'route' ? 'route and its trips are' : 'trip is'} left out`,
            )
          continue
        }
        const id = choice === 'rename' ? freshId(kind, feedId) : feedId
        idMap[kind].set(feedId, id)
        own(kind, feedId, id)
        if (kind === 'trip') feedTrips.add(id)
        if (id !== feedId) plan.renamed.push({ kind, externalId: feedId, localId: id })
        write(kind, id, choice === 'replace' ? existing : null, choice === 'replace' ? same : translate(kind, row, id))
        continue
      }
      // New: it keeps the feed's id, but a stop id that is not a sign code gets this county's next one.
      let id = feedId
      if (kind === 'stop') {
        const sign = parseStopCode(feedId)
        if (!sign) id = freshId('stop', feedId)
        else if (sign.prefix === countyPrefix) plan.lastStopNumber = Math.max(plan.lastStopNumber, sign.n)
      }
      if (id !== feedId) plan.renamed.push({ kind, externalId: feedId, localId: id })
      idMap[kind].set(feedId, id)
      own(kind, feedId, id)
      if (kind === 'trip') feedTrips.add(id)
      write(kind, id, null, translate(kind, row, id))
    }
  }
  retireWhatTheFeedDropped(input, incomingRows, currentById, plan)
  retireTripsThatNoLongerFit(current, plan)
  planFrequencies(incoming.frequencies ?? [], current.frequencies ?? [], idMap.trip, feedTrips, plan)
  return plan
}

/**
 * What a feed cannot say is kept from our row when the feed's replaces or updates it: a sign's
 * repair status and installation date, a trip's seats and booking rules.
 */
function carryOver<K extends ImportKind>(kind: K, next: RowOfKind[K], ours: RowOfKind[K] | undefined): RowOfKind[K] {
  if (!ours) return next
  if (kind === 'stop') {
    const [n, o] = [next as Stop, ours as Stop]
    return { ...n, installedOn: o.installedOn, status: o.status === 'removed' ? n.status : o.status } as RowOfKind[K]
  }
  if (kind === 'trip') {
    const [n, o] = [next as Trip, ours as Trip]
    return {
      ...n,
      seats: o.seats,
      bookingPolicy: o.bookingPolicy,
      minRiders: o.minRiders,
      bookingCutoffMin: o.bookingCutoffMin,
    } as RowOfKind[K]
  }
  return next
}

/** Rows an earlier import of this feed made that the feed no longer has: stops removed, routes and trips inactive. */
function retireWhatTheFeedDropped(
  input: ImportPlanInput,
  incoming: Rows,
  currentById: { [K in ImportKind]: Map<string, RowOfKind[K]> },
  plan: ImportPlan,
): void {
  const present = Object.fromEntries(
    IMPORT_KINDS.map((k) => [k, new Set((incoming[k] as unknown[]).map((r) => rowId(k, r)))]),
  ) as Record<ImportKind, Set<string>>
  for (const e of input.owned) {
    if (present[e.kind].has(e.externalId)) continue
    if (e.kind === 'stop') {
      const s = currentById.stop.get(e.localId)
      if (s && s.status !== 'removed')
        plan.changes.push({ kind: 'stop', id: s.code, action: 'retire', before: s, after: { ...s, status: 'removed' } })
    } else if (e.kind === 'route' || e.kind === 'trip') {
      const r = currentById[e.kind].get(e.localId)
      if (r?.active)
        plan.changes.push({ kind: e.kind, id: r.id, action: 'retire', before: r, after: { ...r, active: false } })
    }
  }
}

/** Our trips on a route the import changes, whose stops no longer fit it, are retired with it. */
function retireTripsThatNoLongerFit(current: NetworkSnapshot, plan: ImportPlan): void {
  const written = new Set(plan.changes.filter((c) => c.kind === 'trip').map((c) => c.id))
  for (const change of plan.changes.filter((c) => c.kind === 'route' && c.action !== 'add')) {
    const route = change.after as Route
    for (const trip of current.trips) {
      if (trip.routeId !== route.id || !trip.active || written.has(trip.id)) continue
      const problems = tripProblems(trip, route)
      if (problems.length === 0) continue
      plan.changes.push({
        kind: 'trip',
        id: trip.id,
        action: 'retire',
        before: trip,
        after: { ...trip, active: false },
      })
      plan.skipped.push(`trip ${trip.id} no longer fits route ${route.id} (${problems[0]}) and is retired with it`)
    }
  }
}

function planFrequencies(
  incoming: readonly TripFrequency[],
  current: readonly TripFrequency[],
  tripIds: ReadonlyMap<string, string>,
  feedTrips: ReadonlySet<string>,
  plan: ImportPlan,
): void {
  const currentByTrip = new Map(current.map((f) => [f.tripId, f]))
  const next = new Map<string, TripFrequency>()
  for (const f of incoming) {
    const tripId = tripIds.get(f.tripId) ?? f.tripId
    if (feedTrips.has(tripId)) next.set(tripId, { ...f, tripId })
  }
  // Each of the feed's trips says whether it is a headway run now; one that no longer is loses its row.
  for (const tripId of feedTrips) {
    const before = currentByTrip.get(tripId) ?? null
    const after = next.get(tripId) ?? null
    if (after) plan.changes.push(...frequencyChange(tripId, before, after))
    else if (before) plan.changes.push({ kind: 'frequency', id: tripId, action: 'delete', before, after: null })
  }
}

function frequencyChange(tripId: string, before: TripFrequency | null, after: TripFrequency): RowChange[] {
  if (!before) return [{ kind: 'frequency', id: tripId, action: 'add', before: null, after }]
  return sameRow(before, after) ? [] : [{ kind: 'frequency', id: tripId, action: 'update', before, after }]
}

/**
 * The feed's route on our stops: where a stop of ours was kept and stands elsewhere than the
 * feed's, distances are measured again on the line (or stop to stop when the line misses it).
 */
function relocated(
  route: Route,
  feedRoute: Route,
  moved: ReadonlySet<string>,
  ourStops: ReadonlyMap<string, Stop>,
): Route {
  if (!feedRoute.stops.some((s) => moved.has(s.stopCode))) return route
  const stops = route.stops.map((s) => ({ code: s.stopCode, point: ourStops.get(s.stopCode)?.point ?? [0, 0] }))
  const onLine = locateStops(route.geometry, stops, KEPT_STOP_TOLERANCE_M)
  if (onLine.ok)
    return {
      ...route,
      lengthM: onLine.lengthM,
      stops: route.stops.map((s, i) => ({ ...s, distM: onLine.distancesM[i] ?? 0 })),
    }
  const geometry = stops.map((s) => s.point)
  const line = locateStops(geometry, stops, KEPT_STOP_TOLERANCE_M)
  if (!line.ok) return route
  return {
    ...route,
    geometry,
    lengthM: line.lengthM,
    stops: route.stops.map((s, i) => ({ ...s, distM: line.distancesM[i] ?? 0 })),
  }
}

/** Why an import cannot be undone now: a row of it changed since, or something new depends on a row it added. */
export interface UndoBlocker {
  kind: ChangeKind
  id: string
  reason: string
}

function tableOf(net: NetworkSnapshot, kind: ChangeKind): unknown[] {
  return kind === 'frequency' ? (net.frequencies ?? []) : rowsOf(net)[kind]
}

/**
 * What stands in the way of undoing these changes on the network as it is now: each row the import
 * wrote must still be as it wrote it, and nothing that stays may point at a row it added.
 */
export function undoBlockers(changes: readonly RowChange[], current: NetworkSnapshot): UndoBlocker[] {
  const blockers: UndoBlocker[] = []
  const index = new Map<ChangeKind, Map<string, unknown>>()
  const lookup = (kind: ChangeKind, id: string): unknown => {
    let byId = index.get(kind)
    if (!byId) index.set(kind, (byId = new Map(tableOf(current, kind).map((r) => [rowId(kind, r), r]))))
    return byId.get(id)
  }
  for (const c of changes) {
    const now = lookup(c.kind, c.id)
    if (c.after === null) {
      if (now !== undefined)
        blockers.push({ kind: c.kind, id: c.id, reason: `${c.kind} ${c.id} was added again after the import` })
    } else if (now === undefined) {
      blockers.push({ kind: c.kind, id: c.id, reason: `${c.kind} ${c.id} is gone since the import` })
    } else if (!sameRow(now, c.after)) {
      blockers.push({ kind: c.kind, id: c.id, reason: `${c.kind} ${c.id} was changed after the import` })
    }
  }
  // The network once undone: added rows gone, the others as they were before.
  const restored = new Map<string, unknown>()
  const removed = new Set<string>()
  for (const c of changes) {
    const key = `${c.kind}\u0000${c.id}`
    if (c.before === null) removed.add(key)
    else restored.set(key, c.before)
  }
  const after = <K extends ImportKind>(kind: K): RowOfKind[K][] =>
    (tableOf(current, kind) as RowOfKind[K][]).flatMap((r) => {
      const key = `${kind}\u0000${rowId(kind, r)}`
      return removed.has(key) ? [] : [(restored.get(key) as RowOfKind[K] | undefined) ?? r]
    })
  const gone = (kind: ImportKind): Set<string> =>
    new Set(changes.filter((c) => c.kind === kind && c.before === null).map((c) => c.id))
  const [stops, townships, operators, calendars, routes] = (
    ['stop', 'township', 'operator', 'calendar', 'route'] as const
  ).map(gone) as [Set<string>, Set<string>, Set<string>, Set<string>, Set<string>]
  const uses = (kind: ChangeKind, id: string, what: string): void => {
    blockers.push({ kind, id, reason: `${kind} ${id} ${what}, which the import added` })
  }
  for (const r of after('route')) {
    for (const s of r.stops) if (stops.has(s.stopCode)) uses('route', r.id, `stops at ${s.stopCode}`)
    if (operators.has(r.operatorId)) uses('route', r.id, `is run by operator ${r.operatorId}`)
  }
  for (const s of after('stop')) if (townships.has(s.townshipId)) uses('stop', s.code, `is in township ${s.townshipId}`)
  for (const t of after('trip')) {
    if (routes.has(t.routeId)) uses('trip', t.id, `runs on route ${t.routeId}`)
    if (calendars.has(t.calendarId)) uses('trip', t.id, `runs on calendar ${t.calendarId}`)
  }
  for (const v of current.vehicles)
    if (operators.has(v.operatorId))
      blockers.push({
        kind: 'operator',
        id: v.operatorId,
        reason: `vehicle ${v.id} belongs to operator ${v.operatorId}, which the import added`,
      })
  return blockers
}
