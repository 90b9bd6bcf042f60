/**
 * Numbered stop signs (招呼站牌) along the demo roads: one at every place, and village stops every
 * 1–3 km in between, a few metres off the carriageway and never in a hairpin bend.
 */
import { serviceDate, addDays } from '../calendar/index.js'
import { formatStopCode } from '../network/ids.js'
import type { LngLat, Stop } from '../network/types.js'
import { cumulativeDistancesM, distanceM } from '@rb/geo'
import type { PlaceName } from './names.js'
import type { Road, RoadNet } from './network.js'
import type { Rng } from './rng.js'
import { pointAlong } from './roads.js'
import { COUNTY_PREFIX, TOWNSHIPS, townshipFact } from './townships.js'

export interface PlacedRoad extends Road {
  cumM: number[]
  lengthM: number
  /** Stops between the two ends, in the road's from → to order. */
  stops: { code: string; alongM: number }[]
}

export interface StopLayout {
  stops: Stop[]
  /** Place key → the code of the stop sign standing there. */
  placeStop: Map<string, string>
  roads: PlacedRoad[]
}

const URBAN_STOPS: readonly PlaceName[] = [
  { zh: '西门口', en: 'Ximenkou' },
  { zh: '永宁桥', en: 'Yongning Bridge' },
  { zh: '东城广场', en: 'Dongcheng Square' },
  { zh: '鱼凫街', en: 'Yufu Street' },
  { zh: '红岩路口', en: 'Hongyan Road Junction' },
  { zh: '春秋祠', en: 'Chunqiu Temple' },
  { zh: '北门口', en: 'Beimenkou' },
  { zh: '县政务中心', en: 'County Service Centre' },
]

function nearestTownship(point: LngLat): string {
  let best = TOWNSHIPS[0]?.id ?? ''
  let bestM = Infinity
  for (const t of TOWNSHIPS) {
    const m = distanceM(point, t.center)
    if (m < bestM) [best, bestM] = [t.id, m]
  }
  return best
}

/** Names for `count` consecutive village stops: 1–3 stops per village (组 numbers, 村委会, 小学). */
function villageStopNames(rng: Rng, nextVillage: () => PlaceName, count: number): PlaceName[] {
  const out: PlaceName[] = []
  while (out.length < count) {
    const v = nextVillage()
    const k = Math.min(count - out.length, rng.pick([1, 2, 2, 3]))
    const groups = rng
      .shuffle(Array.from({ length: 12 }, (_, i) => i + 1))
      .slice(0, k)
      .sort((a, b) => a - b)
    if (rng.chance(0.5)) groups.reverse()
    const committeeAt = rng.chance(k >= 2 ? 0.6 : 0.2) ? rng.int(0, k - 1) : -1
    const schoolAt = k >= 2 && rng.chance(0.3) ? (committeeAt + 1) % k : -1
    for (let i = 0; i < k; i++) {
      const g = groups[i] as number
      if (i === committeeAt) out.push({ zh: `${v.zh}村委会`, en: `${v.en} Village Committee` })
      else if (i === schoolAt) out.push({ zh: `${v.zh}小学`, en: `${v.en} Primary School` })
      else out.push({ zh: `${v.zh}村${g}组`, en: `${v.en} Village Group ${g}` })
    }
  }
  return out
}

/** The first distance from `alongM` on where neither end of the segment is in a hairpin bend. */
function clearOfBends(road: Road, cumM: readonly number[], alongM: number): number {
  let i = 0
  for (let at = alongM; ; at += 80) {
    while (i + 2 < cumM.length && (cumM[i + 1] as number) < at) i++
    if ((!road.onClimb[i] && !road.onClimb[i + 1]) || i + 2 >= cumM.length) return at
  }
}

