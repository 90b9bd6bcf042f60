import { describe, expect, it } from 'vitest'
import { driverLine } from './driver-line.js'

const who = (code: string) => (code === 'XY-D007' ? { name: '王建国', pioneer: true } : undefined)

describe('vehicle panel driver line', () => {
  it('says whether the driver comes from the bus or from the roster', () => {
    expect(driverLine({ driverCode: 'XY-D007', driverSource: 'card', rosteredDriverCode: 'XY-D007' }, who)).toBe('王建国 · XY-D007 ★ (IC card 刷卡)')
    expect(driverLine({ driverCode: 'XY-D007', driverSource: 'roster', rosteredDriverCode: 'XY-D007' }, who)).toBe('王建国 · XY-D007 ★ (roster 排班)')
    expect(driverLine({ driverCode: 'XY-D011', driverSource: 'app', rosteredDriverCode: null }, who)).toBe('XY-D011 (driver page 司机端)')
  })

  it('names the rostered driver when someone else is at the wheel, and an unknown card as unknown', () => {
    expect(driverLine({ driverCode: 'XY-D011', driverSource: 'device', rosteredDriverCode: 'XY-D007' }, who)).toBe('XY-D011 (device 车载设备) · rostered 排班 XY-D007')
    expect(driverLine({ driverCode: null, driverSource: 'card', rosteredDriverCode: 'XY-D007' }, who)).toBe('unknown 未登记 (IC card 刷卡) · rostered 排班 XY-D007')
    expect(driverLine({ driverCode: null, driverSource: null, rosteredDriverCode: null }, who)).toBe('—')
    expect(driverLine(null, who)).toBe('—')
  })
})
