/**
 * GTFS import as one change that can be undone (docs/network.md#gtfs-import): a dry run says what
 * a feed would add, change and retire and where its ids collide with rows it does not own; the
 * import writes that plan in one transaction with its log; undo writes the log back. The rules of
 * the plan are pure (`planImport`, `undoBlockers` in @rb/domain); this is the reading and writing.
 */
import { createHash } from 'node:crypto'
import {
  AppError,
  IMPORT_KINDS,
  planImport,
  undoBlockers,
  type ChangeKind,
  type ExternalId,
  type ImportChoices,
  type ImportConflict,
  type ImportKind,
  type ImportPlan,
  type LngLat,
  type RowChange,
  type RowOfKind,
  type UndoBlocker,
} from '@rb/domain'
import { gtfs } from '@rb/gtfs'
import { networkRepo, type Queryable } from '@rb/db'
import type { NetworkService } from './service.js'

export interface ImportRequest {
  zip: Uint8Array
  choices: ImportChoices
  /** Which feed this is (its rows are matched to the rows earlier imports of it made); default from its agencies. */
  source?: string | undefined
}

type Counts = Record<ChangeKind, number>

export interface ImportPreview {
  source: string
  feedSha256: string
  conflicts: ImportConflict[]
  /** Conflicts still without a choice: the import is refused while there are any. */
  unresolved: number
  added: Counts
  changed: Counts
  removed: Counts
  unchanged: Record<ImportKind, number>
  /** The first rows written, for a person to look over (`changesTotal` says how many there are). */
  changes: { kind: ChangeKind; id: string; action: RowChange['action']; name: string }[]
  changesTotal: number
  renamed: ExternalId[]
  skipped: string[]
  warnings: string[]
}

export interface ImportSummary {
  id: number
  source: string
  feedSha256: string
  createdTs: number
  createdBy: string
  undoneTs: number | null
  undoneBy: string | null
  summary: Record<string, unknown>
}

export interface UndoResult {
  id: number
  deleted: number
  restored: number
}

const MAX_LISTED_CHANGES = 500
const MAX_LISTED_BLOCKERS = 50
const zero = (): Counts => ({ operator: 0, township: 0, stop: 0, calendar: 0, route: 0, trip: 0, frequency: 0 })

function nameOf(change: RowChange): string {
  const row = (change.after ?? change.before) as { name?: string; templateId?: string; routeId?: string }
  return row.name ?? row.templateId ?? row.routeId ?? ''
}

/** The feed's identity when the operator gives none: its agencies (a feed is its publisher's). */
function sourceOf(operators: readonly { id: string }[]): string {
  return `agency:${operators
    .map((o) => o.id)
    .sort()
    .join(',')}`
}

function parse(zip: Uint8Array): gtfs.GtfsImport {
  try {
    return gtfs.importGtfs(zip)
  } catch (err) {
    if (err instanceof gtfs.GtfsError) throw new AppError('VALIDATION_FAILED', err.message, { gtfsCode: err.code })
    throw err
  }
}

export class GtfsImports {
  constructor(
    private readonly network: NetworkService,
    private readonly now: () => number = Date.now,
  ) {}

