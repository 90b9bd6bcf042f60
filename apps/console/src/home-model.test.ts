import { describe, expect, it } from 'vitest'
import type { TripBoardRow } from '@rb/domain'
import type { LiveAlert } from '@rb/protocol'
import { dayFigures } from './home-model.js'
import { countStates, emptyBoardFilter, filterBoard } from './trip-board.js'

const T0 = Date.UTC(2026, 2, 2, 0, 0)
let n = 0
const row = (over: Partial<TripBoardRow> = {}): TripBoardRow =>
  ({
    instanceId: `XY-T${++n}_20260302`,
    tripId: `XY-T${n}`,
    routeId: 'XY-R01',
    kind: 'market',
    headsign: '江门场镇',
    departureTs: T0,
    endTs: T0 + 3_600_000,
    status: 'scheduled',
    delayS: null,
    punctuality: null,
    vehicleId: null,
    driverCode: null,
    match: null,
    departedTs: null,
    completedTs: null,
    nextStopCode: null,
    cancelReason: null,
    lastFixTs: null,
    ...over,
  }) as TripBoardRow
const alert = (status: LiveAlert['status']): LiveAlert => ({ id: `a${++n}`, status }) as LiveAlert

describe('the day at a glance', () => {
  const trips = [
    row({ status: 'scheduled' }),
    row({ status: 'assigned' }),
    row({ status: 'in_progress', punctuality: 'on_time', delayS: 20 }),
    row({ status: 'in_progress', punctuality: 'late', delayS: 420 }),
    row({ status: 'completed', punctuality: 'late', delayS: 400 }),
    row({ status: 'completed', punctuality: 'on_time', delayS: 0 }),
    row({ status: 'missed' }),
    row({ status: 'partial', punctuality: 'early', delayS: -90 }),
    row({ status: 'cancelled' }),
  ]
  const f = dayFigures({
    trips,
    ridership: [
      { bookings: 3, seatsBooked: 5, seatsNoShow: 1 },
      { bookings: 2, seatsBooked: 2, seatsNoShow: 0 },
    ],
    ticketsOpen: 4,
    alerts: [alert('open'), alert('open'), alert('acknowledged'), alert('resolved')],
    fleet: { on_time: 3, late: 1, early: 0, off_route: 0, layover: 0, off_duty: 2, not_in_service: 0, offline: 5 },
  })

  it('counts what the trip board shows under the same filters', () => {
    const states = countStates(trips)
    expect(f.tripsRun).toBe(states.completed)
    expect(f.tripsRunning).toBe(states.in_progress)
    expect(f.tripsMissed).toBe(states.missed)
    expect(f.tripsToCome).toBe(states.scheduled + states.assigned)
    const names = { route: () => undefined, driver: () => undefined }
    expect(f.tripsLate).toBe(filterBoard(trips, { ...emptyBoardFilter(), lateOnly: true }, names).length)
    expect(f.tripsLate).toBe(2)
  })

  it('shares on time among the departures the server judged', () => {
    expect(f.onTimeShare).toBeCloseTo(2 / 5)
    expect(
      dayFigures({
        trips: [row()],
        ridership: [],
        ticketsOpen: 0,
        alerts: [],
        fleet: { on_time: 0, late: 0, early: 0, off_route: 0, layover: 0, off_duty: 0, not_in_service: 0, offline: 0 },
      }).onTimeShare,
    ).toBeNull()
  })

  it('adds bookings and no-shows, counts open alerts only, takes tickets and offline buses as given', () => {
    expect([f.bookings, f.seatsBooked, f.noShows]).toEqual([5, 7, 1])
    expect(f.alertsOpen).toBe(2)
    expect(f.ticketsOpen).toBe(4)
    expect(f.busesOffline).toBe(5)
  })
})
