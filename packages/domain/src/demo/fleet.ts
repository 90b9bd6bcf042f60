/** The demo county's buses and drivers, with unified numbers (XY-V001, XY-D001). */
import { addDays, serviceDate } from '../calendar/index.js'
import { formatDriverNumber, formatVehicleNumber } from '../network/ids.js'
import type { Driver, Vehicle } from '../network/types.js'
import { personNames } from './names.js'
import type { Rng } from './rng.js'
import { COUNTY_PREFIX, DEMO_REFERENCE_DATE, OPERATOR_BUS, OPERATOR_VILLAGE } from './townships.js'

/** Bus models on the county's roads, by seats; the small ones climb the village roads. */
const MODELS: readonly { model: string; seats: number; count: number }[] = [
  { model: '宇通 ZK6609D', seats: 19, count: 12 },
  { model: '东风超龙 EQ6700', seats: 24, count: 12 },
  { model: '中通 LCK6809', seats: 33, count: 11 },
  { model: '宇通 ZK6107', seats: 45, count: 9 },
]

const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(rng.int(0, 9))).join('')

/** A value not handed out before. */
function unique(seen: Set<string>, make: () => string): string {
  for (;;) {
    const value = make()
    if (!seen.has(value)) {
      seen.add(value)
      return value
    }
  }
}

/** 川E is Luzhou; five characters follow, usually a letter and four digits. */
function plate(rng: Rng): string {
  const r = rng.next()
  const letter = (): string => rng.pick([...PLATE_LETTERS])
  const body = r < 0.7 ? letter() + digits(rng, 4) : r < 0.85 ? digits(rng, 5) : letter() + letter() + digits(rng, 3)
  return `川E·${body}`
}

export function vehicles(rng: Rng): Vehicle[] {
  const models = rng.shuffle(MODELS.flatMap((m) => Array.from({ length: m.count }, () => m)))
  const plates = new Set<string>()
  const phones = new Set<string>()
  const retired = new Set(rng.shuffle(models.map((_, i) => i)).slice(0, 3))
  return models.map((m, i) => {
    const id = formatVehicleNumber(COUNTY_PREFIX, i + 1)
    return {
      id,
      plate: unique(plates, () => plate(rng)),
      seats: m.seats,
      operatorId: m.seats <= 24 ? OPERATOR_VILLAGE : OPERATOR_BUS,
      model: m.model,
      deviceId: `dev-${id.toLowerCase()}`,
      // JT/T 808-2013 terminal phone: 12 BCD digits, a mobile number with a leading 0.
      jt808Phone: unique(phones, () => `01${rng.int(3, 9)}${digits(rng, 9)}`),
      status: retired.has(i) ? 'retired' : 'active',
    }
  })
}

const PHONE_PREFIXES = [
  '133',
  '135',
  '136',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '177',
  '180',
  '181',
  '182',
  '183',
  '187',
  '188',
  '189',
  '199',
]

export const DRIVER_COUNT = 54

export function drivers(rng: Rng): Driver[] {
  const nextName = personNames(rng)
  const phones = new Set<string>()
  // Whole years of service on the reference date; the longest and the shortest are always there.
  const years = rng.shuffle([1, 25, ...Array.from({ length: DRIVER_COUNT - 2 }, () => rng.int(1, 25))])
  const order = rng.shuffle(years.map((_, i) => i))
  const pioneers = new Set(order.slice(0, Math.round(DRIVER_COUNT * 0.2)))
  const retired = new Set(order.slice(-2))
  return years.map((y, i) => {
    const reference = serviceDate(DEMO_REFERENCE_DATE)
    const since = addDays(serviceDate(`${Number(reference.slice(0, 4)) - y}${reference.slice(4)}`), -rng.int(0, 360))
    const r = rng.next()
    return {
      id: formatDriverNumber(COUNTY_PREFIX, i + 1),
      name: nextName(),
      phone: unique(phones, () => rng.pick(PHONE_PREFIXES) + digits(rng, 8)),
      licenceClass: r < 0.55 ? 'A1' : r < 0.9 ? 'B1' : 'A3',
      // County code, year of issue, serial: the shape of a 从业资格证 number, not a real one.
      qualificationCert: `510524${since.slice(0, 4)}${digits(rng, 6)}`,
      photoUrl: null,
      pioneer: pioneers.has(i),
      serviceSince: since,
      status: retired.has(i) ? 'retired' : 'active',
    }
  })
}
