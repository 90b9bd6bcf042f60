import { describe, expect, it } from 'vitest'
import {
  generateDuties,
  proposeFromDuties,
  proposeFromTemplates,
  templateProblems,
  templateOfDuty,
} from './generate.js'
import { assigned, makeDay, makeDriver, makeTemplate, makeTrip, makeVehicle } from './factories.js'
import type { DutyTemplate } from './types.js'

const morning = makeTrip({ from: '07:00', tripId: 'R1-0700' })
const back = makeTrip({ from: '08:00', tripId: 'R1-0800', fromStop: 'B', toStop: 'A' })
const noon = makeTrip({ from: '12:00', tripId: 'R1-1200' })

describe('proposeFromTemplates', () => {
  it("takes the active templates of the day's weekday, with the trips that run that day", () => {
    const day = makeDay({ trips: [morning, back] })
    const templates = [
      makeTemplate({ id: 'T2', tripIds: ['R1-0700', 'R1-0800', 'R1-NOT-TODAY'] }),
      makeTemplate({ id: 'T1', weekdays: [6, 7] }),
      makeTemplate({ id: 'T3', active: false }),
    ]
    expect(proposeFromTemplates(templates, day)).toEqual([
      {
        vehicleId: 'V1',
        driverId: 'D1',
        note: '早班',
        templateId: 'T2',
        instanceIds: [morning.instanceId, back.instanceId],
      },
    ])
  })
})

describe('proposeFromDuties: copying another day forward', () => {
  it('finds the same trips on this day by trip id, and skips those that do not run', () => {
    const day = makeDay({ trips: [morning, noon] })
    expect(
      proposeFromDuties(
        [
          {
            vehicleId: 'V2',
            driverId: 'D2',
            note: '替班',
            templateId: null,
            tripIds: ['R1-0700', 'R1-0800', 'R1-1200'],
          },
        ],
        day,
      ),
    ).toEqual([
      {
        vehicleId: 'V2',
        driverId: 'D2',
        note: '替班',
        templateId: null,
        instanceIds: [morning.instanceId, noon.instanceId],
      },
    ])
  })
})

describe('generateDuties', () => {
  const vehicles = [makeVehicle({ id: 'V1' }), makeVehicle({ id: 'V2' })]
  const drivers = [makeDriver({ id: 'D1' }), makeDriver({ id: 'D2' })]

  it('places each proposed duty, leaving out with a warning the trips another crew runs already', () => {
    const day = makeDay({ trips: [morning, back, noon], vehicles, drivers, assignments: assigned([back], 'V2', 'D2') })
    const r = generateDuties(
      day,
      proposeFromTemplates([makeTemplate({ tripIds: ['R1-0700', 'R1-0800', 'R1-1200'] })], day),
      { fill: false },
    )
    expect(r.duties.map((d) => d.instanceIds)).toEqual([[morning.instanceId, noon.instanceId]])
    expect(r.warnings).toEqual(['template T1: trip R1-0800_20261130 is already run by another crew; left out'])
  })

  it('leaves out a trip that breaks a rule, and a whole duty whose bus is retired', () => {
    const full = makeTrip({ from: '12:00', tripId: 'R1-1200', bookedSeats: 40 })
    const day = makeDay({
      trips: [morning, full],
      vehicles: [makeVehicle({ id: 'V1' }), makeVehicle({ id: 'V2', status: 'retired' })],
      drivers,
    })
    const r = generateDuties(
      day,
      [
        {
          vehicleId: 'V1',
          driverId: 'D1',
          note: null,
          templateId: 'A',
          instanceIds: [morning.instanceId, full.instanceId],
        },
        { vehicleId: 'V2', driverId: 'D2', note: null, templateId: 'B', instanceIds: [] },
      ],
      { fill: false },
    )
    expect(r.duties.map((d) => [d.templateId, d.instanceIds])).toEqual([['A', [morning.instanceId]]])
    expect(r.warnings).toEqual([
      'template A: trip R1-1200_20261130 left out: vehicle V1 has 30 seats but trip R1-1200_20261130 (12:00–12:50) has 40 seats booked',
      'template B left out: vehicle V2 is retired; choose another vehicle',
    ])
  })

  it('with fill, lets the planner place what the templates left', () => {
    const extra = makeTrip({ from: '07:30', tripId: 'R1-0730', routeId: 'R5', fromStop: 'C', toStop: 'D' })
    const day = makeDay({ trips: [morning, back, extra], vehicles, drivers })
    const r = generateDuties(day, proposeFromTemplates([makeTemplate({ tripIds: ['R1-0700', 'R1-0800'] })], day), {
      fill: true,
    })
    expect(r.warnings).toEqual([])
    expect(r.duties).toEqual([
      {
        vehicleId: 'V1',
        driverId: 'D1',
        note: '早班',
        templateId: 'T1',
        instanceIds: [morning.instanceId, back.instanceId],
      },
      { vehicleId: 'V2', driverId: 'D2', note: null, templateId: null, instanceIds: [extra.instanceId] },
    ])
  })

  it('says which trips nobody could run', () => {
    const day = makeDay({ trips: [morning], vehicles: [], drivers })
    expect(generateDuties(day, [], { fill: true }).warnings).toEqual([
      'trip R1-0700_20261130 has no crew: no vehicle is free for 07:00–07:50',
    ])
  })
})

