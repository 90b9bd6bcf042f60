import { describe, expect, it } from 'vitest'
import { clock, statusWords, whenWords } from './words.js'
import { makeArrival, T0 } from './test-factories.js'

describe('status in words', () => {
  it('says how many stops away a bus on the way is', () => {
    const a = makeArrival({ status: 'on_the_way', vehicleId: 'XY-V001', stopsAway: 3, delayS: 30, etaTs: T0 })
    expect(statusWords(a, 'zh')).toEqual({ text: '正在路上，还有 3 站', tone: 'ok' })
    expect(statusWords(a, 'en')).toEqual({ text: 'On the way, 3 stops away', tone: 'ok' })
  })

  it('says the next stop is this one, and one stop in the singular', () => {
    expect(statusWords(makeArrival({ status: 'on_the_way', stopsAway: 0, vehicleId: 'V' }), 'zh').text).toBe(
      '正在路上，下一站就是本站',
    )
    expect(statusWords(makeArrival({ status: 'on_the_way', stopsAway: 0, vehicleId: 'V' }), 'en').text).toBe(
      'On the way, this stop is next',
    )
    expect(statusWords(makeArrival({ status: 'on_the_way', stopsAway: 1, vehicleId: 'V' }), 'en').text).toBe(
      'On the way, 1 stop away',
    )
  })

  it('says how late a bus on the road is when the server calls it late, rounded to minutes', () => {
    const a = makeArrival({ status: 'late', vehicleId: 'V', stopsAway: 2, delayS: 370, punctuality: 'late' })
    expect(statusWords(a, 'zh')).toEqual({ text: '晚点约 6 分钟，还有 2 站', tone: 'warn' })
    expect(statusWords(a, 'en')).toEqual({ text: 'Running 6 minutes late, 2 stops away', tone: 'warn' })
    expect(
      statusWords(
        makeArrival({ status: 'late', vehicleId: 'V', stopsAway: 2, delayS: 60 * 1 + 100, punctuality: 'late' }),
        'en',
      ).text,
    ).toBe('Running 3 minutes late, 2 stops away')
  })

  it('adds the delay to "on the way" only when the server judges it late or early', () => {
    expect(
      statusWords(
        makeArrival({ status: 'on_the_way', stopsAway: 4, delayS: 150, vehicleId: 'V', punctuality: 'on_time' }),
        'en',
      ),
    ).toEqual({ text: 'On the way, 4 stops away', tone: 'ok' })
    expect(
      statusWords(
        makeArrival({ status: 'on_the_way', stopsAway: 4, delayS: 150, vehicleId: 'V', punctuality: 'late' }),
        'en',
      ),
    ).toEqual({ text: 'On the way, 4 stops away, running 3 minutes late', tone: 'warn' })
    expect(
      statusWords(
        makeArrival({ status: 'on_the_way', stopsAway: 4, delayS: -130, vehicleId: 'V', punctuality: 'early' }),
        'zh',
      ),
    ).toEqual({ text: '正在路上，还有 4 站，提前约 2 分钟', tone: 'warn' })
    expect(
      statusWords(
        makeArrival({ status: 'on_the_way', stopsAway: 4, delayS: -20, vehicleId: 'V', punctuality: 'early' }),
        'en',
      ).text,
    ).toBe('On the way, 4 stops away, running early')
    // Not judged (the bus is not tracked on the trip yet): no word either way.
    expect(
      statusWords(
        makeArrival({ status: 'on_the_way', stopsAway: 4, delayS: 400, vehicleId: 'V', punctuality: null }),
        'en',
      ).text,
    ).toBe('On the way, 4 stops away')
  })

  it('says a bus 14 s behind is on time, whatever status the departure has', () => {
    for (const status of ['late', 'on_the_way'] as const) {
      const a = makeArrival({ status, vehicleId: 'V', stopsAway: 1, delayS: 14, punctuality: 'on_time' })
      expect(statusWords(a, 'zh')).toEqual({ text: '正在路上，还有 1 站', tone: 'ok' })
      expect(statusWords(a, 'en').text).toBe('On the way, 1 stop away')
    }
  })

  it('says a bus 6 min behind is late', () => {
    const a = makeArrival({ status: 'on_the_way', vehicleId: 'V', stopsAway: 2, delayS: 360, punctuality: 'late' })
    expect(statusWords(a, 'zh')).toEqual({ text: '正在路上，还有 2 站，晚点约 6 分钟', tone: 'warn' })
    expect(statusWords(makeArrival({ ...a, status: 'late' }), 'zh')).toEqual({
      text: '晚点约 6 分钟，还有 2 站',
      tone: 'warn',
    })
  })

  it('says "running late" with no figure when the server calls late a delay under a minute', () => {
    const a = makeArrival({ status: 'late', vehicleId: 'V', stopsAway: 1, delayS: 22, punctuality: 'late' })
    expect(statusWords(a, 'zh')).toEqual({ text: '晚点了，还有 1 站', tone: 'warn' })
    expect(statusWords(a, 'en').text).toBe('Running late, 1 stop away')
  })

  it('says a bus past its departure that never left has not started', () => {
    expect(statusWords(makeArrival({ status: 'late' }), 'zh')).toEqual({
      text: '还未发车（已过发车时间）',
      tone: 'warn',
    })
    expect(statusWords(makeArrival({ status: 'late' }), 'en').text).toBe('Not started yet (past its departure time)')
  })

  it('words the other states', () => {
    expect(statusWords(makeArrival({ status: 'scheduled' }), 'zh')).toEqual({ text: '还未发车', tone: 'muted' })
    expect(statusWords(makeArrival({ status: 'scheduled' }), 'en').text).toBe('Not started yet')
    expect(statusWords(makeArrival({ status: 'cancelled' }), 'zh')).toEqual({ text: '已取消', tone: 'bad' })
    expect(statusWords(makeArrival({ status: 'cancelled' }), 'en').text).toBe('Cancelled')
    expect(statusWords(makeArrival({ status: 'at_stop', stopsAway: 0, vehicleId: 'V' }), 'zh')).toEqual({
      text: '车已到站',
      tone: 'ok',
    })
    expect(statusWords(makeArrival({ status: 'at_stop' }), 'en').text).toBe('At the stop now')
    expect(statusWords(makeArrival({ status: 'departed' }), 'en').text).toBe('Already left')
  })
})

