/**
 * The trip board's states, words and filters. The server decides a trip's state and punctuality
 * (the county's lateness policy); the board only shows and filters them. Pure: unit-tested.
 */
import type { TripBoardRow, TripRunStatus } from '@rb/domain'
import { lang, t, word, type Lang, type MessageKey } from './i18n/index.js'

export const TRIP_STATES: readonly TripRunStatus[] = [
  'scheduled',
  'assigned',
  'in_progress',
  'lost',
  'completed',
  'missed',
  'partial',
  'cancelled',
]

const TRIP_STATE_WORDS = {
  scheduled: 'Scheduled',
  assigned: 'Assigned',
  in_progress: 'In progress',
  // Running, but its bus silent for TRIP_LOST_AFTER_S.
  lost: 'Lost',
  completed: 'Completed',
  missed: 'Not run',
  partial: 'Partly run',
  cancelled: 'Cancelled',
} as const satisfies Partial<Record<TripRunStatus, MessageKey>>
export const tripStateLabel = (s: TripRunStatus, in_: Lang = lang()): string => {
  const key = (TRIP_STATE_WORDS as Partial<Record<string, MessageKey>>)[s]
  return key ? t(key, {}, in_) : word(s)
}

/** States whose delay means something: a bus ran (or runs) the trip. */
export const showsDelay = (status: TripRunStatus): boolean =>
  status === 'in_progress' || status === 'lost' || status === 'completed' || status === 'partial'

export interface BoardFilter {
  /** Empty = every state. */
  states: ReadonlySet<TripRunStatus>
  /** Only trips the server calls late. */
  lateOnly: boolean
  kind: TripBoardRow['kind'] | null
  /** Route, headsign, vehicle, driver number or name (case-insensitive); '' = all. */
  text: string
}

export const emptyBoardFilter = (): BoardFilter => ({ states: new Set(), lateOnly: false, kind: null, text: '' })

/** Words a row is searched by, beyond its ids (route and driver names, from the network). */
export interface BoardNames {
  route(id: string): string | undefined
  driver(code: string): string | undefined
}

export function filterBoard(rows: readonly TripBoardRow[], f: BoardFilter, names: BoardNames): TripBoardRow[] {
  const text = f.text.trim().toLowerCase()
  return rows.filter((r) => {
    if (f.states.size && !f.states.has(r.status)) return false
    if (f.lateOnly && r.punctuality !== 'late') return false
    if (f.kind && r.kind !== f.kind) return false
    if (!text) return true
    const driver = r.driverCode ?? ''
    return [
      r.routeId,
      names.route(r.routeId) ?? '',
      r.headsign,
      r.vehicleId ?? '',
      driver,
      driver ? (names.driver(driver) ?? '') : '',
    ]
      .join('\n')
      .toLowerCase()
      .includes(text)
  })
}

/** Rows per state (the chips' counts). */
export function countStates(rows: readonly TripBoardRow[]): Record<TripRunStatus, number> {
  const out = Object.fromEntries(TRIP_STATES.map((s) => [s, 0])) as Record<TripRunStatus, number>
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1
  return out
}