/** Distances along the road for stops: `gapM` apart (random in the range), clear of both ends and of bends. */
function stopPositions(
  rng: Rng,
  road: Road,
  cumM: readonly number[],
  startM: number,
  gapM: [number, number],
  endClearM: number,
): number[] {
  const lastM = (cumM.at(-1) ?? 0) - endClearM
  const out: number[] = []
  for (
    let at = clearOfBends(road, cumM, startM + rng.range(gapM[0], gapM[1]));
    at < lastM;
    at = clearOfBends(road, cumM, at + rng.range(gapM[0], gapM[1]))
  ) {
    out.push(at)
  }
  return out
}

export function placeStops(rng: Rng, net: RoadNet): StopLayout {
  const stops: Stop[] = []
  const villageStops: number[] = []
  const placeStop = new Map<string, string>()
  const installed = (from: string, spanDays: number): string => addDays(serviceDate(from), rng.int(0, spanDays))
  const add = (name: PlaceName, point: LngLat, village: boolean): string => {
    const code = formatStopCode(COUNTY_PREFIX, stops.length + 1)
    const installedOn = village ? installed('2024-03-01', 840) : installed('2024-01-08', 60)
    stops.push({
      code,
      name: name.zh,
      nameEn: name.en,
      townshipId: nearestTownship(point),
      point,
      status: 'ok',
      installedOn: serviceDate(installedOn),
    })
    if (village) villageStops.push(stops.length - 1)
    return code
  }
  for (const p of net.places.values()) if (!p.key.includes('/')) placeStop.set(p.key, add(p.stop, p.point, false))

  const roads: PlacedRoad[] = []
  let urbanNext = 0
  for (const road of net.roads) {
    const cumM = cumulativeDistancesM(road.points)
    const lengthM = cumM.at(-1) ?? 0
    const named: { name: PlaceName; alongM: number; village: boolean }[] = []
    if (road.style === 'urban') {
      const at = stopPositions(rng, road, cumM, 0, [450, 800], 350)
      for (const alongM of at)
        named.push({ name: URBAN_STOPS[urbanNext++ % URBAN_STOPS.length] as PlaceName, alongM, village: false })
    } else {
      let startM = 0
      if (road.to.endsWith('/V0')) {
        // The first spur road out of a township passes its health centre and central primary school.
        const t = townshipFact(road.from)
        // Out of a bend if there is room before the village end, else where it is.
        const near = (alongM: number): number =>
          Math.min(clearOfBends(road, cumM, alongM), Math.max(alongM, lengthM - 2_000))
        const clinicM = near(rng.range(350, 650))
        const schoolM = near(clinicM + rng.range(500, 800))
        named.push({
          name: { zh: `${t.name}卫生院`, en: `${t.nameEn} Health Centre` },
          alongM: clinicM,
          village: false,
        })
        named.push({
          name: { zh: `${t.name}中心小学`, en: `${t.nameEn} Central Primary School` },
          alongM: schoolM,
          village: false,
        })
        startM = schoolM
      }
      const at = stopPositions(rng, road, cumM, startM, [1_100, 2_900], 700)
      const names = villageStopNames(rng, net.nextVillage, at.length)
      at.forEach((alongM, i) => named.push({ name: names[i] as PlaceName, alongM, village: true }))
    }
    const placed = named.map((s) => {
      const side = rng.range(2, 6) * (rng.chance(0.5) ? 1 : -1)
      return { code: add(s.name, pointAlong(road.points, cumM, s.alongM, side), s.village), alongM: s.alongM }
    })
    const end = net.places.get(road.to)
    if (end && !placeStop.has(end.key)) placeStop.set(end.key, add(end.stop, end.point, true))
    roads.push({ ...road, cumM, lengthM, stops: placed })
  }
  // A few village signs have been reported broken by villagers (一键报修), a few are being repaired.
  const damaged = rng.shuffle(villageStops)
  const reported = Math.max(1, Math.round(villageStops.length * 0.05))
  const inRepair = Math.max(1, Math.round(villageStops.length * 0.03))
  damaged.slice(0, reported + inRepair).forEach((i, n) => {
    const stop = stops[i] as Stop
    stop.status = n < reported ? 'reported' : 'in_repair'
  })
  return { stops, placeStop, roads }
}
