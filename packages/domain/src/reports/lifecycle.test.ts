import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import { applyTicketCommand, assigneeAfter, nextActions, openingStep, type TicketCommand } from './lifecycle.js'
import type { TicketStatus } from './types.js'
import { T0 } from './factories.js'

const ticket = (status: TicketStatus, assignee: string | null = null) => ({ id: 7, status, assignee })

describe('ticket lifecycle', () => {
  it('goes open → assigned → fixed, recording who, when, the note and the assignee', () => {
    const a = applyTicketCommand(
      ticket('open'),
      { action: 'assign', assignee: ' 李师傅 (养护队) ', note: '明早去' },
      'dispatcher',
      T0,
    )
    expect(a).toEqual({
      action: 'assign',
      from: 'open',
      to: 'assigned',
      by: 'dispatcher',
      ts: T0,
      note: '明早去',
      assignee: '李师傅 (养护队)',
    })
    const f = applyTicketCommand(
      ticket('assigned', '李师傅 (养护队)'),
      { action: 'fix' },
      'dispatcher2',
      T0 + 86_400_000,
    )
    expect(f).toEqual({
      action: 'fix',
      from: 'assigned',
      to: 'fixed',
      by: 'dispatcher2',
      ts: T0 + 86_400_000,
      note: null,
      assignee: null,
    })
  })

  it('may reject an open or assigned ticket, with a note', () => {
    for (const status of ['open', 'assigned'] as const) {
      expect(
        applyTicketCommand(ticket(status, 'x'), { action: 'reject', note: '不是我们的站牌' }, 'd', T0),
      ).toMatchObject({ from: status, to: 'rejected', note: '不是我们的站牌' })
    }
  })

  it('refuses a rejection or a reopening without a note', () => {
    expect(refusal(() => applyTicketCommand(ticket('open'), { action: 'reject', note: '  ' }, 'd', T0)).code).toBe(
      'VALIDATION_FAILED',
    )
    expect(refusal(() => applyTicketCommand(ticket('fixed'), { action: 'reopen', note: '' }, 'd', T0)).code).toBe(
      'VALIDATION_FAILED',
    )
  })

  it('refuses an assignment to nobody, and a note or assignee that is too long', () => {
    expect(
      refusal(() => applyTicketCommand(ticket('open'), { action: 'assign', assignee: ' ' }, 'd', T0)).details,
    ).toEqual({ field: 'assignee' })
    expect(
      refusal(() => applyTicketCommand(ticket('open'), { action: 'assign', assignee: 'x'.repeat(81) }, 'd', T0)).code,
    ).toBe('VALIDATION_FAILED')
    expect(() =>
      applyTicketCommand(ticket('open'), { action: 'assign', assignee: 'x'.repeat(80) }, 'd', T0),
    ).not.toThrow()
    expect(
      refusal(() => applyTicketCommand(ticket('open'), { action: 'reject', note: '修'.repeat(501) }, 'd', T0)).code,
    ).toBe('VALIDATION_FAILED')
  })

  it('reassigns an assigned ticket to someone else, but not to the same person again', () => {
    expect(applyTicketCommand(ticket('assigned', 'A'), { action: 'assign', assignee: 'B' }, 'd', T0)).toMatchObject({
      from: 'assigned',
      to: 'assigned',
      assignee: 'B',
    })
    const e = refusal(() => applyTicketCommand(ticket('assigned', 'A'), { action: 'assign', assignee: 'A' }, 'd', T0))
    expect(e.code).toBe('TICKET_STATE_CONFLICT')
  })

  it('will not mark an open ticket fixed: someone must be assigned first', () => {
    const e = refusal(() => applyTicketCommand(ticket('open'), { action: 'fix' }, 'd', T0))
    expect(e.code).toBe('TICKET_STATE_CONFLICT')
    expect(e.message).toContain('assign it first')
    expect(e.details).toMatchObject({ status: 'open', allowed: ['assign', 'reject'] })
  })

  it('refuses every step out of order (a second click, or someone else was first)', () => {
    const refused: [TicketStatus, TicketCommand][] = [
      ['fixed', { action: 'fix' }],
      ['fixed', { action: 'assign', assignee: 'A' }],
      ['fixed', { action: 'reject', note: 'n' }],
      ['rejected', { action: 'reject', note: 'n' }],
      ['rejected', { action: 'fix' }],
      ['rejected', { action: 'assign', assignee: 'A' }],
      ['open', { action: 'reopen', note: 'n' }],
      ['assigned', { action: 'reopen', note: 'n' }],
    ]
    for (const [status, cmd] of refused) {
      expect(
        refusal(() => applyTicketCommand(ticket(status, 'x'), cmd, 'd', T0)).code,
        `${cmd.action} from ${status}`,
      ).toBe('TICKET_STATE_CONFLICT')
    }
  })

  it('reopens a fixed or rejected ticket to open, without its assignee', () => {
    for (const status of ['fixed', 'rejected'] as const) {
      const s = applyTicketCommand(ticket(status, 'A'), { action: 'reopen', note: '又坏了' }, 'd', T0)
      expect(s).toMatchObject({ from: status, to: 'open' })
      expect(assigneeAfter('A', s)).toBeNull()
    }
  })

  it('keeps the assignee through fixed and rejected (who had the work), replaces it on reassignment', () => {
    const fix = applyTicketCommand(ticket('assigned', 'A'), { action: 'fix' }, 'd', T0)
    expect(assigneeAfter('A', fix)).toBe('A')
    const reassign = applyTicketCommand(ticket('assigned', 'A'), { action: 'assign', assignee: 'B' }, 'd', T0)
    expect(assigneeAfter('A', reassign)).toBe('B')
  })

  it('lists the next steps of each status', () => {
    expect(nextActions('open')).toEqual(['assign', 'reject'])
    expect(nextActions('assigned')).toEqual(['assign', 'fix', 'reject'])
    expect(nextActions('fixed')).toEqual(['reopen'])
    expect(nextActions('rejected')).toEqual(['reopen'])
  })

  it('starts every ticket with a step by the villager', () => {
    expect(openingStep(T0)).toEqual({
      action: 'open',
      from: null,
      to: 'open',
      by: 'villager',
      ts: T0,
      note: null,
      assignee: null,
    })
  })
})
