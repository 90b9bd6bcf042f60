import { describe, expect, it } from 'vitest'
import { messagesBanner } from './messages.js'

const m = {
  id: 7,
  vehicleId: 'XY-V003',
  tripInstanceId: null,
  alertId: 'driver_alarm:XY-V003:1',
  ts: Date.UTC(2026, 11, 7, 1, 5),
  text: '前方塌方，<请>绕行',
  from: '调度 李',
}

describe('dispatcher messages on the driver page', () => {
  it('shows each message with sender and time, escaped, with a button to mark it read', () => {
    const html = messagesBanner('zh', [m])
    expect(html).toContain('前方塌方，&lt;请&gt;绕行')
    expect(html).toContain('调度 李 · 09:05')
    expect(html).toContain('data-action="read-message" data-id="7"')
    expect(messagesBanner('zh', [])).toBe('')
  })
})
