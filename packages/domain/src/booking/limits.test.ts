import { describe, expect, it } from 'vitest'
import { DEFAULT_BOOKING_LIMITS, limitRefusal, needsPhoneCode, type LimitCounts } from './limits.js'

const none: LimitCounts = { phoneTripBookings: 0, phoneTripSeats: 0, phoneDay: 0, addressDay: 0, accountDay: 0 }
const l = DEFAULT_BOOKING_LIMITS
const villager = { kind: 'public' as const, address: '10.0.0.1', account: null }

describe('booking limits', () => {
  it('lets a first booking through', () => {
    expect(limitRefusal(villager, 4, none, l)).toBeNull()
  })

  it('holds one phone to its seats and bookings on a trip', () => {
    expect(limitRefusal(villager, 2, { ...none, phoneTripBookings: 1, phoneTripSeats: 3 }, l)?.limit).toBe('phone_trip_seats')
    expect(limitRefusal(villager, 1, { ...none, phoneTripBookings: 1, phoneTripSeats: 3 }, l)).toBeNull()
    expect(limitRefusal(villager, 1, { ...none, phoneTripBookings: 2, phoneTripSeats: 2 }, l)?.limit).toBe('phone_trip_bookings')
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
    expect(limitRefusal(villager, 1, { ...none, phoneDay: 1000, addressDay: 1000 }, { ...l, phoneDailyMax: 0, addressDailyMax: 0 })).toBeNull()
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
