import { describe, expect, it } from 'vitest'
import { placeReport, stopStatusFor } from './placement.js'
import { T0 } from './factories.js'

const H = 3_600_000

describe('where a report goes (dedupe)', () => {
  it('opens the first ticket of a stop and problem', () => {
    expect(placeReport(T0, [])).toEqual({ kind: 'open', previousTicketId: null })
  })

  it('joins the open ticket however many times the sign is reported', () => {
    expect(placeReport(T0, [{ id: 4, status: 'open', closedTs: null }])).toEqual({
      kind: 'join',
      ticketId: 4,
      late: false,
    })
    expect(placeReport(T0, [{ id: 4, status: 'assigned', closedTs: null }])).toEqual({
      kind: 'join',
      ticketId: 4,
      late: false,
    })
  })

  it('prefers the open ticket to closed ones of the same problem', () => {
    const tickets = [
      { id: 2, status: 'fixed' as const, closedTs: T0 + H },
      { id: 5, status: 'open' as const, closedTs: null },
    ]
    expect(placeReport(T0, tickets)).toEqual({ kind: 'join', ticketId: 5, late: false })
  })

  it('opens a new ticket, linked to the last closed one, when the problem is back after the repair', () => {
    const tickets = [
      { id: 2, status: 'fixed' as const, closedTs: T0 - 10 * H },
      { id: 3, status: 'rejected' as const, closedTs: T0 - 2 * H },
    ]
    expect(placeReport(T0, tickets)).toEqual({ kind: 'open', previousTicketId: 3 })
  })

  it('joins the closed ticket when the report was made before it closed (a phone that was offline)', () => {
    const tickets = [{ id: 2, status: 'fixed' as const, closedTs: T0 + H }]
    expect(placeReport(T0, tickets)).toEqual({ kind: 'join', ticketId: 2, late: true })
  })

  it('opens a new ticket for a report made the very millisecond the last one closed', () => {
    expect(placeReport(T0, [{ id: 2, status: 'fixed', closedTs: T0 }])).toEqual({ kind: 'open', previousTicketId: 2 })
  })

  it('compares with the ticket closed last, not the one listed first', () => {
    const tickets = [
      { id: 9, status: 'fixed' as const, closedTs: T0 - H },
      { id: 8, status: 'fixed' as const, closedTs: T0 + H },
    ]
    expect(placeReport(T0, tickets)).toEqual({ kind: 'join', ticketId: 8, late: true })
  })
})

describe("the stop sign's status follows its open sign tickets", () => {
  it('is reported while a ticket is open, in repair while assigned, ok when none is open', () => {
    expect(stopStatusFor('ok', ['open'])).toBe('reported')
    expect(stopStatusFor('reported', ['assigned'])).toBe('in_repair')
    expect(stopStatusFor('in_repair', [])).toBe('ok')
    expect(stopStatusFor('reported', [])).toBe('ok')
  })

  it('is in repair when any open ticket is assigned', () => {
    expect(stopStatusFor('ok', ['open', 'assigned'])).toBe('in_repair')
  })

  it('leaves a retired sign retired', () => {
    expect(stopStatusFor('removed', ['open'])).toBe('removed')
    expect(stopStatusFor('removed', [])).toBe('removed')
  })

  it('corrects a status set by hand that no ticket explains', () => {
    expect(stopStatusFor('in_repair', ['open'])).toBe('reported')
  })
})
