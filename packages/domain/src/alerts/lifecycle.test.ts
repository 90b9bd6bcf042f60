import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import type { LiveAlert } from '../tracking/views.js'
import { ackNeedsNote, ackNote, alertStatus, checkResolvable, cleanText, isUnresolved, resolveNote } from './index.js'

const T0 = Date.UTC(2026, 2, 2, 0, 0, 0)
const alert = (over: Partial<LiveAlert> = {}): LiveAlert => ({
  id: 'driver_alarm:XY-V001:1',
  type: 'driver_alarm',
  severity: 'critical',
  state: 'active',
  ts: T0,
  clearedTs: null,
  vehicleId: 'XY-V001',
  tripInstanceId: null,
  stopCode: null,
  message: 'driver alarm: emergency',
  data: {},
  status: 'open',
  ackBy: null,
  ackTs: null,
  ackNote: null,
  resolvedBy: null,
  resolvedTs: null,
  resolveNote: null,
  ...over,
})

describe('alert status', () => {
  it('is open until someone acknowledges or it is resolved', () => {
    expect(alertStatus(alert())).toBe('open')
    expect(alertStatus(alert({ ackTs: T0 + 1000, ackBy: 'wang' }))).toBe('acknowledged')
  })

  it('is resolved once a resolution is recorded, acknowledged before or not, condition cleared or not', () => {
    expect(alertStatus(alert({ resolvedTs: T0 + 5000, resolvedBy: 'system' }))).toBe('resolved')
    expect(alertStatus(alert({ ackTs: T0 + 1000, resolvedTs: T0 + 5000, resolvedBy: 'system' }))).toBe('resolved')
    // Resolved by hand while the condition is still active (an early departure never clears).
    expect(alertStatus(alert({ state: 'active', resolvedTs: T0 + 5000, resolvedBy: 'li' }))).toBe('resolved')
    expect(isUnresolved(alert({ ackTs: T0 }))).toBe(true)
    expect(isUnresolved(alert({ resolvedTs: T0 }))).toBe(false)
  })
})

describe('acknowledging', () => {
  it('needs a note for critical alerts (SOS, emergency), none for others', () => {
    expect(ackNeedsNote(alert())).toBe(true)
    expect(ackNeedsNote(alert({ type: 'off_route', severity: 'warning' }))).toBe(false)
    const err = refusal(() => ackNote(alert(), undefined))
    expect(err).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      details: { field: 'note', reason: 'required' },
    })
    expect(err.message).toMatch(
      /^note is required: a driver alarm \(SOS, emergency\) is acknowledged with what was done/,
    )
    expect(refusal(() => ackNote(alert(), '   ')).details).toMatchObject({ reason: 'required' })
    expect(ackNote(alert(), '  called the driver; ambulance on its way ')).toBe(
      'called the driver; ambulance on its way',
    )
    expect(ackNote(alert({ type: 'off_route', severity: 'warning' }), undefined)).toBeNull()
    expect(ackNote(alert({ type: 'off_route', severity: 'warning' }), 'detour for roadworks')).toBe(
      'detour for roadworks',
    )
  })
})

describe('resolving', () => {
  it('needs a note, and refuses an alert already resolved, saying by whom', () => {
    expect(resolveNote('driver fine, false alarm')).toBe('driver fine, false alarm')
    expect(refusal(() => resolveNote('')).details).toMatchObject({ field: 'note', reason: 'required' })
    expect(() => checkResolvable(alert({ ackTs: T0 }))).not.toThrow()
    const bySystem = refusal(() => checkResolvable(alert({ resolvedTs: T0, resolvedBy: 'system' })))
    expect(bySystem).toMatchObject({
      code: 'ALERT_STATE_CONFLICT',
      status: 409,
      details: { status: 'resolved', resolvedBy: 'system' },
    })
    expect(bySystem.message).toContain('by itself')
    expect(refusal(() => checkResolvable(alert({ resolvedTs: T0, resolvedBy: 'li' }))).message).toContain('by li')
  })
})

describe('typed text', () => {
  const rule = { field: 'text', maxChars: 10, required: true }
  it('is trimmed, keeps line breaks and counts characters, not bytes', () => {
    expect(cleanText(' 一\r\n二\t三 ', rule)).toBe('一\n二\t三')
    expect(cleanText('路'.repeat(10), rule)).toBe('路'.repeat(10))
    expect(cleanText('😀'.repeat(10), rule)).toHaveLength(20)
  })

  it('refuses NUL and other control characters, broken Unicode and overlong text with a clear reason', () => {
    expect(refusal(() => cleanText('a\u0000b', rule))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'text', reason: 'control_character' },
    })
    expect(refusal(() => cleanText('a\u0000b', rule)).message).toBe(
      'text contains a control character (U+0000, NUL); send plain text',
    )
    expect(refusal(() => cleanText('a\u001bb', rule)).details).toMatchObject({ reason: 'control_character' })
    expect(refusal(() => cleanText('a\ud800b', rule)).details).toMatchObject({ reason: 'encoding' })
    expect(refusal(() => cleanText('x'.repeat(11), rule))).toMatchObject({
      message: 'text may hold at most 10 characters, not 11',
      details: { reason: 'too_long', maxChars: 10 },
    })
    expect(cleanText(null, { ...rule, required: false })).toBeNull()
  })
})
