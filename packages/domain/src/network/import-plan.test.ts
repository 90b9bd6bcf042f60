import { describe, expect, it } from 'vitest'
import { planImport, undoBlockers, type ImportPlanInput } from './import-plan.js'
import type { NetworkSnapshot, Route, Stop, Trip } from './types.js'

const stop = (code: string, name: string, point: [number, number], townshipId = 'XY-T01'): Stop => ({
  code,
  name,
  nameEn: name,
  townshipId,
  point,
  status: 'ok',
  installedOn: null,
})
const route = (id: string, codes: string[], points: [number, number][], operatorId = 'OP1'): Route => ({
  id,
  name: id,
  nameEn: id,
  kind: 'regular',
  operatorId,
  geometry: points,
  lengthM: 1000 * (codes.length - 1),
  stops: codes.map((stopCode, i) => ({ seq: i + 1, stopCode, distM: 1000 * i })),
  color: '#1f6feb',
  speedLimitKmh: 50,
  active: true,
})
const trip = (id: string, routeId: string, departureS: number, n = 2): Trip => ({
  id,
  routeId,
  calendarId: 'WK',
  direction: 0,
  headsign: '',
  departureS,
  stopOffsetsS: Array.from({ length: n }, (_, i) => i * 300),
  seats: 30,
  bookingPolicy: 'none',
  minRiders: 0,
  bookingCutoffMin: 60,
  active: true,
})
const empty = (): NetworkSnapshot => ({
  operators: [],
  townships: [],
  stops: [],
  routes: [],
  calendars: [],
  trips: [],
  vehicles: [],
  drivers: [],
  frequencies: [],
})

/** The county: its bus station XY-0001 on route XY-R01. */
const county = (): NetworkSnapshot => ({
  ...empty(),
  operators: [{ id: 'OP1', name: '县公交', phone: null }],
  townships: [{ id: 'XY-T01', name: '叙永镇', nameEn: 'Xuyong', center: [105.44, 28.16] }],
  stops: [stop('XY-0001', '叙永车站', [105.44, 28.16]), stop('XY-0002', '二站', [105.45, 28.16])],
  routes: [
    route(
      'XY-R01',
      ['XY-0001', 'XY-0002'],
      [
        [105.44, 28.16],
        [105.45, 28.16],
      ],
    ),
  ],
  calendars: [
    {
      id: 'WK',
      name: '工作日',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] }, added: [], removed: [] },
    },
  ],
  trips: [trip('XY-R01-0700', 'XY-R01', 25_200)],
})

/** A feed that reuses XY-0001 for a stop in Nevada, with its own agency and route. */
const feed = (): NetworkSnapshot => ({
  ...empty(),
  operators: [{ id: 'DTA', name: 'Demo Transit', phone: null }],
  townships: [{ id: 'imported', name: 'imported', nameEn: 'imported', center: [-117, 36.9] }],
  stops: [
    stop('XY-0001', 'Stagecoach', [-116.75, 36.91], 'imported'),
    stop('NADAV', 'Nadav', [-116.76, 36.92], 'imported'),
  ],
  routes: [
    route(
      'CITY',
      ['XY-0001', 'NADAV'],
      [
        [-116.75, 36.91],
        [-116.76, 36.92],
      ],
      'DTA',
    ),
  ],
  calendars: [
    {
      id: 'WK',
      name: 'weekdays',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] }, added: [], removed: [] },
    },
  ],
  trips: [trip('CITY1-0600', 'CITY', 21_600), trip('CITY1-0630', 'CITY', 23_400)],
  frequencies: [
    { tripId: 'CITY1-0600', templateId: 'CITY1', startS: 21_600, endS: 25_200, headwayS: 1800, exactTimes: false },
    { tripId: 'CITY1-0630', templateId: 'CITY1', startS: 21_600, endS: 25_200, headwayS: 1800, exactTimes: false },
  ],
})

const input = (over: Partial<ImportPlanInput> = {}): ImportPlanInput => ({
  incoming: feed(),
  current: county(),
  owned: [],
  countyPrefix: 'XY',
  lastStopNumber: 2,
  choices: {},
  ...over,
})

/** The network after a plan's changes are written (what the server does in one transaction). */
function applied(net: NetworkSnapshot, plan: ReturnType<typeof planImport>): NetworkSnapshot {
  const out: NetworkSnapshot = structuredClone(net)
  const tables = {
    operator: out.operators,
    township: out.townships,
    stop: out.stops,
    calendar: out.calendars,
    route: out.routes,
    trip: out.trips,
    frequency: (out.frequencies ??= []),
  } as Record<string, unknown[]>
  for (const c of plan.changes) {
    const list = tables[c.kind]!
    const key = (r: unknown): string =>
      c.kind === 'stop'
        ? (r as Stop).code
        : c.kind === 'frequency'
          ? (r as { tripId: string }).tripId
          : (r as { id: string }).id
    const i = list.findIndex((r) => key(r) === c.id)
    if (c.after === null) list.splice(i, 1)
    else if (i >= 0) list[i] = c.after
    else list.push(c.after)
  }
  return out
}

