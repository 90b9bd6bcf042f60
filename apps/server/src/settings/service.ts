/**
 * The county settings as the server holds them: loaded at start (defaults, with a warning, while
 * the database is away), read synchronously by every module through `get()`, changed by an admin
 * through `update()`. In cluster mode a change is announced to every other instance, which re-reads
 * the table at once (cluster/invalidation.ts); a re-read every minute besides brings the database's
 * return after a start without it. Listeners hear every change, once at `onChange` time too.
 */
import {
  applySettingsPatch,
  changedKeys,
  DEFAULT_COUNTY_SETTINGS,
  settingsFromStored,
  type CountySettings,
  type CountySettingsPatch,
} from '@rb/domain'
import { settingsRepo, type Db, type Queryable } from '@rb/db'

export interface SettingsLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface SettingsView {
  settings: CountySettings
  /** Newest change of any key, epoch ms, and who made it; null while every key has its default. */
  updatedTs: number | null
  updatedBy: string | null
}

/** The audit row of a change, written in the change's transaction. */
export type SettingsAudit = (tx: Queryable, before: CountySettings, after: CountySettings) => Promise<void>

type Listener = (settings: CountySettings) => void

const REFRESH_MS = 60_000

const sameSettings = (a: CountySettings, b: CountySettings): boolean => changedKeys(a, b).length === 0

export class SettingsService {
  readonly #db: Db
  readonly #log: SettingsLog
  readonly #now: () => number
  readonly #listeners: Listener[] = []
  #view: SettingsView = {
    settings: structuredClone(DEFAULT_COUNTY_SETTINGS) as CountySettings,
    updatedTs: null,
    updatedBy: null,
  }
  #timer: NodeJS.Timeout | undefined
  #broadcast: (() => void) | undefined
  /** Reads are numbered as they start; an answer older than the one applied is dropped (reads race). */
  #reads = 0
  #applied = 0

  constructor(db: Db, log: SettingsLog, now: () => number = Date.now) {
    this.#db = db
    this.#log = log
    this.#now = now
  }

  /** Loads the stored settings and starts re-reading them; never fails (defaults stand in). */
  static async start(db: Db, log: SettingsLog, now?: () => number): Promise<SettingsService> {
    const s = new SettingsService(db, log, now)
    const loaded = await s.refresh()
    if (!loaded)
      log.warn(
        { settings: s.get() },
        'county settings: database not reachable at start; using the defaults until it is',
      )
    s.#timer = setInterval(() => void s.refresh(), REFRESH_MS)
    s.#timer.unref()
    return s
  }

  close(): void {
    clearInterval(this.#timer)
  }

  get(): CountySettings {
    return this.#view.settings
  }

  view(): SettingsView {
    return this.#view
  }

  /** Calls `listener` now with the current settings, and after every change. */
  onChange(listener: Listener): void {
    this.#listeners.push(listener)
    listener(this.get())
  }

  /** Cluster mode: how a change here reaches the other instances (they call `changedElsewhere`). */
  broadcastChangesWith(send: () => void): void {
    this.#broadcast = send
  }

  /** Another instance changed the settings (or its announcements may have been missed): re-read them. */
  changedElsewhere(): void {
    void this.refresh()
  }

  /** Applies a partial update (validated; 400 otherwise), stores the changed keys and tells the listeners. */
  async update(patch: CountySettingsPatch, by: string, audit?: SettingsAudit): Promise<SettingsView> {
    const now = this.#now()
    const next = await this.#db.transaction(async (tx) => {
      // Two admins changing different keys at once: the second reads the first's values and checks them together.
      await settingsRepo.lockSettings(tx)
      const current = await this.#read(tx)
      const after = applySettingsPatch(current.settings, patch)
      const keys = changedKeys(current.settings, after)
      await settingsRepo.saveSettings(tx, new Map(keys.map((k) => [k, after[k]])), by, now)
      await audit?.(tx, current.settings, after)
      return {
        view: keys.length > 0 ? { settings: after, updatedTs: now, updatedBy: by } : current,
        changed: keys.length > 0,
      }
    })
    // Committed: any read started before now may hold the old values.
    this.#set(next.view, ++this.#reads)
    if (next.changed) this.#broadcast?.()
    return next.view
  }

  /** Re-reads the stored settings; false when the database did not answer (the current ones stay). */
  async refresh(): Promise<boolean> {
    const n = ++this.#reads
    try {
      this.#set(await this.#read(this.#db), n)
      return true
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'county settings: could not read them; keeping the current ones')
      return false
    }
  }

  async #read(q: Queryable): Promise<SettingsView> {
    const rows = await settingsRepo.loadSettings(q)
    const { settings, problems } = settingsFromStored(new Map(rows.map((r) => [r.key, r.value])))
    if (problems.length > 0)
      this.#log.warn({ problems }, 'county settings: stored values refused; their defaults stand')
    const newest = rows.reduce<(typeof rows)[number] | null>(
      (a, r) => (a === null || r.updatedTs > a.updatedTs ? r : a),
      null,
    )
    return { settings, updatedTs: newest?.updatedTs ?? null, updatedBy: newest?.updatedBy ?? null }
  }

  #set(view: SettingsView, n: number): void {
    if (n < this.#applied) return
    this.#applied = n
    const changed = !sameSettings(this.#view.settings, view.settings)
    this.#view = view
    if (!changed) return
    this.#log.info({ settings: view.settings, by: view.updatedBy }, 'county settings changed')
    for (const l of this.#listeners) {
      try {
        l(view.settings)
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'county settings: a listener failed')
      }
    }
  }
}
