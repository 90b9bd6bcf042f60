/**
 * A school's roster spreadsheet: its columns (the template), and the row-by-row check that turns
 * rows into pupils. Every problem names its line and column; a roster with any problem is refused
 * whole, so a school never ends up with half its pupils imported.
 */
import type { Weekday } from '../calendar/index.js'
import type { Guardian, PupilInput, RunStops, School } from './types.js'

export interface RosterColumn {
  key: RosterKey
  /** The header the template writes (Chinese, as schools use it). */
  zh: string
  required: boolean
  example: string
  hint: string
}

export type RosterKey =
  | 'pupilNo'
  | 'name'
  | 'className'
  | 'route'
  | 'morningBoard'
  | 'morningAlight'
  | 'afternoonBoard'
  | 'afternoonAlight'
  | 'days'
  | 'guardian1'
  | 'phone1'
  | 'sms1'
  | 'guardian2'
  | 'phone2'
  | 'sms2'

export const ROSTER_COLUMNS: readonly RosterColumn[] = [
  { key: 'pupilNo', zh: '学号', required: true, example: '20260101', hint: 'unique in the school' },
  { key: 'name', zh: '姓名', required: true, example: '王小明', hint: '' },
  { key: 'className', zh: '班级', required: true, example: '三年级1班', hint: '' },
  { key: 'route', zh: '线路', required: true, example: 'XY-R18', hint: 'route number or name' },
  {
    key: 'morningBoard',
    zh: '早上车站',
    required: false,
    example: 'XY-0121',
    hint: 'stop sign number or name; empty: does not ride in the morning',
  },
  { key: 'morningAlight', zh: '早下车站', required: false, example: 'XY-0125', hint: '' },
  {
    key: 'afternoonBoard',
    zh: '午上车站',
    required: false,
    example: 'XY-0125',
    hint: 'empty: does not ride in the afternoon',
  },
  { key: 'afternoonAlight', zh: '午下车站', required: false, example: 'XY-0121', hint: '' },
  { key: 'days', zh: '乘车日', required: true, example: '1-5', hint: '1-5, 1,3,5, 周一至周五, 每天' },
  { key: 'guardian1', zh: '监护人1', required: true, example: '王建国', hint: '' },
  { key: 'phone1', zh: '电话1', required: true, example: '13812345678', hint: 'mobile, 11 digits' },
  { key: 'sms1', zh: '短信1', required: false, example: '是', hint: '是/否: SMS when boarding, alighting, bus near' },
  { key: 'guardian2', zh: '监护人2', required: false, example: '', hint: '' },
  { key: 'phone2', zh: '电话2', required: false, example: '', hint: '' },
  { key: 'sms2', zh: '短信2', required: false, example: '', hint: '' },
]

export const ROSTER_MAX_ROWS = 5000
const MAX_TEXT = 60

export interface RowError {
  /** Line of the file (the header is line 1). */
  line: number
  /** The column's key, or null for the whole row / file. */
  field: RosterKey | null
  message: string
}

/** One data row of the file: its line and its cells by column key. */
export interface RosterRow {
  line: number
  cells: Partial<Record<RosterKey, string>>
}

/** What the rows are checked against: the school, its routes and their stops. */
export interface RosterContext {
  school: Pick<School, 'routes'>
  routes: readonly { id: string; name: string; stopCodes: readonly string[] }[]
  stops: readonly { code: string; name: string }[]
}

const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, '')

/**
 * Maps a header row to column keys: a header is the template's Chinese name or the key itself
 * (any case). Unknown headers are ignored; missing required ones are errors on line 1.
 */
export function readHeader(cells: readonly string[]): { keys: (RosterKey | null)[]; errors: RowError[] } {
  const byName = new Map<string, RosterKey>()
  for (const c of ROSTER_COLUMNS) {
    byName.set(norm(c.zh), c.key)
    byName.set(norm(c.key), c.key)
  }
  const keys = cells.map((c) => byName.get(norm(c)) ?? null)
  const errors: RowError[] = []
  for (const c of ROSTER_COLUMNS) {
    const n = keys.filter((k) => k === c.key).length
    if (n > 1) errors.push({ line: 1, field: c.key, message: `column ${c.zh} (${c.key}) appears ${n} times` })
    else if (n === 0 && c.required)
      errors.push({ line: 1, field: c.key, message: `column ${c.zh} (${c.key}) is missing from the header row` })
  }
  return { keys, errors }
}

const CN_DAY: Record<string, string> = { 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 日: '7', 天: '7' }

