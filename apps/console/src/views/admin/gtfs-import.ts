/**
 * Admin › GTFS: importing a feed safely. A dry run first shows what the feed would add, change and
 * retire and every id it shares with rows that are not its own; the operator chooses keep, rename
 * or replace per conflict (or for all) and confirms; each import is listed with an undo button.
 */
import { api, ApiError, qs } from '../../api.js'
import type { Ctx } from '../../context.js'
import { t, type MessageKey } from '../../i18n/index.js'
import { action, clear, h, table } from '../../ui/dom.js'

type Choice = 'keep' | 'rename' | 'replace'
type Kind = 'operator' | 'township' | 'stop' | 'calendar' | 'route' | 'trip' | 'frequency'

interface Conflict {
  key: string
  kind: Kind
  id: string
  existing: string
  incoming: string
  usedBy: number
  choice: Choice | null
}

interface Preview {
  conflicts: Conflict[]
  unresolved: number
  added: Record<Kind, number>
  changed: Record<Kind, number>
  removed: Record<Kind, number>
  unchanged: Record<Exclude<Kind, 'frequency'>, number>
  changesTotal: number
  renamed: { kind: Kind; externalId: string; localId: string }[]
  skipped: string[]
  warnings: string[]
}

interface ImportRecord {
  id: number
  source: string
  createdTs: number
  createdBy: string
  undoneTs: number | null
  undoneBy: string | null
  summary: { added?: Record<Kind, number>; changed?: Record<Kind, number>; removed?: Record<Kind, number> }
}

const KINDS: [Kind, MessageKey][] = [
  ['operator', 'operators'],
  ['township', 'townships'],
  ['stop', 'stop signs'],
  ['calendar', 'service calendars'],
  ['route', 'routes (lines)'],
  ['trip', 'timetabled trips'],
  ['frequency', 'runs made from headways'],
]
const CHOICES: [Choice, MessageKey][] = [
  ['keep', 'keep ours'],
  ['rename', "give the feed's a new id"],
  ['replace', "replace ours with the feed's"],
]
const sum = (counts: Partial<Record<Kind, number>> | undefined): number =>
  Object.values(counts ?? {}).reduce((a, b) => a + b, 0)

function choiceSelect(name: string, value: Choice | null): HTMLSelectElement {
  return h(
    'select',
    { name },
    h('option', { value: '' }, t('choose…')),
    CHOICES.map(([v, label]) => h('option', { value: v, selected: v === value }, t(label))),
  )
}

