/**
 * The demo county's road tree: places (the county seat's bus station, hospital and middle school,
 * township centres, villages at the end of dead-end roads) joined by winding roads.
 */
import type { LngLat } from '../network/types.js'
import { villageNames, type PlaceName } from './names.js'
import type { Rng } from './rng.js'
import { toLngLat, toXy, windingRoad, type RoadStyle } from './roads.js'
import { SEAT, SEAT_TOWNSHIP_ID, TOWNSHIPS, TRUNK_ROADS } from './townships.js'

export interface Place {
  /** A township id, `H`, `S`, or `<townshipId>/V<n>` for a village at the end of a spur road. */
  key: string
  point: LngLat
  /** What route names call it ("江门", "石坝"). */
  short: PlaceName
  /** The stop sign standing there. */
  stop: PlaceName
  /** The township whose centre it is, or whose spur road ends there. */
  townshipId: string
}

export interface Road {
  id: string
  from: string
  to: string
  style: RoadStyle
  points: LngLat[]
  onClimb: boolean[]
}

export interface RoadNet {
  places: Map<string, Place>
  roads: Road[]
  /** Hands out village names not used yet (stops share the pool with spur villages). */
  nextVillage: () => PlaceName
}

export const HOSPITAL = 'H'
export const MIDDLE_SCHOOL = 'S'
export const spurKey = (townshipId: string, n: number): string => `${townshipId}/V${n}`

// Roads along the 永宁河 valley are gentler; the rest climb over ridges.
const VALLEY_ROADS = new Set(['XY-T01>XY-T02', 'XY-T01>XY-T06', 'XY-T12>XY-T13'])

function seatPlaces(): Place[] {
  return [
    {
      key: SEAT_TOWNSHIP_ID,
      point: [...SEAT],
      townshipId: SEAT_TOWNSHIP_ID,
      short: { zh: '叙永', en: 'Xuyong' },
      stop: { zh: '叙永汽车站', en: 'Xuyong Bus Station' },
    },
    {
      key: HOSPITAL,
      point: [105.4575, 28.1655],
      townshipId: SEAT_TOWNSHIP_ID,
      short: { zh: '县人民医院', en: 'County Hospital' },
      stop: { zh: '县人民医院', en: "Xuyong County People's Hospital" },
    },
    {
      key: MIDDLE_SCHOOL,
      point: [105.4245, 28.172],
      townshipId: SEAT_TOWNSHIP_ID,
      short: { zh: '叙永一中', en: 'Xuyong No.1 Middle School' },
      stop: { zh: '叙永一中', en: 'Xuyong No.1 Middle School' },
    },
  ]
}

/** A village 5–10 km out from the township centre, roughly away from the county seat and from `awayFrom` (radians). */
function spurEnd(rng: Rng, center: LngLat, awayFrom: number[]): LngLat {
  const c = toXy(center)
  const outward = Math.atan2(c[1], c[0])
  let angle = outward
  for (let attempt = 0; attempt < 20; attempt++) {
    angle = outward + rng.range(-2.2, 2.2)
    if (awayFrom.every((a) => Math.abs(Math.atan2(Math.sin(angle - a), Math.cos(angle - a))) > 1.1)) break
  }
  const lengthM = rng.range(5_000, 10_000)
  return toLngLat([c[0] + lengthM * Math.cos(angle), c[1] + lengthM * Math.sin(angle)])
}

export function buildRoads(rng: Rng): RoadNet {
  const nextVillage = villageNames(
    rng.fork('village-names'),
    TOWNSHIPS.map((t) => t.short),
  )
  const places = new Map<string, Place>(seatPlaces().map((p) => [p.key, p]))
  for (const t of TOWNSHIPS) {
    if (t.id === SEAT_TOWNSHIP_ID) continue
    places.set(t.id, {
      key: t.id,
      point: [...t.center],
      townshipId: t.id,
      short: { zh: t.short, en: t.nameEn },
      stop: { zh: `${t.short}场镇`, en: `${t.nameEn} Town` },
    })
  }
  const roads: Road[] = []
  const road = (from: string, to: string, style: RoadStyle): void => {
    const a = places.get(from)
    const b = places.get(to)
    if (!a || !b) throw new RangeError(`unknown place ${a ? to : from}`)
    const shape = windingRoad(rng.fork(`road:${from}>${to}`), a.point, b.point, style)
    roads.push({ id: `${from}>${to}`, from, to, style, points: shape.points, onClimb: shape.onClimb })
  }

  // Spur roads first: the first road out of a township gets its health centre and school.
  const spurRng = rng.fork('spurs')
  for (const t of TOWNSHIPS) {
    // Spurs leave in directions no other road from the township takes.
    const c = toXy(t.center)
    const angles = TRUNK_ROADS.flatMap(([a, b]) => (a === t.id ? [b] : b === t.id ? [a] : [])).map((other) => {
      const o = toXy(places.get(other)?.point ?? SEAT)
      return Math.atan2(o[1] - c[1], o[0] - c[0])
    })
    for (let n = 0; n < t.spurs; n++) {
      const village = nextVillage()
      const point = spurEnd(spurRng, t.center, angles)
      const xy = toXy(point)
      angles.push(Math.atan2(xy[1] - c[1], xy[0] - c[0]))
      const key = spurKey(t.id, n)
      places.set(key, {
        key,
        point,
        townshipId: t.id,
        short: village,
        stop: { zh: `${village.zh}村委会`, en: `${village.en} Village Committee` },
      })
      road(t.id, key, 'mountain')
    }
  }
  for (const [from, to] of TRUNK_ROADS) road(from, to, VALLEY_ROADS.has(`${from}>${to}`) ? 'valley' : 'mountain')
  road(SEAT_TOWNSHIP_ID, HOSPITAL, 'urban')
  road(SEAT_TOWNSHIP_ID, MIDDLE_SCHOOL, 'urban')
  return { places, roads, nextVillage }
}
