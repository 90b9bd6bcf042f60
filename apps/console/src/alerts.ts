/**
 * Alerts the dispatcher has to see, with their life-cycle: open → acknowledged (who, when, note) →
 * resolved (by the system when the condition cleared, or by hand with a note). Unresolved ones are
 * read at start, resolved ones when the dispatcher asks for them; live `alerts` batches keep all
 * current. The grouping and the emergency rule are pure functions (unit-tested).
 */
import type { AlertStatus } from '@rb/domain'
import type { AlertType, LiveAlert } from '@rb/protocol'
import { api, qs } from './api.js'
import { Emitter } from './live.js'
import { t, word, type MessageKey } from './i18n/index.js'

export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved']

const ALERT_STATUS_WORDS = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
} as const satisfies Record<AlertStatus, MessageKey>
export const alertStatusLabel = (s: AlertStatus): string => t(ALERT_STATUS_WORDS[s])

const ALERT_TYPE_WORDS = {
  off_route: 'Off route',
  overspeed: 'Overspeed',
  late_start: 'Late start',
  early_departure: 'Early departure',
  offline: 'Offline',
  driver_alarm: 'Driver alarm',
  sign_report: 'Sign report',
  road_report: 'Road report',
  on_demand_under_min: 'On-demand under minimum',
  trip_missed: 'Trip not run',
  driver_mismatch: 'Driver differs from roster',
  geofence: 'Geofence',
  pupil_left_on_bus: 'Pupil left on bus',
  broker_session_lost: 'Broker lost queued positions',
} as const satisfies Partial<Record<AlertType, MessageKey>>
export const ALERT_TYPES = Object.keys(ALERT_TYPE_WORDS) as AlertType[]
/** An alert type in words; a type added on the server before its words are here is shown as sent. */
export const alertTypeLabel = (a: Pick<LiveAlert, 'type'>): string => {
  const key = (ALERT_TYPE_WORDS as Partial<Record<string, MessageKey>>)[a.type]
  return key ? t(key) : word(a.type)
}

const SEVERITY_WORDS: Record<string, MessageKey> = { info: 'info', warning: 'warning', critical: 'critical' }
export const severityLabel = (s: string): string => (SEVERITY_WORDS[s] ? t(SEVERITY_WORDS[s]) : s)

/**
 * An SOS / emergency: a driver alarm the server rates critical, or a child left on a student bus.
 * It sounds and takes the banner until acknowledged, and its bus is drawn red until resolved.
 */
export function isEmergency(a: Pick<LiveAlert, 'type' | 'severity'>): boolean {
  return (a.type === 'driver_alarm' || a.type === 'pupil_left_on_bus') && a.severity === 'critical'
}

/** A critical alert (an emergency, a bus silent on a trip, a landslide report) is acknowledged with what was done, as the server requires. */
export const ackNeedsNote = (a: Pick<LiveAlert, 'severity'>): boolean => a.severity === 'critical'

/** Emergencies nobody has acknowledged yet (the banner and the sound), oldest first. */
export function sounding(alerts: Iterable<LiveAlert>): LiveAlert[] {
  return [...alerts].filter((a) => isEmergency(a) && a.status === 'open').sort((a, b) => a.ts - b.ts)
}

/** Vehicles with an emergency that is not resolved (drawn red on the map). */
export function emergencyVehicles(alerts: Iterable<LiveAlert>): Set<string> {
  const out = new Set<string>()
  for (const a of alerts) if (isEmergency(a) && a.status !== 'resolved' && a.vehicleId) out.add(a.vehicleId)
  return out
}

export interface AlertFilter {
  status: AlertStatus | 'all'
  type: AlertType | null
  /** Vehicle, stop or trip instance id (exact, case-insensitive); '' = all. */
  subject: string
}

/** The alerts the filter keeps, newest first; emergencies first among the open ones. */
export function filterAlerts(alerts: Iterable<LiveAlert>, f: AlertFilter): LiveAlert[] {
  const subject = f.subject.trim().toUpperCase()
  return [...alerts]
    .filter(
      (a) =>
        (f.status === 'all' || a.status === f.status) &&
        (!f.type || a.type === f.type) &&
        (!subject || [a.vehicleId, a.stopCode, a.tripInstanceId].some((s) => s?.toUpperCase() === subject)),
    )
    .sort(
      (a, b) =>
        Number(isEmergency(b) && b.status === 'open') - Number(isEmergency(a) && a.status === 'open') || b.ts - a.ts,
    )
}

/** How many alerts are in each state (the tabs). */
export function countByStatus(alerts: Iterable<LiveAlert>): Record<AlertStatus, number> {
  const out: Record<AlertStatus, number> = { open: 0, acknowledged: 0, resolved: 0 }
  for (const a of alerts) out[a.status]++
  return out
}

/** A note the dispatcher must give: refused here before the server refuses it. */
export class NoteRequired extends Error {
  constructor(what: string) {
    super(t('write a note: {what}', { what }))
  }
}

export class AlertStore {
  readonly items = new Map<string, LiveAlert>()
  readonly changed = new Emitter<LiveAlert[]>()
  /** The states already read from the server (resolved ones are read on demand). */
  private readonly loaded = new Set<AlertStatus>()

  /** Unresolved alerts: open and acknowledged. */
  async load(): Promise<void> {
    await Promise.all([this.loadStatus('open'), this.loadStatus('acknowledged')])
  }

  /** One state's alerts from the server (newest 500); `again` reads them even when read before. */
  async loadStatus(status: AlertStatus, again = false): Promise<void> {
    if (this.loaded.has(status) && !again) return
    const r = await api.get<{ items: LiveAlert[] }>(`/api/alerts${qs({ status, limit: 500 })}`)
    this.loaded.add(status)
    this.apply(r.items)
  }

  /** Raised, acknowledged, resolved: the newest version of each wins (a version never goes back in its life-cycle). */
  apply(batch: readonly LiveAlert[]): void {
    const changed: LiveAlert[] = []
    for (const a of batch) {
      const had = this.items.get(a.id)
      if (had && rank(had) > rank(a)) continue
      this.items.set(a.id, a)
      changed.push(a)
    }
    if (changed.length) this.changed.emit(changed)
  }

  get(id: string): LiveAlert | undefined {
    return this.items.get(id)
  }

  /** Alerts waiting for someone to acknowledge them (the badge in the navigation). */
  unacknowledged(): number {
    return countByStatus(this.items.values()).open
  }

  async acknowledge(id: string, note = ''): Promise<LiveAlert> {
    const a = this.items.get(id)
    const text = note.trim()
    if (a && ackNeedsNote(a) && !text)
      throw new NoteRequired(
        isEmergency(a) ? t('what was done about the emergency') : t('what was done about this critical alert'),
      )
    const saved = await api.post<LiveAlert>(`/api/alerts/${encodeURIComponent(id)}/ack`, text ? { note: text } : {})
    this.apply([saved])
    return saved
  }

  async resolve(id: string, note: string): Promise<LiveAlert> {
    const text = note.trim()
    if (!text) throw new NoteRequired(t('how it was resolved'))
    const saved = await api.post<LiveAlert>(`/api/alerts/${encodeURIComponent(id)}/resolve`, { note: text })
    this.apply([saved])
    return saved
  }
}

/** Order within the life-cycle, so a late-arriving older version does not undo a newer one. */
const rank = (a: LiveAlert): number => ALERT_STATUSES.indexOf(a.status) * 2 + (a.state === 'cleared' ? 1 : 0)
