import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { testDatabases } from './testing/databases.js'
import type { OpenedDb } from './open.js'
import {
  insertPositions,
  loadLatest,
  queryTrack,
  upsertLatest,
  insertEvents,
  upsertLinkStatus,
} from './repositories/telemetry.js'
import { runMaintenance } from './maintenance.js'

let seq = 0
const vid = (): string => `T${process.pid}-${++seq}`
const makePosition = (over: Partial<Position> = {}): Position => ({
  vehicleId: 'V1',
  ts: Date.UTC(2026, 10, 2, 1, 0, 0),
  lng: 105.44,
  lat: 28.16,
  speedKmh: 32.5,
  headingDeg: 90,
  accM: 5,
  odoM: null,
  source: 'mqtt',
  ...over,
})

describe.each(testDatabases())('database port on $name', (target) => {
  let opened: OpenedDb
  beforeAll(async () => {
    opened = await target.open()
  })
  afterAll(async () => {
    await opened?.db.close()
  })

  it('applies migrations once and reports the storage mode', async () => {
    expect(opened.applied).toContain('1_telemetry')
    const again = await opened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migration')
    expect(again.rows[0]?.n).toBeGreaterThanOrEqual(1)
    if (target.name === 'embedded') expect(opened.mode).toBe('timescale')
    else expect(['timescale', 'plain']).toContain(opened.mode)
  })

  it('makes position and vehicle_event hypertables with compression and retention policies under TimescaleDB', async () => {
    if (opened.mode !== 'timescale') return
    const ht = await opened.db.query<{ hypertable_name: string; compression_enabled: boolean }>(
      'SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1',
    )
    expect(ht.rows.map((r) => r.hypertable_name)).toEqual(expect.arrayContaining(['position', 'vehicle_event']))
    // Telemetry is compressed; the small ETA-leg table (stop_segment) only has retention.
    expect(ht.rows.filter((r) => r.hypertable_name !== 'stop_segment').every((r) => r.compression_enabled)).toBe(true)
    const jobs = await opened.db.query<{ proc_name: string; hypertable_name: string }>(
      "SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE hypertable_name = 'position' ORDER BY 1",
    )
    expect(jobs.rows.map((r) => r.proc_name)).toEqual(['policy_compression', 'policy_retention'])
  })

  it('stores a batch, and a resent point is a no-op', async () => {
    const v = vid()
    const a = makePosition({ vehicleId: v })
    const b = makePosition({ vehicleId: v, ts: a.ts + 1000 })
    expect(await insertPositions(opened.db, [a, b, a], Date.now())).toBe(2)
    expect(await insertPositions(opened.db, [b], Date.now())).toBe(0)
    const track = await queryTrack(opened.db, v, a.ts, a.ts + 10_000, 100)
    expect(track).toEqual([
      [a.ts, 105.44, 28.16, 32.5, 90],
      [b.ts, 105.44, 28.16, 32.5, 90],
    ])
  })

  it('keeps millisecond timestamps exact and returns out-of-order points in time order', async () => {
    const v = vid()
    const t0 = Date.UTC(2026, 10, 2, 3, 4, 5, 123)
    await insertPositions(
      opened.db,
      [makePosition({ vehicleId: v, ts: t0 + 2001 }), makePosition({ vehicleId: v, ts: t0 })],
      Date.now(),
    )
    const track = await queryTrack(opened.db, v, t0, t0 + 5000, 10)
    expect(track.map((p) => p[0])).toEqual([t0, t0 + 2001])
  })

  it('latest keeps the newest fix even when an older one arrives later', async () => {
    const v = vid()
    const newer = makePosition({ vehicleId: v, ts: Date.UTC(2026, 10, 2, 5), lng: 105.5 })
    const older = makePosition({ vehicleId: v, ts: Date.UTC(2026, 10, 2, 4), lng: 105.4 })
    await upsertLatest(opened.db, [newer], Date.now())
    await upsertLatest(opened.db, [older], Date.now())
    await upsertLinkStatus(opened.db, [{ vehicleId: v, status: 'offline', ts: newer.ts }])
    const row = (await loadLatest(opened.db)).find((r) => r.vehicleId === v)
    expect(row?.position?.lng).toBe(105.5)
    expect(row?.position?.ts).toBe(newer.ts)
    expect(row?.online).toBe(false)
  })

  it('restores the newest stored point even when vehicle_latest lags behind it', async () => {
    const v = vid()
    const saved = makePosition({ vehicleId: v, ts: Date.UTC(2026, 10, 2, 7), lng: 105.1 })
    const newer = makePosition({ vehicleId: v, ts: Date.UTC(2026, 10, 2, 7, 0, 1), lng: 105.2, accM: 9 })
    await upsertLatest(opened.db, [saved], Date.now())
    await insertPositions(opened.db, [saved, newer], Date.now())
    const row = (await loadLatest(opened.db)).find((r) => r.vehicleId === v)
    expect(row?.position).toMatchObject({ ts: newer.ts, lng: 105.2, accM: 9 })
  })

  it('rolls a failed transaction back and keeps serving other queries', async () => {
    const v = vid()
    await expect(
      opened.db.transaction(async (tx) => {
        await insertPositions(tx, [makePosition({ vehicleId: v })], Date.now())
        await tx.query('SELECT no_such_column FROM position')
      }),
    ).rejects.toMatchObject({ code: '42703' })
    const track = await queryTrack(opened.db, v, 0, Date.UTC(2100, 0, 1), 10)
    expect(track).toEqual([])
  })

  it('isolates concurrent transactions from each other', async () => {
    const v = vid()
    const p = makePosition({ vehicleId: v })
    const results = await Promise.allSettled([
      opened.db.transaction(async (tx) => {
        await insertPositions(tx, [p], Date.now())
        throw new Error('abort')
      }),
      opened.db.transaction(async (tx) =>
        insertPositions(tx, [makePosition({ vehicleId: v, ts: p.ts + 1 })], Date.now()),
      ),
    ])
    expect(results[0].status).toBe('rejected')
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: 1 })
    expect((await queryTrack(opened.db, v, 0, Date.UTC(2100, 0, 1), 10)).map((t) => t[0])).toEqual([p.ts + 1])
  })

  it('stores events once per (vehicle, type, ts)', async () => {
    const v = vid()
    const e = { vehicleId: v, ts: Date.UTC(2026, 10, 2, 6), type: 'alarm', data: { alarm: 'sos' } }
    expect(await insertEvents(opened.db, [e, e])).toBe(1)
    const r = await opened.db.query<{ data: { alarm: string } }>(
      'SELECT data FROM vehicle_event WHERE vehicle_id = $1',
      [v],
    )
    expect(r.rows[0]?.data.alarm).toBe('sos')
  })

  it('maintenance removes telemetry past retention (plain) or runs the policy jobs (embedded)', async () => {
    const v = vid()
    const now = Date.UTC(2026, 10, 29)
    const old = makePosition({ vehicleId: v, ts: now - 500 * 86_400_000 })
    const recent = makePosition({ vehicleId: v, ts: now - 86_400_000 })
    await insertPositions(opened.db, [old, recent], now)
    const report = await runMaintenance(opened.db, opened.mode, { retentionDays: 400, compressAfterDays: 3 }, now)
    if (opened.mode === 'plain') expect(report.deletedRows).toBeGreaterThanOrEqual(1)
    // Retention and compression of position and vehicle_event, retention of stop_segment, and the
    // refresh of the ETA legs' continuous aggregate.
    if (opened.db.kind === 'embedded') expect(report.jobsRun).toBe(6)
    if (opened.mode === 'plain' || opened.db.kind === 'embedded') {
      const left = await queryTrack(opened.db, v, 0, now, 10)
      expect(left.map((p) => p[0])).toEqual([recent.ts])
    }
  })
})