describe('planImport', () => {
  it('lists the collisions with the county and refuses to decide them', () => {
    const plan = planImport(input())
    expect(plan.conflicts.map((c) => [c.key, c.usedBy, c.choice])).toEqual([
      ['stop:XY-0001', 1, null],
      ['calendar:WK', 1, null],
    ])
    expect(plan.conflicts[0]).toMatchObject({
      existing: '叙永车站 (28.16000, 105.44000)',
      incoming: 'Stagecoach (36.91000, -116.75000)',
    })
    expect(plan.unresolved).toBe(2)
    // NADAV is not a sign code: it gets the county's next one.
    expect(plan.renamed).toEqual([{ kind: 'stop', externalId: 'NADAV', localId: 'XY-0003' }])
  })

  it('renames the feed rows that collide: new sign codes, never the county rows', () => {
    const plan = planImport(input({ choices: { all: 'rename' } }))
    expect(plan.unresolved).toBe(0)
    expect(plan.changes.filter((c) => c.action !== 'add')).toEqual([])
    expect(plan.renamed).toEqual([
      { kind: 'stop', externalId: 'XY-0001', localId: 'XY-0003' },
      { kind: 'stop', externalId: 'NADAV', localId: 'XY-0004' },
      { kind: 'calendar', externalId: 'WK', localId: 'WK-2' },
    ])
    const after = applied(county(), plan)
    expect(after.stops.find((s) => s.code === 'XY-0001')?.name).toBe('叙永车站')
    expect(after.routes.find((r) => r.id === 'CITY')?.stops.map((s) => s.stopCode)).toEqual(['XY-0003', 'XY-0004'])
    expect(after.trips.filter((t) => t.routeId === 'CITY').map((t) => t.calendarId)).toEqual(['WK-2', 'WK-2'])
    expect(after.frequencies?.map((f) => f.tripId)).toEqual(['CITY1-0600', 'CITY1-0630'])
    expect(plan.lastStopNumber).toBe(4)
  })

  it('keeps ours where chosen and points the feed at it; replaces where chosen', () => {
    const plan = planImport(input({ choices: { all: 'replace', each: { 'stop:XY-0001': 'keep' } } }))
    const after = applied(county(), plan)
    expect(after.stops.find((s) => s.code === 'XY-0001')?.name).toBe('叙永车站')
    expect(after.routes.find((r) => r.id === 'CITY')?.stops[0]?.stopCode).toBe('XY-0001')
    expect(after.calendars.find((c) => c.id === 'WK')?.name).toBe('weekdays')
    expect(plan.changes.find((c) => c.kind === 'calendar')).toMatchObject({
      action: 'update',
      before: { name: '工作日' },
    })
  })

  it('imports the same feed again onto the same rows, and retires what it no longer has', () => {
    const first = planImport(input({ choices: { all: 'rename' } }))
    const net = applied(county(), first)
    const again = planImport(
      input({ current: net, owned: first.externalIds.all, lastStopNumber: first.lastStopNumber }),
    )
    expect(again.conflicts).toEqual([])
    expect(again.changes).toEqual([])
    expect(again.unchanged).toMatchObject({ stop: 2, route: 1, trip: 2, calendar: 1 })

    const smaller = feed()
    smaller.trips = smaller.trips.slice(0, 1)
    smaller.frequencies = smaller.frequencies?.slice(0, 1) ?? []
    const third = planImport(
      input({ incoming: smaller, current: net, owned: first.externalIds.all, lastStopNumber: first.lastStopNumber }),
    )
    expect(third.changes).toEqual([
      {
        kind: 'trip',
        id: 'CITY1-0630',
        action: 'retire',
        before: expect.objectContaining({ active: true }),
        after: expect.objectContaining({ active: false }),
      },
    ])
  })

  it('retires the county trips a replaced route no longer fits', () => {
    const f = feed()
    f.routes = [
      route(
        'XY-R01',
        ['NADAV', 'XY-0002', 'XY-0001'],
        [
          [-116.76, 36.92],
          [105.45, 28.16],
          [105.44, 28.16],
        ],
        'DTA',
      ),
    ]
    f.trips = []
    f.frequencies = []
    const plan = planImport(input({ incoming: f, choices: { all: 'replace' } }))
    expect(plan.changes.find((c) => c.kind === 'trip')).toMatchObject({ id: 'XY-R01-0700', action: 'retire' })
    expect(plan.skipped).toContainEqual(expect.stringMatching(/^trip XY-R01-0700 no longer fits route XY-R01/))
  })
})

describe('undoBlockers', () => {
  it('lets an untouched import be undone, and names what changed or depends on it since', () => {
    const plan = planImport(input({ choices: { all: 'rename' } }))
    const net = applied(county(), plan)
    expect(undoBlockers(plan.changes, net)).toEqual([])

    const edited = structuredClone(net)
    edited.stops.find((s) => s.code === 'XY-0004')!.name = 'Nadav (renamed)'
    edited.routes.push(
      route(
        'XY-R09',
        ['XY-0001', 'XY-0003'],
        [
          [105.44, 28.16],
          [-116.75, 36.91],
        ],
      ),
    )
    expect(undoBlockers(plan.changes, edited).map((b) => b.reason)).toEqual([
      'stop XY-0004 was changed after the import',
      'route XY-R09 stops at XY-0003, which the import added',
    ])
  })
})
