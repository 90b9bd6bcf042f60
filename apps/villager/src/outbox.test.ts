import { describe, expect, it } from 'vitest'
import { HAZARD_CATEGORIES as DOMAIN_HAZARDS, SIGN_CATEGORIES as DOMAIN_SIGN } from '@rb/domain'
import {
  backoffMs,
  HAZARD_CATEGORIES,
  ReportOutbox,
  SIGN_CATEGORIES,
  type QueuedReport,
  type SendResult,
} from './outbox.js'
import { memoryStore, randomKey } from './store.js'

/** A reports server as the API behaves: one report per idempotency key; `down` = no connection. */
function reportsServer() {
  const byKey = new Map<string, { id: string; report: QueuedReport }>()
  const s = {
    down: false,
    /** The report is stored but the answer never reaches the phone. */
    loseNextAnswer: false,
    refuse: null as string | null,
    sends: [] as string[],
    byKey,
    async send(r: QueuedReport): Promise<SendResult> {
      s.sends.push(r.key)
      if (s.down) return { kind: 'retry', afterMs: null, error: 'Failed to fetch' }
      if (s.refuse) return { kind: 'refused', error: s.refuse }
      if (!byKey.has(r.key)) byKey.set(r.key, { id: `R${byKey.size + 1}`, report: r })
      if (s.loseNextAnswer) {
        s.loseNextAnswer = false
        return { kind: 'retry', afterMs: null, error: 'timeout' }
      }
      return { kind: 'sent', reportId: (byKey.get(r.key) as { id: string }).id, ticketStatus: 'open' }
    },
  }
  return s
}

function setup() {
  const clock = { t: 1_000_000 }
  const server = reportsServer()
  const store = memoryStore()
  const outbox = new ReportOutbox(
    store,
    (r) => server.send(r),
    () => clock.t,
    () => randomKey('rp'),
  )
  return { clock, server, store, outbox }
}

const draft = (category: 'damaged' | 'pothole' = 'damaged') => ({
  stopCode: 'XY-0421',
  category,
  note: '牌子倒了',
  photo: null,
})

describe('reports queued on the phone', () => {
  it('waits offline with backoff, and goes when the connection returns', async () => {
    const { clock, server, outbox } = setup()
    server.down = true
    const r = outbox.add(draft())
    expect(await outbox.flush()).toBe(0)
    expect(outbox.queued()).toMatchObject([{ key: r.key, attempts: 1, state: 'queued', nextTryTs: clock.t + 5000 }])
    // Not due yet: not tried.
    clock.t += 4000
    await outbox.flush()
    expect(server.sends).toHaveLength(1)
    clock.t += 1000
    await outbox.flush()
    expect(outbox.queued()[0]).toMatchObject({ attempts: 2, nextTryTs: clock.t + 15_000 })
    // The connection returns: the online event flushes at once.
    server.down = false
    expect(await outbox.flush(true)).toBe(1)
    expect(outbox.queued()).toEqual([])
    expect(outbox.sent()).toMatchObject([
      {
        key: r.key,
        reportId: 'R1',
        stopCode: 'XY-0421',
        category: 'damaged',
        ticketStatus: 'open',
        createdTs: 1_000_000,
      },
    ])
    expect(new Set(server.sends)).toEqual(new Set([r.key]))
  })

  it('a report whose answer was lost is resent with its key: one report on the server', async () => {
    const { server, outbox } = setup()
    server.loseNextAnswer = true
    outbox.add(draft())
    await outbox.flush(true)
    expect(server.byKey.size).toBe(1)
    expect(outbox.queued()).toHaveLength(1)
    await outbox.flush(true)
    expect(server.byKey.size).toBe(1)
    expect(outbox.sent()).toHaveLength(1)
    expect(server.sends[0]).toBe(server.sends[1])
  })

  it('stops retrying a report the server refuses, says why, and lets the villager delete it', async () => {
    const { server, outbox } = setup()
    server.refuse = 'the photo may be at most 5 MB'
    const r = outbox.add(draft())
    await outbox.flush(true)
    await outbox.flush(true)
    expect(server.sends).toHaveLength(1)
    expect(outbox.queued()).toMatchObject([{ state: 'failed', error: 'the photo may be at most 5 MB' }])
    expect(outbox.nextDueTs()).toBeNull()
    outbox.discard(r.key)
    expect(outbox.queued()).toEqual([])
  })

  it('after one connection failure, leaves the later reports for the next try', async () => {
    const { server, outbox } = setup()
    outbox.add(draft('damaged'))
    outbox.add(draft('pothole'))
    server.down = true
    await outbox.flush(true)
    expect(server.sends).toHaveLength(1)
    server.down = false
    expect(await outbox.flush(true)).toBe(2)
    expect(
      outbox
        .sent()
        .map((s) => s.category)
        .sort(),
    ).toEqual(['damaged', 'pothole'])
  })

  it('sends each report once when flushes overlap (online event, timer, socket reconnect)', async () => {
    const { server, outbox } = setup()
    outbox.add(draft())
    const [a, b, c] = await Promise.all([outbox.flush(true), outbox.flush(), outbox.flush(true)])
    expect([a, b, c]).toEqual([1, 1, 1])
    expect(server.sends).toHaveLength(1)
  })

  it('takes a report added while a send is out into the same flush', async () => {
    const { server, outbox } = setup()
    outbox.add(draft('damaged'))
    const slow = server.send.bind(server)
    let added = false
    server.send = async (r) => {
      if (!added) {
        added = true
        outbox.add(draft('pothole'))
      }
      return slow(r)
    }
    expect(await outbox.flush(true)).toBe(2)
  })

  it('asks for the status of open reports at most once a minute, and no more once fixed', async () => {
    const { clock, outbox } = setup()
    outbox.add(draft())
    await outbox.flush(true)
    const asked: string[] = []
    let status = 'assigned'
    const get = async (id: string) => {
      asked.push(id)
      return status
    }
    await outbox.refreshStatuses(get)
    expect(asked).toEqual([]) // just sent: its status came with the answer
    clock.t += 60_000
    await outbox.refreshStatuses(get)
    expect(outbox.sent()[0]?.ticketStatus).toBe('assigned')
    status = 'fixed'
    clock.t += 60_000
    await outbox.refreshStatuses(get)
    clock.t += 600_000
    await outbox.refreshStatuses(get)
    expect(asked).toEqual(['R1', 'R1'])
    expect(outbox.sent()[0]?.ticketStatus).toBe('fixed')
  })

  it('backs off 5 s, 15 s, 30 s, then every minute', () => {
    expect([1, 2, 3, 4, 10].map(backoffMs)).toEqual([5000, 15_000, 30_000, 60_000, 60_000])
  })

  it('offers the categories the reports API takes', () => {
    expect([...SIGN_CATEGORIES]).toEqual([...DOMAIN_SIGN])
    expect([...HAZARD_CATEGORIES]).toEqual([...DOMAIN_HAZARDS])
  })
})