  /** What the import would do, written nowhere. */
  async dryRun(req: ImportRequest): Promise<ImportPreview> {
    return (await this.#plan(this.network.db, req, false)).preview
  }

  /** Writes the feed as one change; refused with GTFS_CONFLICTS while a conflict has no choice. */
  async apply(
    req: ImportRequest,
    by: string,
    audit?: (q: Queryable, id: number, preview: ImportPreview) => Promise<void>,
  ): Promise<ImportPreview & { importId: number }> {
    const result = await this.network.db.transaction(async (tx) => {
      await networkRepo.lockImports(tx)
      const { preview, plan } = await this.#plan(tx, req, true)
      if (preview.unresolved > 0) {
        throw new AppError(
          'GTFS_CONFLICTS',
          `${preview.unresolved} of the feed's ids are already ours (${preview.conflicts
            .filter((c) => !c.choice)
            .slice(0, 3)
            .map((c) => c.key)
            .join(', ')}${preview.unresolved > 3 ? ', …' : ''}); choose keep, rename or replace for each, or for all`,
          {
            conflicts: preview.conflicts.filter((c) => !c.choice),
          },
        )
      }
      for (const change of plan.changes) {
        if (change.after === null) await networkRepo.deleteRow(tx, change.kind, change.id)
        else await networkRepo.writeRow(tx, change.kind, change.after as RowOfKind[ChangeKind])
      }
      await networkRepo.raiseStopCounter(tx, this.network.settings.countyPrefix, plan.lastStopNumber)
      const summary = {
        added: preview.added,
        changed: preview.changed,
        removed: preview.removed,
        unchanged: preview.unchanged,
        conflicts: preview.conflicts.map((c) => ({ key: c.key, choice: c.choice })),
        renamed: preview.renamed.length,
        warnings: preview.warnings.length,
      }
      const importId = await networkRepo.insertImport(
        tx,
        { source: preview.source, feedSha256: preview.feedSha256, createdBy: by, summary, changes: plan.changes },
        this.now(),
      )
      await networkRepo.addExternalIds(tx, preview.source, importId, plan.externalIds.added)
      await audit?.(tx, importId, preview)
      return { ...preview, importId }
    })
    this.network.changed()
    return result
  }

  async list(limit = 50): Promise<ImportSummary[]> {
    return (await networkRepo.listImports(this.network.db, limit)).map(({ changes: _changes, ...rest }) => rest)
  }

  /**
   * Puts back what the import found, in one transaction: rows it added deleted, rows it changed or
   * retired as they were, its external ids dropped. Refused (IMPORT_UNDO_BLOCKED, naming each
   * reason) when a later import or edit changed its rows or something new depends on them.
   */
  async undo(id: number, by: string, audit?: (q: Queryable, result: UndoResult) => Promise<void>): Promise<UndoResult> {
    const result = await this.network.db.transaction(async (tx) => {
      await networkRepo.lockImports(tx)
      const rec = await networkRepo.getImport(tx, id)
      if (!rec) throw new AppError('IMPORT_NOT_FOUND', `import ${id} does not exist`)
      if (rec.undoneTs !== null)
        throw new AppError('IMPORT_UNDO_BLOCKED', `import ${id} was undone already`, { blockers: [] })
      const blockers = await this.#blockers(tx, rec.id, rec.changes)
      if (blockers.length > 0) {
        const more = blockers.length > 1 ? ` (and ${blockers.length - 1} more)` : ''
        throw new AppError('IMPORT_UNDO_BLOCKED', `import ${id} cannot be undone: ${blockers[0]?.reason}${more}`, {
          blockers: blockers.slice(0, MAX_LISTED_BLOCKERS),
          total: blockers.length,
        })
      }
      let deleted = 0
      try {
        for (const change of [...rec.changes].reverse()) {
          if (change.before === null) {
            await networkRepo.deleteRow(tx, change.kind, change.id)
            deleted++
          } else {
            await networkRepo.writeRow(tx, change.kind, change.before as RowOfKind[ChangeKind])
          }
        }
      } catch (err) {
        // Something we do not model points at an added row (a booking, a report of a stop …).
        if ((err as { code?: string }).code === '23503')
          throw new AppError(
            'IMPORT_UNDO_BLOCKED',
            `import ${id} cannot be undone: a row it added is in use (${(err as Error).message})`,
            { blockers: [] },
          )
        throw err
      }
      await networkRepo.removeExternalIdsOf(tx, id)
      await networkRepo.markUndone(tx, id, by, this.now())
      const out = { id, deleted, restored: rec.changes.length - deleted }
      await audit?.(tx, out)
      return out
    })
    this.network.changed()
    return result
  }

  /**
   * Where the live map opens: around the county's own stops, never a feed's (a feed from far away
   * would open it on the whole world). When every stop came from imports, around all of them.
   */
  async homeView(): Promise<{
    bounds: [number, number, number, number] | null
    stops: number
    basis: 'county' | 'all'
  }> {
    const net = await this.network.snapshot()
    const imported = await networkRepo.importedIds(this.network.db, 'stop')
    const live = net.stops.filter((s) => s.status !== 'removed')
    const own = live.filter((s) => !imported.has(s.code))
    const basis = own.length > 0 ? 'county' : 'all'
    const points = (basis === 'county' ? own : live).map((s) => s.point)
    return { bounds: boundsOf(points), stops: points.length, basis }
  }

  /** The feed publisher of the county's export: its own first operator, never one a feed brought. */
  async publisherName(): Promise<string | undefined> {
    const net = await this.network.snapshot()
    const imported = await networkRepo.importedIds(this.network.db, 'operator')
    return (net.operators.find((o) => !imported.has(o.id)) ?? net.operators[0])?.name
  }

  /** `lock`: hold the county's sign counter until the transaction ends (the import numbers signs). */
  async #plan(tx: Queryable, req: ImportRequest, lock: boolean): Promise<{ preview: ImportPreview; plan: ImportPlan }> {
    const feed = parse(req.zip)
    const source = req.source ?? sourceOf(feed.network.operators)
    const prefix = this.network.settings.countyPrefix
    const [current, owned, lastStopNumber] = [
      await networkRepo.loadNetwork(tx),
      await networkRepo.externalIdsOf(tx, source),
      lock ? await networkRepo.lockStopCounter(tx, prefix) : await networkRepo.lastStopNumber(tx, prefix),
    ]
    const plan = planImport({
      incoming: feed.network,
      current,
      owned,
      countyPrefix: prefix,
      lastStopNumber,
      choices: req.choices,
    })
    const added = zero()
    const changed = zero()
    const removed = zero()
    for (const c of plan.changes) (c.action === 'add' ? added : c.action === 'update' ? changed : removed)[c.kind]++
    const preview: ImportPreview = {
      source,
      feedSha256: createHash('sha256').update(req.zip).digest('hex'),
      conflicts: plan.conflicts,
      unresolved: plan.unresolved,
      added,
      changed,
      removed,
      unchanged: plan.unchanged,
      changes: plan.changes
        .slice(0, MAX_LISTED_CHANGES)
        .map((c) => ({ kind: c.kind, id: c.id, action: c.action, name: nameOf(c) })),
      changesTotal: plan.changes.length,
      renamed: plan.renamed,
      skipped: plan.skipped,
      warnings: feed.warnings,
    }
    return { preview, plan }
  }

