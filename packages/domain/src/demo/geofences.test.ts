import { describe, expect, it } from 'vitest'
import { contains, fenceProblem } from '../geofence/index.js'
import { demoCounty } from './index.js'
import { corridorRing, demoGeofences } from './geofences.js'
import type { LngLat } from '../network/types.js'

/** Whether two edges of a closed ring cross (a bow-tie draws and tests badly). */
function selfCrossing(ring: readonly LngLat[]): boolean {
  const side = (a: LngLat, b: LngLat, c: LngLat): number =>
    Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
  const n = ring.length - 1
  for (let i = 0; i < n; i++)
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue
      const [a, b, c, d] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!]
      if (side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0) return true
    }
  return false
}

describe('the demo county geofences', () => {
  const net = demoCounty()
  const fences = demoGeofences(net)

  it('puts one fence of each kind on the demo places, each one the server accepts', () => {
    expect(fences.map((f) => f.category)).toEqual(['depot', 'hospital', 'school', 'market', 'danger', 'corridor'])
    expect(new Set(fences.map((f) => f.id)).size).toBe(fences.length)
    for (const f of fences) expect(fenceProblem(f)).toBeNull()
    const crossing = fences.filter((f) => f.shape.kind === 'polygon' && f.shape.rings.some(selfCrossing))
    expect(crossing.map((f) => f.id)).toEqual([])
    const station = net.stops.find((s) => s.name === '叙永汽车站')!
    expect(contains(fences[0]!.shape, station.point)).toBe(true)
  })

  it('keeps the whole student route inside its corridor, so its buses raise no exit alert on their way', () => {
    const corridor = fences.find((f) => f.category === 'corridor')!
    expect(corridor).toMatchObject({ alertOnExit: true, routeKinds: ['student'] })
    const route = net.routes.find((r) => r.id === 'XY-R18')!
    const outside = route.geometry.filter((p) => !contains(corridor.shape, p))
    expect(outside).toEqual([])
  })

  it('keeps the winding road inside the danger section', () => {
    const danger = fences.find((f) => f.category === 'danger')!
    const road = net.routes.find((r) => r.id === 'XY-R16')!.geometry.slice(40, 80)
    expect(road.filter((p) => !contains(danger.shape, p))).toEqual([])
    expect(danger.speedLimitKmh).toBe(30)
  })

  it('makes a closed band either side of a line', () => {
    const ring = corridorRing(
      [
        [105, 28],
        [105.01, 28],
      ],
      100,
      1,
    )
    expect(ring).toHaveLength(5)
    expect(ring[0]).toEqual(ring[4])
    expect(contains({ kind: 'polygon', rings: [ring] }, [105.005, 28.0005])).toBe(true)
    expect(contains({ kind: 'polygon', rings: [ring] }, [105.005, 28.002])).toBe(false)
  })
})
