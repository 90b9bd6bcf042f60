/**
 * The heat map behind Reports: departures by stop and hour of the day, through the real server.
 * Known departures go into the database and come back exactly — the local hour (Asia/Shanghai),
 * the county's −1/+5 min on-time window's edges, the mean delay, a route's stops in the order of
 * travel, a departure of another service day left out — as JSON and CSV; bad ranges refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '@rb/db'
import { startServer, targets, type TestServer } from '../support/server.js'

const at = (local: string): number => Date.parse(`${local}+08:00`)

interface Answer {
  from: string
  to: string
  stopOrder: string[]
  rows: {
    stopCode: string
    stopName: string
    hour: number
    departures: number
    onTime: number
    onTimeShare: number
    meanDelayS: number
  }[]
}

async function seed(db: Db): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params)
  await q(`INSERT INTO operator (id, name) VALUES ('HOPA', '叙永公交')`)
  await q(`INSERT INTO township (id, name, lng, lat) VALUES ('HTA', '叙永镇', 105.44, 28.1)`)
  for (const [c, name] of [
    ['H-0001', '石坝村'],
    ['H-0002', '大坪'],
    ['H-0003', '场镇'],
  ])
    await q(`INSERT INTO stop (code, name, township_id, lng, lat) VALUES ($1, $2, 'HTA', 105.44, 28.1)`, [c, name])
  await q(
    `INSERT INTO route (id, name, kind, operator_id, geometry, length_m) VALUES ('HR1', '赶场1路', 'market', 'HOPA', '[]', 1000), ('HR2', '学生线', 'student', 'HOPA', '[]', 1000)`,
  )
  // Route HR1 runs H-0003 → H-0001 → H-0002: the heat map's rows come in that order.
  for (const [seq, code] of [
    [0, 'H-0003'],
    [1, 'H-0001'],
    [2, 'H-0002'],
  ] as const)
    await q(`INSERT INTO route_stop (route_id, seq, stop_code, dist_m) VALUES ('HR1', $1, $2, $3)`, [
      seq,
      code,
      seq * 500,
    ])
  await q(`INSERT INTO calendar (id, name, rules) VALUES ('hdaily', '每天', '{}')`)
  await q(
    `INSERT INTO trip (id, route_id, calendar_id, direction, departure_s, stop_offsets_s, seats) VALUES ('HT1', 'HR1', 'hdaily', 0, 25200, '{0,600,900}', 19), ('HT2', 'HR2', 'hdaily', 0, 25200, '{0,600}', 19)`,
  )
  let n = 0
  const dep = async (vehicle: string, local: string, instance: string, stop: string, delayS: number): Promise<void> => {
    n++
    await q(
      `INSERT INTO vehicle_event (vehicle_id, ts, type, trip_instance_id, stop_code, data) VALUES ($1, to_timestamp($2::float8 / 1000.0), 'departure', $3, $4, $5::jsonb)`,
      [vehicle, at(local) + n, instance, stop, JSON.stringify({ delayS })],
    )
  }
  // 07:xx at H-0001: on time at both edges of the window (−60 s, +300 s), late (+301 s), early (−61 s).
  for (const d of [-60, 300, 301, -61]) await dep('HV1', '2026-03-02T07:20:00', 'HT1_20260302', 'H-0001', d)
  // 08:xx at H-0001 and 07:xx at H-0003.
  await dep('HV1', '2026-03-02T08:05:00', 'HT1_20260302', 'H-0001', 0)
  await dep('HV1', '2026-03-02T07:05:00', 'HT1_20260302', 'H-0003', 120)
  // Another route's departure, and one of another service day: not in HR1's map of 2 March.
  await dep('HV2', '2026-03-02T07:30:00', 'HT2_20260302', 'H-0002', 0)
  await dep('HV1', '2026-03-03T07:20:00', 'HT1_20260303', 'H-0001', 0)
}

describe.each(targets())('stop-by-hour report on $name', (target) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer(target.env)
    await seed(server.app.rb.db)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('counts departures per stop and local hour, on time by the county policy, with the mean delay', async () => {
    const r = await server.apiJson<Answer>('GET', '/api/analytics/stop-hours?from=2026-03-02&to=2026-03-02&route=HR1')
    expect(r.status).toBe(200)
    expect(r.body.stopOrder).toEqual(['H-0003', 'H-0001', 'H-0002'])
    expect(r.body.rows).toEqual([
      { stopCode: 'H-0001', stopName: '石坝村', hour: 7, departures: 4, onTime: 2, onTimeShare: 0.5, meanDelayS: 120 },
      { stopCode: 'H-0001', stopName: '石坝村', hour: 8, departures: 1, onTime: 1, onTimeShare: 1, meanDelayS: 0 },
      { stopCode: 'H-0003', stopName: '场镇', hour: 7, departures: 1, onTime: 1, onTimeShare: 1, meanDelayS: 120 },
    ])
    // Every route, two days: the other route's stop and the next day's departure appear.
    const all = await server.apiJson<Answer>('GET', '/api/analytics/stop-hours?from=2026-03-02&to=2026-03-03')
    expect(all.body.rows.find((x) => x.stopCode === 'H-0001' && x.hour === 7)?.departures).toBe(5)
    expect(all.body.rows.some((x) => x.stopCode === 'H-0002')).toBe(true)
  })

  it('writes the same as CSV, and refuses a range it cannot read', async () => {
    const csv = await server.api('/api/analytics/stop-hours?from=2026-03-02&to=2026-03-02&route=HR1&format=csv')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toContain('stop-hours_2026-03-02_2026-03-02.csv')
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
    expect(lines[0]).toBe('stop_code,stop_name,hour,departures,on_time,on_time_share,mean_delay_s')
    expect(lines[1]).toBe('H-0001,石坝村,7,4,2,0.5,120')
    const bad = await server.apiJson<{ error: { code: string } }>(
      'GET',
      '/api/analytics/stop-hours?from=2026-03-05&to=2026-03-02',
    )
    expect(bad.status).toBe(400)
  })
})
