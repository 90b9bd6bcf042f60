/**
 * The phone's queue of boarding taps: every tap is kept (localStorage) until the server has it,
 * so a bus out of signal in a valley loses nothing; it is sent again on reconnection, in tap
 * order, each with the opId made when it was tapped, so the server stores it once however often
 * it arrives. Pure except for the storage handed in.
 */
import type { PendingTap, PupilStatus, RunView } from './model.js'

export interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** A fresh id per tap: time, then randomness (crypto when there is one). */
export function newOpId(now: number, random: () => number = Math.random): string {
  const r = Array.from({ length: 10 }, () => Math.floor(random() * 36).toString(36)).join('')
  return `t${now.toString(36)}-${r}`
}

export class TapQueue {
  #items: PendingTap[]

  constructor(
    private readonly store: KeyValue,
    private readonly key: string,
  ) {
    let items: PendingTap[] = []
    try {
      items = JSON.parse(store.getItem(key) ?? '[]') as PendingTap[]
    } catch {
      items = []
    }
    this.#items = Array.isArray(items) ? items : []
  }

  get items(): readonly PendingTap[] {
    return this.#items
  }

  of(runId: string): PendingTap[] {
    return this.#items.filter((t) => t.runId === runId)
  }

  add(tap: PendingTap): void {
    this.#items.push(tap)
    this.#save()
  }

  /** The server has these (stored now or before). */
  remove(opIds: Iterable<string>): void {
    const gone = new Set(opIds)
    this.#items = this.#items.filter((t) => !gone.has(t.opId))
    this.#save()
  }

  #save(): void {
    this.store.setItem(this.key, JSON.stringify(this.#items))
  }
}

/**
 * The run as the driver should see it: the server's view with the taps still waiting applied on
 * top, in tap order (what the server will make of them once they arrive).
 */
export function withPending(view: RunView, pending: readonly PendingTap[]): RunView {
  if (pending.length === 0) return view
  const next = JSON.parse(JSON.stringify(view)) as RunView
  const entries = next.stops.flatMap((s) => [...s.boarding, ...s.alighting])
  for (const t of [...pending].sort((a, b) => a.ts - b.ts)) {
    const status: PupilStatus = t.status === 'none' ? null : t.status
    if (t.pupilId !== null) {
      const mine = entries.filter((e) => e.pupilId === t.pupilId)
      if (mine.length > 0) {
        for (const e of mine) {
          e.status = status
          if (t.status === 'boarded') Object.assign(e, { boardedTs: t.ts, boardedStop: t.stopCode, alightedTs: null })
          if (t.status === 'alighted') e.alightedTs = t.ts
          if (t.reason) e.reason = t.reason
        }
        continue
      }
    }
    const subject = t.pupilId !== null ? `p:${t.pupilId}` : `x:${t.extraKey}`
    const other = next.others.find((o) => o.subject === subject)
    if (other) Object.assign(other, { status, ...(t.status === 'boarded' ? { boardedStop: t.stopCode } : {}) })
    else
      next.others.push({
        subject,
        pupilId: t.pupilId,
        name: t.extraName ?? '?',
        className: null,
        status,
        boardedStop: t.status === 'boarded' ? t.stopCode : null,
        reason: t.reason,
      })
  }
  const all = [
    ...new Map([...entries.map((e) => [e.pupilId, e.status] as const)]).values(),
    ...next.others.map((o) => o.status),
  ]
  next.counts = {
    ...next.counts,
    boarded: all.filter((s) => s === 'boarded').length,
    alighted: all.filter((s) => s === 'alighted').length,
    absent: all.filter((s) => s === 'absent').length,
    onBoard: all.filter((s) => s === 'boarded').length,
  }
  return next
}
