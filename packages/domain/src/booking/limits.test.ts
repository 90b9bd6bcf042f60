import { describe, expect, it } from 'vitest'
import { DEFAULT_BOOKING_LIMITS, LimitTally, limitRefusal, needsPhoneCode, type LimitCounts } from './limits.js'
import { decideGroup, type GroupRequest } from './group.js'
import { DEPARTURE, makeTrip } from './factories.js'
import type { Booking } from './types.js'
import { refusalError } from './limits.js'

const none: LimitCounts = { phoneTripBookings: 0, phoneTripSeats: 0, phoneDay: 0, addressDay: 0, accountDay: 0 }
const l = DEFAULT_BOOKING_LIMITS
const villager = { kind: 'public' as const, address: '10.0.0.1', account: null }

describe('booking limits', () => {
  it('lets a first booking through', () => {
    expect(limitRefusal(villager, 4, none, l)).toBeNull()
  })

  it('holds one phone to its seats and bookings on a trip', () => {
    expect(limitRefusal(villager, 2, { ...none, phoneTripBookings: 1, phoneTripSeats: 3 }, l)?.limit).toBe(
      'phone_trip_seats',
    )
    expect(limitRefusal(villager, 1, { ...none, phoneTripBookings: 1, phoneTripSeats: 3 }, l)).toBeNull()
    expect(limitRefusal(villager, 1, { ...none, phoneTripBookings: 2, phoneTripSeats: 2 }, l)?.limit).toBe(
      'phone_trip_bookings',
    )
  })

  it('caps a phone, an address without a session, and an account per day', () => {
    expect(limitRefusal(villager, 1, { ...none, phoneDay: l.phoneDailyMax }, l)?.limit).toBe('phone_day')
    expect(limitRefusal(villager, 1, { ...none, addressDay: l.addressDailyMax }, l)?.limit).toBe('address_day')
    // A signed-in account is counted per account, not per address.
    const driver = { kind: 'public' as const, address: '10.0.0.1', account: 'liu' }
    expect(limitRefusal(driver, 1, { ...none, addressDay: l.addressDailyMax }, l)).toBeNull()
    expect(limitRefusal(driver, 1, { ...none, accountDay: l.accountDailyMax }, l)?.limit).toBe('account_day')
    // A dispatcher booking for a caller: per account only.
    const staff = { kind: 'staff' as const, account: 'wang' }
    expect(limitRefusal(staff, 6, { ...none, phoneTripBookings: 5, phoneTripSeats: 20, phoneDay: 50 }, l)).toBeNull()
    expect(limitRefusal(staff, 1, { ...none, accountDay: l.accountDailyMax }, l)?.limit).toBe('account_day')
    // 0 = no cap.
    expect(
      limitRefusal(
        villager,
        1,
        { ...none, phoneDay: 1000, addressDay: 1000 },
        { ...l, phoneDailyMax: 0, addressDailyMax: 0 },
      ),
    ).toBeNull()
  })

  it('asks for an SMS code on on-demand trips and trips in high demand, unless the phone confirmed one lately', () => {
    const trip = { bookingPolicy: 'optional' as const, capacity: 20, seatsTaken: 9 }
    expect(needsPhoneCode('demand', trip, false, 0.5)).toBe(false)
    expect(needsPhoneCode('demand', { ...trip, seatsTaken: 10 }, false, 0.5)).toBe(true)
    expect(needsPhoneCode('demand', { ...trip, bookingPolicy: 'required' }, false, 0.5)).toBe(true)
    expect(needsPhoneCode('demand', { ...trip, bookingPolicy: 'required' }, true, 0.5)).toBe(false)
    expect(needsPhoneCode('always', trip, false, 0.5)).toBe(true)
    expect(needsPhoneCode('off', { ...trip, bookingPolicy: 'required' }, false, 0.5)).toBe(false)
  })
})

describe('limits of a group of requests decided together', () => {
  const empty = {
    phone: new Map<string, number>(),
    address: new Map<string, number>(),
    account: new Map<string, number>(),
  }
  const req = (i: number, phone: string, address = '10.0.0.1'): GroupRequest & { who: typeof villager } => ({
    idempotencyKey: `k${i}`,
    channel: 'web',
    identity: { boardStop: 'XY-0001', alightStop: 'XY-0005', seats: 1, name: `乘客${i}`, phone },
    span: { boardSeq: 1, alightSeq: 5, seats: 1 },
    waitlist: false,
    who: { kind: 'public', address, account: null },
  })
  const decide = (requests: ReturnType<typeof req>[], tally: LimitTally, capacity = 30) =>
    decideGroup({
      trip: makeTrip(),
      capacity,
      bookings: [] as Booking[],
      requests,
      byKey: new Map<string, Booking>(),
      now: DEPARTURE - 86_400_000,
      waitlistMaxSeats: 0,
      limits: {
        refuse: (r) => {
          const refusal = tally.refusal({ who: r.who, phone: r.identity.phone, seats: r.identity.seats })
          return refusal ? refusalError(refusal) : null
        },
        took: (r) => tally.took({ who: r.who, phone: r.identity.phone, seats: r.identity.seats }),
      },
    }).map((d) => (d.kind === 'error' ? String(d.error.details?.['limit'] ?? d.error.code) : d.kind))

  it('judges each request against the ones of the group before it, as one by one would', () => {
    const l2 = { ...l, maxBookingsPerPhoneTrip: 2, addressDailyMax: 4 }
    const requests = [
      req(0, '13900000001'),
      req(1, '13900000001'),
      req(2, '13900000001'),
      req(3, '13900000002'),
      req(4, '13900000003'),
      req(5, '13900000004', '10.0.0.2'),
    ]
    expect(decide(requests, new LimitTally(l2, empty, []))).toEqual([
      'new',
      'new',
      'phone_trip_bookings',
      'new',
      'new',
      'new',
    ])
    // The fifth from 10.0.0.1 would be its fifth booking today: refused once the day already holds one.
    expect(decide(requests, new LimitTally(l2, { ...empty, address: new Map([['10.0.0.1', 1]]) }, []))).toEqual([
      'new',
      'new',
      'phone_trip_bookings',
      'new',
      'address_day',
      'new',
    ])
  })

  it('counts only the requests that became bookings', () => {
    // One seat: the second request is refused for want of seats and does not use up its phone's booking.
    const tally = new LimitTally({ ...l, maxBookingsPerPhoneTrip: 1 }, empty, [])
    expect(decide([req(0, '13900000001'), req(1, '13900000002'), req(2, '13900000002')], tally, 1)).toEqual([
      'new',
      'SEAT_UNAVAILABLE',
      'SEAT_UNAVAILABLE',
    ])
    expect(tally.refusal({ who: villager, phone: '13900000002', seats: 1 })).toBeNull()
    expect(tally.refusal({ who: villager, phone: '13900000001', seats: 1 })?.limit).toBe('phone_trip_bookings')
  })

  it("starts from the trip's active bookings of each phone", () => {
    const held = [
      { phone: '13900000001', seats: 3, status: 'confirmed' },
      { phone: '13900000001', seats: 4, status: 'cancelled' },
    ]
    const tally = new LimitTally(l, empty, held)
    expect(tally.refusal({ who: villager, phone: '13900000001', seats: 2 })?.limit).toBe('phone_trip_seats')
    expect(tally.refusal({ who: villager, phone: '13900000001', seats: 1 })).toBeNull()
  })
})
