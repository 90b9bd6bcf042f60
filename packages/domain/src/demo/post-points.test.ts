import { describe, expect, it } from 'vitest'
import { demoCounty } from './index.js'
import { DEMO_STATION_NAME, DEMO_STATION_STOP, demoPostPoints } from './post-points.js'
import { cleanPostPoint } from '../parcels/consign.js'

describe('demo post points', () => {
  const net = demoCounty()
  const points = demoPostPoints(net)

  it('makes the county station and every township centre a station, and village post stations on bus routes', () => {
    expect(points[0]).toMatchObject({ stopCode: DEMO_STATION_STOP, kind: 'station', name: DEMO_STATION_NAME })
    const stations = points.filter((p) => p.kind === 'station')
    expect(stations).toHaveLength(14)
    const villages = points.filter((p) => p.kind === 'village')
    expect(villages.length).toBeGreaterThanOrEqual(13)
    const served = new Set(net.routes.flatMap((r) => r.stops.map((s) => s.stopCode)))
    for (const p of points) expect(served.has(p.stopCode), p.stopCode).toBe(true)
    for (const v of villages) expect(v.name).toMatch(/^[\u4e00-\u9fa5]{2}村邮站$/)
  })

  it('passes the rules a post point is saved with, and is the same every time', () => {
    for (const p of points) expect(cleanPostPoint(p)).toEqual(p)
    expect(new Set(points.map((p) => p.stopCode)).size).toBe(points.length)
    expect(demoPostPoints(demoCounty())).toEqual(points)
  })
})
