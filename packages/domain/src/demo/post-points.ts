/**
 * The demo county's post points (交邮融合): the county bus station and every township's 场镇 stop
 * are comprehensive transport service stations (综合运输服务站, where parcels change buses); a
 * village committee stop (…村委会) served by a bus in each township is a village post station
 * (村邮站), kept by the village shop. Pure and deterministic, like the rest of the demo county.
 */
import type { NetworkSnapshot } from '../network/types.js'
import type { PostPoint } from '../parcels/types.js'
import { mulberry32 } from './rng.js'
import { DEFAULT_DEMO_SEED } from './index.js'
import { TOWNSHIPS } from './townships.js'

/** The county bus station's post point (the demo keeper account keeps it). */
export const DEMO_STATION_STOP = 'XY-0001'
export const DEMO_STATION_NAME = '叙永县综合运输服务站'
/** Village post stations per township, at most. */
const VILLAGES_PER_TOWNSHIP = 2

export function demoPostPoints(net: Pick<NetworkSnapshot, 'stops' | 'routes'>, seed = DEFAULT_DEMO_SEED): PostPoint[] {
  const rng = mulberry32(seed).fork('post-points')
  const served = new Set(net.routes.filter((r) => r.active).flatMap((r) => r.stops.map((s) => s.stopCode)))
  const phone = (): string => `1${rng.pick(['3', '5', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`
  const out: PostPoint[] = []
  const seat = net.stops.find((s) => s.code === DEMO_STATION_STOP)
  if (seat)
    out.push({
      stopCode: seat.code,
      kind: 'station',
      name: DEMO_STATION_NAME,
      phone: '08306221036',
      hours: '07:00-19:00',
      holdDays: 7,
      active: true,
    })
  for (const t of TOWNSHIPS.slice(1)) {
    const centre = net.stops.find((s) => s.name === `${t.short}场镇` && served.has(s.code))
    if (centre)
      out.push({
        stopCode: centre.code,
        kind: 'station',
        name: `${t.name}综合运输服务站`,
        phone: `0830${String(rng.int(6_200_000, 6_299_999))}`,
        hours: '08:00-18:00',
        holdDays: 7,
        active: true,
      })
    const villages = net.stops.filter(
      (s) => s.townshipId === t.id && s.name.endsWith('村委会') && served.has(s.code) && s.status !== 'removed',
    )
    for (const v of villages.slice(0, VILLAGES_PER_TOWNSHIP)) {
      out.push({
        stopCode: v.code,
        kind: 'village',
        name: `${v.name.replace(/村委会$/, '')}村邮站`,
        phone: phone(),
        hours: '08:00-20:00',
        holdDays: 5,
        active: true,
      })
    }
  }
  return out
}
