import { describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { BatchWriter, type Batch, type BatchWriterOptions, type WriteItem } from './batch-writer.js'

const pos = (vehicleId: string, ts: number): Position => ({
  vehicleId,
  ts,
  lng: 105,
  lat: 28,
  speedKmh: 0,
  headingDeg: 0,
  accM: null,
  odoM: null,
  source: 'mqtt',
})
const item = (n: number, ts0 = 0): WriteItem => ({
  positions: Array.from({ length: n }, (_, i) => pos('V', ts0 + i)),
  events: [],
  statuses: [],
})
const opts: BatchWriterOptions = { maxBatchPoints: 100, flushMs: 5, maxPending: 1000, retryMinMs: 5, retryMaxMs: 20 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const transientErr = Object.assign(new Error('connection lost'), { code: '08006' })
const refusedErr = Object.assign(new Error('value too long'), { code: '22001' })
const isTransient = (err: unknown) => (err as { code?: string }).code === '08006'

function recorder(fail: (batch: Batch, call: number) => Error | undefined = () => undefined) {
  const batches: Batch[] = []
  let calls = 0
  const store = async (batch: Batch) => {
    calls++
    await sleep(1)
    const err = fail(batch, calls)
    if (err) throw err
    batches.push(batch)
    return { stored: batch.positions.length, eventsStored: 0 }
  }
  return { batches, store, calls: () => calls }
}

describe('BatchWriter', () => {
  it('merges items into one transaction and resolves each only after it is stored', async () => {
    const r = recorder()
    const w = new BatchWriter(r.store, opts, { isTransient, deadLetter: async () => {} })
    let resolved = 0
    const all = [item(2), item(3), item(1)].map((i) => w.add(i).then(() => resolved++))
    expect(resolved).toBe(0)
    expect(w.pendingPoints).toBe(6)
    await Promise.all(all)
    expect(r.batches).toHaveLength(1)
    expect(r.batches[0]?.positions).toHaveLength(6)
    expect(w.pendingPoints).toBe(0)
  })

  it('flushes at once when a batch is full and never exceeds the batch size', async () => {
    const r = recorder()
    const w = new BatchWriter(r.store, { ...opts, flushMs: 10_000 }, { isTransient, deadLetter: async () => {} })
    const all = Promise.all(Array.from({ length: 5 }, (_, i) => w.add(item(50, i * 50))))
    await sleep(50)
    // Two full batches went at once; the remaining half batch waits for its flush time.
    expect(r.batches.map((b) => b.positions.length)).toEqual([100, 100])
    expect(w.pendingPoints).toBe(50)
    await w.drain()
    await all
    expect(r.batches.map((b) => b.positions.length)).toEqual([100, 100, 50])
  })

  it('holds items through a database outage, retries with backoff and keeps their order', async () => {
    const r = recorder((_b, call) => (call <= 3 ? transientErr : undefined))
    const errors: number[] = []
    let recovered = false
    const w = new BatchWriter(
      r.store,
      opts,
      { isTransient, deadLetter: async () => {} },
      { onWriteError: (_e, attempt) => errors.push(attempt), onRecovered: () => (recovered = true) },
    )
    const done = Promise.all([w.add(item(1, 1)), w.add(item(1, 2))])
    await sleep(2)
    expect(w.isFailing || r.calls() === 0).toBe(true)
    await done
    expect(errors).toEqual([1, 2, 3])
    expect(recovered).toBe(true)
    expect(r.batches.flatMap((b) => b.positions.map((p) => p.ts))).toEqual([1, 2])
  })

  it('isolates an item the database refuses, dead-letters it and stores the rest', async () => {
    const bad = item(1, 99)
    const r = recorder((b) => (b.positions.some((p) => p.ts === 99) ? refusedErr : undefined))
    const dead: WriteItem[] = []
    const w = new BatchWriter(r.store, opts, { isTransient, deadLetter: async (i) => void dead.push(i) })
    await Promise.all([w.add(item(1, 1)), w.add(bad), w.add(item(1, 3))])
    expect(dead).toEqual([bad])
    expect(r.batches.flatMap((b) => b.positions.map((p) => p.ts)).sort()).toEqual([1, 3])
    expect(w.pendingPoints).toBe(0)
  })

  it('drain writes everything now; waitForRoom waits while the buffer is full', async () => {
    let fail = true
    const r = recorder(() => (fail ? transientErr : undefined))
    const w = new BatchWriter(
      r.store,
      { ...opts, maxPending: 10, flushMs: 10_000 },
      { isTransient, deadLetter: async () => {} },
    )
    void w.add(item(10))
    expect(w.isFull).toBe(true)
    let room = false
    const roomP = w.waitForRoom().then(() => (room = true))
    await sleep(30)
    expect(room).toBe(false)
    fail = false
    await w.drain()
    await roomP
    expect(room).toBe(true)
    expect(w.pendingPoints).toBe(0)
  })

  it('on close, gives back what the database never took: rejected, so nobody acknowledges it', async () => {
    const r = recorder(() => transientErr)
    const w = new BatchWriter(r.store, opts, { isTransient, deadLetter: async () => {} })
    const outcomes = [item(2), item(3)].map((i) =>
      w.add(i).then(
        () => 'stored',
        () => 'given back',
      ),
    )
    await sleep(30)
    expect(r.calls()).toBeGreaterThan(1)
    w.close()
    expect(await Promise.all(outcomes)).toEqual(['given back', 'given back'])
    expect(w.pendingPoints).toBe(0)
    await expect(w.add(item(1))).rejects.toThrow(/closed/)
  })
})

describe('BatchWriter and a large item', () => {
  it('writes it in chunks of at most the batch size, and items behind it are acknowledged first', async () => {
    const r = recorder()
    const w = new BatchWriter(r.store, opts, { isTransient, deadLetter: async () => {} })
    const order: string[] = []
    const big = w.add(item(1_200, 0)).then(() => order.push('big'))
    const small = w.add({ positions: [pos('B', 1)], events: [], statuses: [] }).then(() => order.push('small'))
    await Promise.all([big, small])
    // The other bus's point went out with the first chunk, not after the whole backlog.
    expect(order).toEqual(['small', 'big'])
    expect(r.batches[0]?.positions.some((p) => p.vehicleId === 'B')).toBe(true)
    expect(Math.max(...r.batches.map((b) => b.positions.length))).toBeLessThanOrEqual(opts.maxBatchPoints)
    const stored = r.batches
      .flatMap((b) => b.positions)
      .filter((p) => p.vehicleId === 'V')
      .map((p) => p.ts)
    expect(stored).toEqual(Array.from({ length: 1_200 }, (_, i) => i))
    expect(w.pendingPoints).toBe(0)
  })

  it('is not acknowledged when a chunk of it was not written before shutdown', async () => {
    const r = recorder(() => transientErr)
    const w = new BatchWriter(r.store, opts, { isTransient, deadLetter: async () => {} })
    const big = w.add(item(300, 0))
    await sleep(20)
    w.close()
    await expect(big).rejects.toThrow(/not written before shutdown/)
    // A chunk whose write was in flight at close is given back when that write ends.
    for (let i = 0; i < 500 && w.pendingPoints > 0; i++) await sleep(10)
    expect(w.pendingPoints).toBe(0)
  })
})