describe('templateProblems', () => {
  const ctx = (others: DutyTemplate[] = []) => ({
    trips: new Map([
      ['R1-0700', { id: 'R1-0700', departureS: 7 * 3600, stopOffsetsS: [0, 3000] }],
      ['R1-0740', { id: 'R1-0740', departureS: 7 * 3600 + 40 * 60, stopOffsetsS: [0, 3000] }],
      ['R1-0900', { id: 'R1-0900', departureS: 9 * 3600, stopOffsetsS: [0, 3000] }],
    ]),
    vehicles: new Map([
      ['V1', makeVehicle()],
      ['V2', makeVehicle({ id: 'V2' })],
    ]),
    drivers: new Map([
      ['D1', makeDriver()],
      ['D2', makeDriver({ id: 'D2', status: 'retired' })],
    ]),
    turnaroundMin: 10,
    others,
  })

  it('accepts a template of trips that follow each other', () => {
    expect(templateProblems(makeTemplate({ tripIds: ['R1-0700', 'R1-0900'] }), ctx())).toEqual([])
  })

  it('names weekdays, unknown and retired crews, unknown and overlapping trips', () => {
    expect(
      templateProblems(
        makeTemplate({ weekdays: [], vehicleId: 'V7', driverId: 'D2', tripIds: ['R1-0700', 'R1-0740', 'X'] }),
        ctx(),
      ),
    ).toEqual([
      'a template needs at least one weekday (1 = Monday … 7 = Sunday)',
      'vehicle V7 does not exist',
      'driver D2 is retired; choose another driver',
      'trip X does not exist',
      "trips R1-0700 and R1-0740 overlap: the bus and driver need 10 min after a trip's scheduled end",
    ])
  })

  it('refuses a trip or a crew another active template has on a shared weekday', () => {
    const other = makeTemplate({
      id: 'WD',
      weekdays: [1, 2, 3, 4, 5],
      vehicleId: 'V1',
      driverId: 'D9',
      tripIds: ['R1-0740'],
    })
    expect(
      templateProblems(
        makeTemplate({ id: 'MON', weekdays: [1, 6], vehicleId: 'V2', tripIds: ['R1-0740'] }),
        ctx([other]),
      ),
    ).toEqual(['trip R1-0740 is already in template WD on weekday 1'])
    expect(templateProblems(makeTemplate({ id: 'MON', weekdays: [1, 2], tripIds: ['R1-0700'] }), ctx([other]))).toEqual(
      ['vehicle V1 is already on trip R1-0740 in template WD on weekdays 1, 2 when trip R1-0700 runs'],
    )
    expect(templateProblems(makeTemplate({ id: 'SAT', weekdays: [6], tripIds: ['R1-0740'] }), ctx([other]))).toEqual([])
    expect(templateProblems(makeTemplate({ id: 'WD', tripIds: ['R1-0740'] }), ctx([other]))).toEqual([])
  })
})

describe('templateOfDuty', () => {
  it("keeps a day's duty as trip ids in departure order", () => {
    expect(
      templateOfDuty({ vehicleId: 'V1', driverId: 'D1', note: null, trips: [noon, morning] }, [1, 2], 'V1 07:00–12:50'),
    ).toEqual({
      name: 'V1 07:00–12:50',
      weekdays: [1, 2],
      vehicleId: 'V1',
      driverId: 'D1',
      tripIds: ['R1-0700', 'R1-1200'],
      active: true,
    })
  })
})
