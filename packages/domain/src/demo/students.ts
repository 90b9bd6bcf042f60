/**
 * The demo county's schools and their rosters: 叙永一中 (boarders ride the 学生车 routes from the
 * townships on Monday morning and home on Friday afternoon) and each township's 中心小学 served by
 * a village school run (every school day). Pupils board at the stops before the school on the
 * run to school (direction 0 of every demo student route) and come home the same way. Pure and
 * seeded; the term dates are the server's to pick (the term covering the day it seeds).
 */
import type { Weekday } from '../calendar/index.js'
import type { NetworkSnapshot, Route } from '../network/types.js'
import type { PupilInput, School } from '../students/types.js'
import { mulberry32, type Rng } from './rng.js'

export interface DemoSchool extends Omit<School, 'termStart' | 'termEnd'> {
  pupils: PupilInput[]
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '罗',
  '何',
  '邓',
  '曾',
  '胡',
  '谢',
  '唐',
  '彭',
  '袁',
  '蒋',
  '苏',
  '先',
  '税',
  '熊',
  '穆',
  '余',
]
const CHILD = [
  '子涵',
  '欣怡',
  '浩然',
  '梓轩',
  '雨桐',
  '一诺',
  '宇航',
  '思远',
  '佳怡',
  '梦瑶',
  '俊杰',
  '诗琪',
  '晨曦',
  '子豪',
  '雨欣',
  '嘉怡',
  '博文',
  '可馨',
  '天佑',
  '语嫣',
  '家豪',
  '靖雯',
  '明轩',
  '若曦',
  '小龙',
  '春燕',
  '文静',
  '鑫',
]
const ADULT = [
  '建国',
  '志强',
  '德华',
  '国平',
  '明军',
  '永红',
  '玉兰',
  '春梅',
  '世洪',
  '成林',
  '开明',
  '其富',
  '洪波',
  '家富',
  '定贵',
  '仕明',
  '利华',
  '红梅',
  '秀英',
  '桂芳',
]
const MIDDLE_CLASSES = ['初一(1)班', '初一(2)班', '初二(1)班', '初二(2)班', '初三(1)班']
const PRIMARY_CLASSES = ['一年级1班', '二年级1班', '三年级1班', '四年级1班', '五年级1班', '六年级1班']

/** 08:00 for the middle school (boarders arrive on Monday morning), 08:20 for the primary schools. */
const MIDDLE_START_S = 8 * 3600
const PRIMARY_START_S = 8 * 3600 + 20 * 60

/** The school a student route serves: its last stop (叙永一中), else the 中心小学 on it. */
function schoolStopOf(route: Route, stopName: (code: string) => string): string | null {
  const codes = route.stops.map((s) => s.stopCode)
  const last = codes.at(-1) as string
  if (stopName(last).endsWith('中') || stopName(last).includes('中学')) return last
  return codes.find((c) => stopName(c).endsWith('中心小学')) ?? null
}

export function demoStudents(net: NetworkSnapshot, seed = 20_260_901): DemoSchool[] {
  const stopName = (code: string): string => net.stops.find((s) => s.code === code)?.name ?? code
  const byStop = new Map<string, Route[]>()
  for (const route of net.routes.filter((r) => r.kind === 'student').sort((a, b) => a.id.localeCompare(b.id))) {
    const stop = schoolStopOf(route, stopName)
    if (stop) byStop.set(stop, [...(byStop.get(stop) ?? []), route])
  }
  const schools: DemoSchool[] = []
  let n = 0
  for (const [stopCode, routes] of [...byStop.entries()].sort((a, b) =>
    (a[1][0] as Route).id.localeCompare((b[1][0] as Route).id),
  )) {
    n++
    const id = `XY-SCH${String(n).padStart(2, '0')}`
    const middle = !stopName(stopCode).endsWith('小学')
    const rng = mulberry32(seed).fork(id)
    const used = new Set<string>()
    const pupils: PupilInput[] = []
    for (const route of routes) {
      const codes = route.stops.map((s) => s.stopCode)
      const before = codes.slice(0, codes.indexOf(stopCode))
      for (const board of before) {
        const count = middle ? rng.int(1, 4) : rng.int(2, 6)
        for (let k = 0; k < count; k++)
          pupils.push(pupil(rng, used, pupils.length, id, middle, route.id, board, stopCode))
      }
    }
    schools.push({
      id,
      name: stopName(stopCode),
      stopCode,
      classesStartS: middle ? MIDDLE_START_S : PRIMARY_START_S,
      routes: routes.map((r) => ({ routeId: r.id, toSchoolDirection: 0 })),
      pupils,
    })
  }
  return schools
}

function pupil(
  rng: Rng,
  used: Set<string>,
  index: number,
  schoolId: string,
  middle: boolean,
  routeId: string,
  home: string,
  school: string,
): PupilInput {
  let name = ''
  const surname = rng.pick(SURNAMES)
  do name = surname + rng.pick(CHILD)
  while (used.has(name) && used.size < SURNAMES.length * CHILD.length)
  used.add(name)
  const phone = (): string => `13${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`
  const guardians = [{ name: surname + rng.pick(ADULT), phone: phone(), sms: rng.chance(0.85) }]
  if (rng.chance(0.4))
    guardians.push({ name: rng.pick(SURNAMES) + rng.pick(ADULT), phone: phone(), sms: rng.chance(0.5) })
  // Boarders go to school on Monday and come home on Friday; day pupils ride every school day.
  const days: Weekday[] = middle ? [1, 5] : [1, 2, 3, 4, 5]
  return {
    pupilNo: `${schoolId.slice(-2)}${String(2026_0000 + index + 1).slice(-6)}`,
    name,
    className: rng.pick(middle ? MIDDLE_CLASSES : PRIMARY_CLASSES),
    routeId,
    morning: { board: home, alight: school },
    afternoon: { board: school, alight: home },
    days,
    guardians,
  }
}