describe('when it comes', () => {
  const at = makeArrival().scheduledTs

  it('counts minutes to a live ETA, rounding up', () => {
    const w = whenWords(makeArrival({ status: 'on_the_way', etaTs: at + 6 * 60_000 }), 'zh', at + 60_000 - 1)
    expect(w.big).toBe('6 分钟')
    expect(w.small).toBe('计划 08:30 · 预计 08:36')
    expect(w.planned).toBe(false)
    expect(whenWords(makeArrival({ status: 'on_the_way', etaTs: at }), 'en', at - 60_000).big).toBe('1 min')
    expect(whenWords(makeArrival({ status: 'on_the_way', etaTs: at }), 'en', at - 61_000).big).toBe('2 min')
  })

  it('says "due" once the ETA has come, and the time when it is an hour or more away', () => {
    expect(whenWords(makeArrival({ status: 'on_the_way', etaTs: at }), 'zh', at + 5000).big).toBe('即将到站')
    expect(whenWords(makeArrival({ status: 'on_the_way', etaTs: at }), 'en', at).big).toBe('Due now')
    expect(whenWords(makeArrival({ status: 'on_the_way', etaTs: at + 3_600_000 }), 'en', at).big).toBe('09:30')
  })

  it('shows the timetable time, marked as such, before the bus is tracked; struck through when cancelled', () => {
    expect(whenWords(makeArrival(), 'en', T0)).toEqual({
      big: '08:30',
      small: 'Timetable 08:30',
      planned: true,
      struck: false,
    })
    expect(whenWords(makeArrival({ status: 'cancelled' }), 'zh', T0)).toMatchObject({ big: '08:30', struck: true })
    expect(whenWords(makeArrival({ status: 'at_stop', etaTs: at }), 'zh', at).big).toBe('已到站')
  })

  it('shows China time whatever the phone thinks, across midnight', () => {
    expect(clock(Date.UTC(2026, 10, 30, 0, 30))).toBe('08:30')
    expect(clock(Date.UTC(2026, 10, 30, 16, 0))).toBe('00:00')
    expect(clock(Date.UTC(2026, 10, 30, 15, 59, 59))).toBe('23:59')
  })
})

describe('a bus with no live position', () => {
  const silent = makeArrival({
    status: 'no_position',
    vehicleId: 'XY-V012',
    stopsAway: 1,
    etaTs: null,
    lastFixTs: T0 - 3 * 60_000 - 20_000,
    online: false,
    freshness: 'stale',
    delayS: 30,
    punctuality: 'on_time',
  })

  it('shows the timetable and the age of the last position, never "due now"', () => {
    expect(statusWords(silent, 'zh')).toEqual({ text: '暂无实时位置', tone: 'warn' })
    expect(statusWords(silent, 'en').text).toBe('No live position')
    // Past its time at this stop the timetable still stands: the page does not guess.
    const w = whenWords(silent, 'zh', silent.scheduledTs + 60_000)
    expect(w).toMatchObject({ big: clock(silent.scheduledTs), planned: true })
    expect(w.big).not.toBe('即将到站')
    expect(whenWords(silent, 'zh', T0).small).toBe(`计划 ${clock(silent.scheduledTs)} · 最后位置 3 分钟前`)
    expect(whenWords(silent, 'en', T0).small).toBe(`Timetable ${clock(silent.scheduledTs)} · last position 3 min ago`)
    expect(whenWords({ ...silent, lastFixTs: T0 - 30_000 }, 'zh', T0).small).toContain('最后位置不到 1 分钟前')
    expect(whenWords({ ...silent, lastFixTs: null }, 'zh', T0).small).toBe(`按时刻表 ${clock(silent.scheduledTs)}`)
  })
})
