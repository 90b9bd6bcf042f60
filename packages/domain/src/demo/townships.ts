/**
 * The demo county's fixed facts: townships, their market days, operators. Modelled on 叙永县
 * (Xuyong, Luzhou, Sichuan); positions and market days are plausible, not surveyed.
 */
import type { MarketCalendarKind, MarketPattern } from '../calendar/index.js'
import type { LngLat, Operator, Township } from '../network/types.js'

export const COUNTY_PREFIX = 'XY'

/** The county bus station in 叙永镇; the origin of the demo's local metric frame. */
export const SEAT: LngLat = [105.44, 28.16]

/**
 * The day driver ages are measured against ("years of service"); fixed so the output does not
 * depend on the clock.
 */
export const DEMO_REFERENCE_DATE = '2026-07-01'

export interface TownshipFact {
  id: string
  name: string
  nameEn: string
  /** The name without 镇, as on route names and headsigns ("江门"). */
  short: string
  center: LngLat
  /** When its market (赶场) falls; the county seat has a market every day. */
  market: { calendar: MarketCalendarKind; pattern: MarketPattern } | null
  /** Villages at the end of dead-end roads from the township centre. */
  spurs: number
}

export const TOWNSHIPS: readonly TownshipFact[] = [
  { id: 'XY-T01', name: '叙永镇', nameEn: 'Xuyong', short: '叙永', center: SEAT, market: null, spurs: 0 },
  {
    id: 'XY-T02',
    name: '江门镇',
    nameEn: 'Jiangmen',
    short: '江门',
    center: [105.47, 28.33],
    market: { calendar: 'lunar', pattern: '1-4-7' },
    spurs: 1,
  },
  {
    id: 'XY-T03',
    name: '马岭镇',
    nameEn: 'Maling',
    short: '马岭',
    center: [105.35, 28.255],
    market: { calendar: 'lunar', pattern: '2-5-8' },
    spurs: 2,
  },
  {
    id: 'XY-T04',
    name: '正东镇',
    nameEn: 'Zhengdong',
    short: '正东',
    center: [105.54, 28.215],
    market: { calendar: 'lunar', pattern: '3-6-9' },
    spurs: 1,
  },
  {
    id: 'XY-T05',
    name: '观兴镇',
    nameEn: 'Guanxing',
    short: '观兴',
    center: [105.625, 28.29],
    market: { calendar: 'gregorian', pattern: '1-4-7' },
    spurs: 1,
  },
  {
    id: 'XY-T06',
    name: '落卜镇',
    nameEn: 'Luobu',
    short: '落卜',
    center: [105.575, 28.11],
    market: { calendar: 'lunar', pattern: '2-5-8' },
    spurs: 1,
  },
  {
    id: 'XY-T07',
    name: '黄坭镇',
    nameEn: 'Huangni',
    short: '黄坭',
    center: [105.64, 28.02],
    market: { calendar: 'lunar', pattern: '3-6-9' },
    spurs: 1,
  },
  {
    id: 'XY-T08',
    name: '赤水镇',
    nameEn: 'Chishui',
    short: '赤水',
    center: [105.7, 27.915],
    market: { calendar: 'gregorian', pattern: '2-5-8' },
    spurs: 2,
  },
  {
    id: 'XY-T09',
    name: '后山镇',
    nameEn: 'Houshan',
    short: '后山',
    center: [105.47, 28.04],
    market: { calendar: 'lunar', pattern: '1-4-7' },
    spurs: 1,
  },
  {
    id: 'XY-T10',
    name: '摩尼镇',
    nameEn: 'Moni',
    short: '摩尼',
    center: [105.42, 27.925],
    market: { calendar: 'lunar', pattern: '2-5-8' },
    spurs: 1,
  },
  {
    id: 'XY-T11',
    name: '麻城镇',
    nameEn: 'Macheng',
    short: '麻城',
    center: [105.3, 27.87],
    market: { calendar: 'lunar', pattern: '3-6-9' },
    spurs: 2,
  },
  {
    id: 'XY-T12',
    name: '两河镇',
    nameEn: 'Lianghe',
    short: '两河',
    center: [105.33, 28.085],
    market: { calendar: 'lunar', pattern: '1-4-7' },
    spurs: 1,
  },
  {
    id: 'XY-T13',
    name: '分水镇',
    nameEn: 'Fenshui',
    short: '分水',
    center: [105.215, 28.0],
    market: { calendar: 'gregorian', pattern: '3-6-9' },
    spurs: 1,
  },
  {
    id: 'XY-T14',
    name: '水尾镇',
    nameEn: 'Shuiwei',
    short: '水尾',
    center: [105.14, 28.07],
    market: { calendar: 'lunar', pattern: '2-5-8' },
    spurs: 2,
  },
]

export const SEAT_TOWNSHIP_ID = 'XY-T01'

export function townshipFact(id: string): TownshipFact {
  const fact = TOWNSHIPS.find((t) => t.id === id)
  if (!fact) throw new RangeError(`no demo township ${id}`)
  return fact
}

export const townships = (): Township[] =>
  TOWNSHIPS.map(({ id, name, nameEn, center }) => ({ id, name, nameEn, center: [...center] }))

/** Trunk roads between townships (the road tree grows from the county seat). */
export const TRUNK_ROADS: readonly (readonly [from: string, to: string])[] = [
  ['XY-T01', 'XY-T02'],
  ['XY-T01', 'XY-T03'],
  ['XY-T01', 'XY-T04'],
  ['XY-T04', 'XY-T05'],
  ['XY-T01', 'XY-T06'],
  ['XY-T06', 'XY-T07'],
  ['XY-T07', 'XY-T08'],
  ['XY-T01', 'XY-T09'],
  ['XY-T09', 'XY-T10'],
  ['XY-T10', 'XY-T11'],
  ['XY-T01', 'XY-T12'],
  ['XY-T12', 'XY-T13'],
  ['XY-T13', 'XY-T14'],
]

export const OPERATOR_BUS = 'XY-OP1'
export const OPERATOR_VILLAGE = 'XY-OP2'

export const operators = (): Operator[] => [
  { id: OPERATOR_BUS, name: '叙永县城乡公交有限公司', phone: '0830-6221035' },
  { id: OPERATOR_VILLAGE, name: '叙永县永宁农村客运有限公司', phone: '0830-6236618' },
]