  async #blockers(tx: Queryable, id: number, changes: readonly RowChange[]): Promise<UndoBlocker[]> {
    const blockers: UndoBlocker[] = []
    const mine = new Set(changes.map((c) => `${c.kind}:${c.id}`))
    for (const later of await networkRepo.laterImports(tx, id)) {
      const touched = later.changes.find((c) => mine.has(`${c.kind}:${c.id}`))
      if (touched)
        blockers.push({
          kind: touched.kind,
          id: touched.id,
          reason: `import ${later.id} changed ${touched.kind} ${touched.id} afterwards; undo import ${later.id} first`,
        })
    }
    blockers.push(...undoBlockers(changes, await networkRepo.loadNetwork(tx)))
    const addedTrips = changes.filter((c) => c.kind === 'trip' && c.before === null).map((c) => c.id)
    for (const use of await networkRepo.tripUses(tx, addedTrips))
      blockers.push({
        kind: 'trip',
        id: use.tripId,
        reason: `trip ${use.tripId} has ${use.n} ${use.what} since the import`,
      })
    return blockers
  }
}

function boundsOf(points: readonly LngLat[]): [number, number, number, number] | null {
  if (points.length === 0) return null
  let [w, s, e, n] = [180, 90, -180, -90]
  for (const [lng, lat] of points) {
    w = Math.min(w, lng)
    e = Math.max(e, lng)
    s = Math.min(s, lat)
    n = Math.max(n, lat)
  }
  return [w, s, e, n]
}

/** Parses the conflict choices of a request: `onConflict` for all, `resolve` entries `kind:id=choice`. */
export function parseChoices(
  onConflict: string | undefined,
  resolve: string | readonly string[] | undefined,
): ImportChoices {
  const choice = (value: string, field: string): 'keep' | 'rename' | 'replace' => {
    if (value === 'keep' || value === 'rename' || value === 'replace') return value
    throw new AppError('VALIDATION_FAILED', `${field} must be keep, rename or replace, not ${JSON.stringify(value)}`, {
      field,
    })
  }
  const each: Record<string, 'keep' | 'rename' | 'replace'> = {}
  for (const entry of typeof resolve === 'string' ? [resolve] : (resolve ?? [])) {
    const m = /^([a-z]+):(.+)=([a-z]+)$/.exec(entry)
    if (!m || !IMPORT_KINDS.includes(m[1] as ImportKind))
      throw new AppError(
        'VALIDATION_FAILED',
        `resolve entries are kind:id=choice with kind one of ${IMPORT_KINDS.join(', ')} (e.g. stop:XY-0001=rename), not ${JSON.stringify(entry)}`,
        { field: 'resolve' },
      )
    each[`${m[1]}:${m[2]}`] = choice(m[3] as string, 'resolve')
  }
  return { all: onConflict === undefined || onConflict === '' ? undefined : choice(onConflict, 'onConflict'), each }
}
