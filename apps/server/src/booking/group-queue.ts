/**
 * Group commit for requests on one key. A request that arrives while its key's group is still
 * waiting for its turn joins that group; a group runs as one task and settles each of its
 * requests on its own. Tasks of one key run one at a time through the given queue, so a group
 * also waits for the key's other changes (cancellations, manifest marks) in arrival order.
 */
import type { KeyedQueue } from './keyed-queue.js'

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

interface Pending<R, T> {
  request: R
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

export class GroupQueue {
  readonly #open = new Map<string, Pending<unknown, unknown>[]>()

  constructor(
    readonly queue: KeyedQueue,
    /** Most requests decided in one transaction. */
    readonly maxGroup: number,
  ) {}

  submit<R, T>(key: string, request: R, run: (requests: readonly R[]) => Promise<Settled<T>[]>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item = { request, resolve, reject } as Pending<unknown, unknown>
      const open = this.#open.get(key)
      if (open && open.length < this.maxGroup) {
        open.push(item)
        return
      }
      const group = [item]
      this.#open.set(key, group)
      void this.queue.run(key, async () => {
        // From here on the group is closed: later requests start the next one.
        if (this.#open.get(key) === group) this.#open.delete(key)
        const pending = group as Pending<R, T>[]
        try {
          const results = await run(pending.map((p) => p.request))
          pending.forEach((p, i) => {
            const r = results[i]
            if (!r) p.reject(new Error('a grouped request got no result'))
            else if (r.ok) p.resolve(r.value)
            else p.reject(r.error)
          })
        } catch (err) {
          for (const p of pending) p.reject(err)
        }
      })
    })
  }
}