/** `1-5`, `1,3,5`, `周一至周五`, `一、三、五`, `每天` → ISO weekdays; null when it cannot be read. */
export function parseDays(text: string): Weekday[] | null {
  let s = text.trim().replace(/星期|周|礼拜/g, '')
  if (s === '') return null
  if (/^(每天|每日|全周|all|daily)$/i.test(s)) return [1, 2, 3, 4, 5, 6, 7]
  if (/^(工作日|上学日|weekdays?)$/i.test(s)) return [1, 2, 3, 4, 5]
  s = s.replace(/[一二三四五六日天]/g, (c) => CN_DAY[c] as string).replace(/[至到~～—–]/g, '-')
  const out = new Set<Weekday>()
  for (const part of s.split(/[,，、;；\s]+/).filter(Boolean)) {
    const range = /^([1-7])-([1-7])$/.exec(part)
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])]
      if (a > b) return null
      for (let d = a; d <= b; d++) out.add(d as Weekday)
    } else if (/^[1-7]+$/.test(part)) {
      for (const ch of part) out.add(Number(ch) as Weekday)
    } else return null
  }
  return out.size ? [...out].sort((a, b) => a - b) : null
}

export const MOBILE = /^1[3-9]\d{9}$/

/** A phone as typed: spaces, dashes and a +86 prefix dropped. */
export const cleanPhone = (s: string): string => s.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '')

function parseYes(s: string | undefined): boolean | null {
  const v = norm(s ?? '')
  if (v === '') return false
  if (['是', 'y', 'yes', '1', 'true', '要', '√', '✓'].includes(v)) return true
  if (['否', 'n', 'no', '0', 'false', '不要', '×'].includes(v)) return false
  return null
}

/**
 * Checks one row and builds the pupil; problems come back with the row's line. Stops are named by
 * sign number or by their name on the route; board must come before alight on each run.
 */
export function readRosterRow(row: RosterRow, ctx: RosterContext): { pupil: PupilInput | null; errors: RowError[] } {
  const errors: RowError[] = []
  const fail = (field: RosterKey | null, message: string): null => {
    errors.push({ line: row.line, field, message })
    return null
  }
  const cell = (k: RosterKey): string => (row.cells[k] ?? '').trim()
  const text = (k: RosterKey, label: string): string => {
    const v = cell(k)
    if (v === '') fail(k, `${label} is empty`)
    else if (v.length > MAX_TEXT) fail(k, `${label} is longer than ${MAX_TEXT} characters`)
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(v)) fail(k, `${label} holds a control character`)
    return v
  }
  const pupilNo = text('pupilNo', 'pupil number 学号')
  if (pupilNo && !/^[A-Za-z0-9_-]{1,30}$/.test(pupilNo))
    fail('pupilNo', `pupil number '${pupilNo}' may hold only letters, digits, - and _ (at most 30)`)
  const name = text('name', 'name 姓名')
  const className = text('className', 'class 班级')

  const routeRef = cell('route')
  const route =
    routeRef === ''
      ? fail('route', 'route 线路 is empty')
      : (ctx.routes.find((r) => r.id === routeRef || norm(r.name) === norm(routeRef)) ??
        fail('route', `no route '${routeRef}'`))
  const link = route ? ctx.school.routes.find((l) => l.routeId === route.id) : undefined
  if (route && !link) fail('route', `route ${route.id} does not serve this school`)

  const stopOf = (k: RosterKey, label: string): string | null => {
    const ref = cell(k)
    if (!ref || !route) return null
    const onRoute = route.stopCodes.filter(
      (c) => c === ref || ctx.stops.find((s) => s.code === c && norm(s.name) === norm(ref)),
    )
    if (onRoute.length === 0) return fail(k, `${label} '${ref}' is not a stop of route ${route.id}`)
    if (onRoute.length > 1)
      return fail(k, `${label} '${ref}' names ${onRoute.length} stops of route ${route.id}: give the sign number`)
    return onRoute[0] as string
  }
  const run = (boardKey: RosterKey, alightKey: RosterKey, label: string, toSchool: boolean): RunStops | null => {
    const hasBoard = cell(boardKey) !== ''
    const hasAlight = cell(alightKey) !== ''
    if (!hasBoard && !hasAlight) return null
    if (hasBoard !== hasAlight)
      return fail(
        hasBoard ? alightKey : boardKey,
        `${label}: give both the boarding and the alighting stop, or neither`,
      )
    const board = stopOf(boardKey, `${label} boarding stop`)
    const alight = stopOf(alightKey, `${label} alighting stop`)
    if (!board || !alight || !route || !link) return null
    if (board === alight) return fail(alightKey, `${label}: boarding and alighting stop are the same (${board})`)
    // Direction 0 serves the route's stops in order; the run to school is toSchoolDirection.
    const direction = toSchool ? link.toSchoolDirection : 1 - link.toSchoolDirection
    const order = direction === 0 ? route.stopCodes : [...route.stopCodes].reverse()
    if (order.indexOf(board) > order.indexOf(alight))
      return fail(alightKey, `${label}: the bus reaches ${alight} before ${board} on this run`)
    return { board, alight }
  }
  const morning = run('morningBoard', 'morningAlight', 'morning run 早', true)
  const afternoon = run('afternoonBoard', 'afternoonAlight', 'afternoon run 午', false)
  if (
    route &&
    link &&
    cell('morningBoard') === '' &&
    cell('morningAlight') === '' &&
    cell('afternoonBoard') === '' &&
    cell('afternoonAlight') === ''
  )
    fail('morningBoard', 'no stops: give the morning run, the afternoon run, or both')

  const days =
    cell('days') === ''
      ? fail('days', 'riding days 乘车日 is empty')
      : (parseDays(cell('days')) ??
        fail('days', `riding days '${cell('days')}' cannot be read (e.g. 1-5, 1,3,5, 周一至周五)`))

  const guardians: Guardian[] = []
  for (const [nk, pk, sk, n] of [
    ['guardian1', 'phone1', 'sms1', 1],
    ['guardian2', 'phone2', 'sms2', 2],
  ] as const) {
    const gName = cell(nk)
    const phone = cleanPhone(cell(pk))
    if (n === 2 && gName === '' && phone === '') continue
    if (gName === '') fail(nk, `guardian ${n} has a phone but no name`)
    else if (gName.length > MAX_TEXT) fail(nk, `guardian ${n}'s name is longer than ${MAX_TEXT} characters`)
    if (phone === '') fail(pk, `guardian ${n} has no phone`)
    else if (!MOBILE.test(phone)) fail(pk, `guardian ${n}'s phone '${cell(pk)}' is not an 11-digit mobile number`)
    const sms = parseYes(row.cells[sk])
    if (sms === null) fail(sk, `SMS ${n} must be 是 or 否, not '${cell(sk)}'`)
    guardians.push({ name: gName, phone, sms: sms ?? false })
  }

  if (errors.length > 0 || !route || !days) return { pupil: null, errors }
  return { pupil: { pupilNo, name, className, routeId: route.id, morning, afternoon, days, guardians }, errors }
}

