import { describe, expect, it } from 'vitest'
import { makeBooking, makeTrip } from './factories.js'
import { buildManifest, manifestText } from './manifest.js'

describe('manifest', () => {
  const trip = makeTrip({ seats: 19 })
  const bookings = [
    makeBooking({ id: 1, code: 'AAAAAA', boardSeq: 1, alightSeq: 3, seats: 2, name: '王芳', phone: '13812345678' }),
    makeBooking({ id: 2, code: 'BBBBBB', boardSeq: 2, alightSeq: 5, status: 'boarded' }),
    makeBooking({ id: 3, code: 'CCCCCC', boardSeq: 2, alightSeq: 5, status: 'no_show' }),
    makeBooking({ id: 4, code: 'DDDDDD', boardSeq: 1, alightSeq: 5, status: 'cancelled' }),
    makeBooking({ id: 5, code: 'EEEEEE', boardSeq: 3, alightSeq: 4, status: 'waitlisted' }),
  ]
  const m = buildManifest(trip, bookings)

  it('lists who boards and alights at each stop, with the load leaving it', () => {
    expect(
      m.stops.map((s) => [s.stopCode, s.boarding.map((b) => b.code), s.alighting.map((b) => b.code), s.loadAfter]),
    ).toEqual([
      ['XY-0001', ['AAAAAA'], [], 2],
      ['XY-0002', ['BBBBBB', 'CCCCCC'], [], 3],
      ['XY-0003', [], ['AAAAAA'], 1],
      ['XY-0004', [], [], 1],
      ['XY-0005', [], ['BBBBBB', 'CCCCCC'], 0],
    ])
    expect(m.waitlist.map((b) => b.code)).toEqual(['EEEEEE'])
    expect(m.counts).toMatchObject({ capacity: 19, riders: 3, noShow: 1, waitlisted: 1, cancelled: 1 })
  })

  it('masks phones', () => {
    expect(m.stops[0]?.boarding[0]).toMatchObject({ name: '王芳', phoneMasked: '138****5678' })
    expect(JSON.stringify(m)).not.toContain('13812345678')
  })

  it('renders a short terminal text: boarding codes and alighting seats per stop, no-shows left out', () => {
    const names = new Map([
      ['XY-0001', '场镇'],
      ['XY-0002', '中学'],
    ])
    const text = manifestText(m, (code) => names.get(code) ?? code)
    expect(text).toBe(
      [
        '08:00 XY-R01-0800_20261130 订座3/19 候补1',
        '场镇 上AAAAAA×2',
        '中学 上BBBBBB×1',
        'XY-0003 下2',
        'XY-0005 下1',
      ].join('\n'),
    )
  })

  it('cuts a long text with an ellipsis', () => {
    const many = Array.from({ length: 19 }, (_, i) => makeBooking({ id: 10 + i, boardSeq: (i % 4) + 1, alightSeq: 5 }))
    const text = manifestText(buildManifest(trip, many), undefined, 80)
    expect([...text]).toHaveLength(80)
    expect(text.endsWith('…')).toBe(true)
  })

  it('is empty but complete for a trip without bookings', () => {
    const empty = buildManifest(trip, [])
    expect(empty.stops).toHaveLength(5)
    expect(empty.counts.riders).toBe(0)
    expect(manifestText(empty)).toBe('08:00 XY-R01-0800_20261130 订座0/19')
  })
})