/** The import card: file, dry run, the plan with a choice per conflict, confirm; then the list with undo. */
export function importCard(ctx: Ctx): HTMLElement {
  const canImport = ctx.can(['operator'])
  const file = h('input', { type: 'file', name: 'feed', accept: '.zip,application/zip' })
  const dryRun = h('button', { class: 'dry-run', disabled: !canImport }, t('Dry run'))
  const confirm = h('button', { class: 'primary import', disabled: true }, t('Confirm import'))
  // `action` sets the status line's class, so the lines are found by their wrappers.
  const status = h('p', { class: 'status' })
  const plan = h('div', { class: 'import-plan' })
  const history = h('div', { class: 'import-history' })
  const historyStatus = h('p', { class: 'status' })
  let feed: File | null = null
  let choices: Map<string, Choice | null> = new Map()
  let all: Choice | null = null
  /** Confirm needs a dry run of this file first. */
  let planned = false

  const query = (): string => {
    const resolve = [...choices].filter(([, c]) => c !== null).map(([key, c]) => `${key}=${c}`)
    const p = new URLSearchParams()
    if (all) p.set('onConflict', all)
    for (const r of resolve) p.append('resolve', r)
    const s = p.toString()
    return s ? `?${s}` : ''
  }
  const undecided = (): number => [...choices.values()].filter((c) => c === null).length
  const refreshConfirm = (): void => {
    confirm.disabled = !canImport || feed === null || !planned || (all === null && undecided() > 0)
  }

  const render = (p: Preview): void => {
    choices = new Map(p.conflicts.map((c) => [c.key, choices.get(c.key) ?? null]))
    planned = true
    const counts = table(
      [t('Kind'), t('To add'), t('To change'), t('To retire'), t('Unchanged rows')],
      KINDS,
      ([kind, label]) => [
        t(label),
        p.added[kind],
        p.changed[kind],
        p.removed[kind],
        kind === 'frequency' ? '' : p.unchanged[kind],
      ],
    )
    const parts: (HTMLElement | null)[] = [h('h3', null, t('What the import would do')), counts]
    if (p.conflicts.length > 0) {
      const allSelect = choiceSelect('choice-all', all)
      allSelect.addEventListener('change', () => {
        all = (allSelect.value || null) as Choice | null
        refreshConfirm()
      })
      const rows = table(
        [t('Id'), t('Kind'), t('Ours'), t("The feed's"), t('Used by'), t('Choice')],
        p.conflicts,
        (c) => {
          const select = choiceSelect(`choice-${c.key}`, choices.get(c.key) ?? null)
          select.addEventListener('change', () => {
            choices.set(c.key, (select.value || null) as Choice | null)
            refreshConfirm()
          })
          return [
            c.id,
            t(KINDS.find(([k]) => k === c.kind)?.[1] ?? 'stop signs'),
            c.existing,
            c.incoming,
            c.usedBy,
            select,
          ]
        },
        { rowId: (c) => c.key },
      )
      parts.push(
        h(
          'h3',
          { class: 'conflicts-title' },
          t('{n} ids of the feed are already ours: choose for each, or for all', { n: p.conflicts.length }),
        ),
        h(
          'p',
          { class: 'muted' },
          t(
            'Nothing is imported while one has no choice. Keep: ours stays and the feed uses it. New id: the feed’s row is added beside ours (a stop gets the next sign number). Replace: the feed’s row overwrites ours (undo puts ours back).',
          ),
        ),
        h('div', { class: 'row' }, h('label', null, t('For every conflict without its own choice'), ' ', allSelect)),
        rows,
      )
    } else {
      parts.push(h('p', { class: 'no-conflicts ok' }, t('No id of the feed collides with ours.')))
    }
    if (p.renamed.length > 0)
      parts.push(
        h(
          'details',
          null,
          h('summary', null, t('{n} ids given a new one', { n: p.renamed.length })),
          h('p', { class: 'renamed' }, p.renamed.map((r) => `${r.externalId} → ${r.localId}`).join(', ')),
        ),
      )
    const notes = [...p.skipped, ...p.warnings]
    if (notes.length > 0)
      parts.push(
        h(
          'details',
          null,
          h('summary', null, t('{n} notes on the feed', { n: notes.length })),
          h(
            'ul',
            null,
            notes.map((w) => h('li', { class: 'muted' }, w)),
          ),
        ),
      )
    clear(plan, ...parts)
    refreshConfirm()
  }

  const loadHistory = async (): Promise<void> => {
    const r = await api.get<{ items: ImportRecord[] }>(`/api/gtfs/imports${qs({ limit: 20 })}`)
    if (r.items.length === 0) {
      clear(history, h('p', { class: 'muted' }, t('No import yet.')))
      return
    }
    clear(
      history,
      table(
        [t('Import'), t('When'), t('By'), t('Feed'), t('Rows'), t('Status'), ''],
        r.items,
        (i) => {
          const undo = h('button', { class: 'undo', disabled: !canImport || i.undoneTs !== null }, t('Undo'))
          action(undo, historyStatus, async () => {
            try {
              const res = await api.post<{ id: number; deleted: number; restored: number }>(
                `/api/gtfs/imports/${i.id}/undo`,
              )
              await ctx.reloadNetwork()
              await loadHistory()
              return t('import {id} undone: {deleted} rows deleted, {restored} put back as they were', {
                id: res.id,
                deleted: res.deleted,
                restored: res.restored,
              })
            } catch (err) {
              const blockers =
                err instanceof ApiError
                  ? ((err.details as { blockers?: { reason: string }[] } | undefined)?.blockers ?? [])
                  : []
              if (err instanceof ApiError && err.code === 'IMPORT_UNDO_BLOCKED')
                throw new Error(
                  `${t('Cannot undo:')} ${blockers.length ? blockers.map((b) => b.reason).join('; ') : err.message}`,
                )
              throw err
            }
          })
          const rows = `+${sum(i.summary.added)} ~${sum(i.summary.changed)} −${sum(i.summary.removed)}`
          return [
            `#${i.id}`,
            new Date(i.createdTs).toLocaleString(),
            i.createdBy,
            i.source,
            rows,
            i.undoneTs === null ? t('imported') : t('undone by {by}', { by: i.undoneBy ?? '' }),
            undo,
          ]
        },
        { rowId: (i) => String(i.id) },
      ),
    )
  }

  file.addEventListener('change', () => {
    feed = file.files?.[0] ?? null
    choices = new Map()
    all = null
    planned = false
    clear(plan)
    refreshConfirm()
  })
  action(dryRun, status, async () => {
    if (!feed) throw new Error(t('choose a GTFS zip first'))
    const p = await api.upload<Preview>(`/api/gtfs/import/dry-run${query()}`, feed, 'application/zip')
    render(p)
    return t('dry run: {n} rows would be written, {c} conflicts', { n: p.changesTotal, c: p.conflicts.length })
  })
  action(confirm, status, async () => {
    if (!feed) throw new Error(t('choose a GTFS zip first'))
    try {
      const r = await api.upload<Preview & { importId: number }>(`/api/gtfs/import${query()}`, feed, 'application/zip')
      await ctx.reloadNetwork()
      await loadHistory()
      clear(plan)
      planned = false
      confirm.disabled = true
      return t('imported as import {id}: {n} rows written', { id: r.importId, n: r.changesTotal })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'GTFS_CONFLICTS') {
        // The network changed since the dry run: show the plan again with what is still open.
        render(await api.upload<Preview>(`/api/gtfs/import/dry-run${query()}`, feed, 'application/zip'))
        throw new Error(t('some conflicts have no choice yet'))
      }
      throw err
    }
  })
  void loadHistory().catch((err: Error) => {
    historyStatus.className = 'status error'
    historyStatus.textContent = err.message
  })
  return h(
    'div',
    { class: 'card gtfs-import' },
    h('h2', null, t('Import')),
    h(
      'p',
      { class: 'muted' },
      t(
        'A GTFS static zip. The dry run says what it would add, change and retire, and which of its ids are already ours; nothing is written until you confirm, and every import can be undone. Operators only.',
      ),
    ),
    h('div', { class: 'row' }, file, dryRun, confirm),
    h('div', { class: 'import-status' }, status),
    plan,
    h('h3', null, t('Imports')),
    history,
    h('div', { class: 'undo-status' }, historyStatus),
  )
}