/** Every row checked; duplicates of a pupil number named by both lines. Pupils only when no row has a problem. */
export function readRoster(
  rows: readonly RosterRow[],
  ctx: RosterContext,
): { pupils: PupilInput[]; errors: RowError[] } {
  const errors: RowError[] = []
  const pupils: PupilInput[] = []
  if (rows.length === 0) errors.push({ line: 2, field: null, message: 'the file has no pupils under its header row' })
  if (rows.length > ROSTER_MAX_ROWS)
    errors.push({
      line: (rows[ROSTER_MAX_ROWS] as RosterRow).line,
      field: null,
      message: `at most ${ROSTER_MAX_ROWS} pupils per file`,
    })
  const seen = new Map<string, number>()
  for (const row of rows.slice(0, ROSTER_MAX_ROWS)) {
    const r = readRosterRow(row, ctx)
    errors.push(...r.errors)
    const no = (row.cells.pupilNo ?? '').trim()
    const first = seen.get(no)
    if (no && first !== undefined)
      errors.push({ line: row.line, field: 'pupilNo', message: `pupil number ${no} is also on line ${first}` })
    else if (no) seen.set(no, row.line)
    if (r.pupil) pupils.push(r.pupil)
  }
  errors.sort((a, b) => a.line - b.line)
  return errors.length > 0 ? { pupils: [], errors } : { pupils, errors }
}

/** Rows of data (no header) to cells by key, with their line numbers (header on line `headerLine`). */
export function rosterRows(table: readonly { line: number; cells: readonly string[] }[]): {
  rows: RosterRow[]
  errors: RowError[]
} {
  const [head, ...body] = table
  if (!head)
    return {
      rows: [],
      errors: [{ line: 1, field: null, message: "the file is empty: start with the template's header row" }],
    }
  const { keys, errors } = readHeader(head.cells)
  const rows = body
    .filter((r) => r.cells.some((c) => c.trim() !== ''))
    .map((r) => {
      const cells: Partial<Record<RosterKey, string>> = {}
      keys.forEach((k, i) => {
        if (k) cells[k] = r.cells[i] ?? ''
      })
      return { line: r.line, cells }
    })
  return { rows, errors: errors.map((e) => ({ ...e, line: head.line })) }
}

/** A pupil back to its row cells (export, and the template's example). */
export function pupilCells(p: PupilInput, routeLabel = p.routeId): Record<RosterKey, string> {
  const g = (i: number) => p.guardians[i]
  const sms = (i: number) => (g(i) ? (g(i)?.sms ? '是' : '否') : '')
  return {
    pupilNo: p.pupilNo,
    name: p.name,
    className: p.className,
    route: routeLabel,
    morningBoard: p.morning?.board ?? '',
    morningAlight: p.morning?.alight ?? '',
    afternoonBoard: p.afternoon?.board ?? '',
    afternoonAlight: p.afternoon?.alight ?? '',
    days: formatDays(p.days),
    guardian1: g(0)?.name ?? '',
    phone1: g(0)?.phone ?? '',
    sms1: sms(0),
    guardian2: g(1)?.name ?? '',
    phone2: g(1)?.phone ?? '',
    sms2: sms(1),
  }
}

/** `[1,2,3,4,5]` → `1-5`; `[1,3,5]` → `1,3,5`. */
export function formatDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(','))
    i = j + 1
  }
  return parts.join(',')
}
