/** Alerts the dispatcher has to see: open ones read at start, then kept current from the live `alerts` batches. */
import type { LiveAlert } from '@rb/protocol'
import { api } from './api.js'
import { Emitter } from './live.js'

export class AlertStore {
  readonly items = new Map<string, LiveAlert>()
  readonly changed = new Emitter<LiveAlert[]>()

  async load(): Promise<void> {
    const r = await api.get<{ items: LiveAlert[] }>('/api/alerts?open=true&limit=500')
    this.apply(r.items)
  }

  /** Raised, cleared and acknowledged alerts: the newest version of each wins. */
  apply(batch: readonly LiveAlert[]): void {
    for (const a of batch) this.items.set(a.id, a)
    if (batch.length) this.changed.emit([...batch])
  }

  /** Newest first; `open` keeps those active or not yet acknowledged. */
  list(open: boolean): LiveAlert[] {
    return [...this.items.values()].filter((a) => !open || a.state === 'active' || a.ackTs === null).sort((a, b) => b.ts - a.ts)
  }

  /** Alerts still waiting for someone to acknowledge them (the badge in the navigation). */
  unacknowledged(): number {
    let n = 0
    for (const a of this.items.values()) if (a.ackTs === null) n++
    return n
  }

  async acknowledge(id: string): Promise<LiveAlert> {
    const a = await api.post<LiveAlert>(`/api/alerts/${encodeURIComponent(id)}/ack`)
    this.apply([a])
    return a
  }
}
