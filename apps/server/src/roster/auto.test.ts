import { describe, expect, it } from 'vitest'
import type { ServiceDate } from '@rb/domain'
import { RosterAutoJob } from './auto.js'

/** 2026-11-30 23:59:30 in Asia/Shanghai. */
const NOW = Date.UTC(2026, 10, 30, 15, 59, 30)

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

function recorder() {
  const lines: { level: string; msg: string }[] = []
  return {
    lines,
    log: {
      info: (_: object, msg: string) => lines.push({ level: 'info', msg }),
      warn: (_: object, msg: string) => lines.push({ level: 'warn', msg }),
    },
  }
}

describe('the automatic roster job', () => {
  it('makes sure today and tomorrow have a roster, at start', async () => {
    const asked: ServiceDate[] = []
    const { log, lines } = recorder()
    const job = new RosterAutoJob(
      { ensureRoster: async (date) => (asked.push(date), { created: date === '2026-11-30', duties: 3, warnings: [] }) },
      log,
      { now: () => NOW },
    )
    await job.start()
    await job.stop()
    expect(asked).toEqual(['2026-11-30', '2026-12-01'])
    expect(lines).toEqual([
      { level: 'info', msg: 'roster of 2026-11-30 made from the templates and the planner, and published' },
    ])
  })

  it('lives through the database being away: logs, retries sooner, and carries on when it is back', async () => {
    let calls = 0
    const { log, lines } = recorder()
    const job = new RosterAutoJob(
      {
        ensureRoster: async () => {
          calls++
          if (calls <= 4) throw new Error('connect ECONNREFUSED 127.0.0.1:5432')
          return { created: false, duties: 0, warnings: [] }
        },
      },
      log,
      { now: () => NOW, retryMs: 5, intervalMs: 60_000 },
    )
    await expect(job.start()).resolves.toBeUndefined()
    await until(() => calls >= 6)
    await job.stop()
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'could not make sure 2026-11-30 has a roster; will retry',
      'could not make sure 2026-12-01 has a roster; will retry',
      'could not make sure 2026-11-30 has a roster; will retry',
      'could not make sure 2026-12-01 has a roster; will retry',
    ])
  })

  it('runs again when the service day changes, for the new today and tomorrow', async () => {
    // 23:59:59.9: the service day changes in 100 ms.
    let now = Date.UTC(2026, 10, 30, 15, 59, 59, 900)
    const asked: string[] = []
    const job = new RosterAutoJob(
      { ensureRoster: async (date) => (asked.push(date), { created: false, duties: 0, warnings: [] }) },
      recorder().log,
      { now: () => now, intervalMs: 600_000 },
    )
    await job.start()
    now += 2_000
    // The next run is due just after midnight (plus a second), not in 10 minutes.
    await until(() => asked.length >= 4)
    await job.stop()
    expect(asked).toEqual(['2026-11-30', '2026-12-01', '2026-12-01', '2026-12-02'])
  })
})
