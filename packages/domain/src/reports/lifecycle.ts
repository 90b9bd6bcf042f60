/**
 * A repair ticket's lifecycle: open → assigned → fixed | rejected, reassignment while assigned,
 * and reopening a closed ticket when the repair did not hold or the rejection was wrong. Each
 * step records who, when and a note. Nothing here reads a clock.
 */
import { AppError } from '../errors.js'
import { OPEN_TICKET_STATUSES, type TicketAction, type TicketStatus, type TicketStep } from './types.js'

/** A dispatcher's step on a ticket. */
export type TicketCommand =
  | { action: 'assign'; assignee: string; note?: string | null }
  | { action: 'fix'; note?: string | null }
  | { action: 'reject'; note: string }
  | { action: 'reopen'; note: string }

export type StaffAction = TicketCommand['action']

/** From which statuses each step may be taken, and where it leads. */
export const TRANSITIONS: Readonly<Record<StaffAction, { from: readonly TicketStatus[]; to: TicketStatus }>> = {
  // Reassigning (assigned → assigned) hands the work to someone else.
  assign: { from: ['open', 'assigned'], to: 'assigned' },
  // Fixed needs someone who did the work: assign first (a dispatcher may assign themself).
  fix: { from: ['assigned'], to: 'fixed' },
  reject: { from: ['open', 'assigned'], to: 'rejected' },
  reopen: { from: ['fixed', 'rejected'], to: 'open' },
}

export const NOTE_MAX_CHARS = 500
export const ASSIGNEE_MAX_CHARS = 80

export const isOpenTicket = (status: TicketStatus): boolean => OPEN_TICKET_STATUSES.includes(status)

/** The statuses a ticket may go to next (for the console's buttons). */
export function nextActions(status: TicketStatus): StaffAction[] {
  return (Object.keys(TRANSITIONS) as StaffAction[]).filter((a) => TRANSITIONS[a].from.includes(status))
}

function cleanText(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const v = value?.trim() ?? ''
  if (v === '') {
    if (required) throw new AppError('VALIDATION_FAILED', `${field} is required for this step`, { field })
    return null
  }
  if ([...v].length > max)
    throw new AppError('VALIDATION_FAILED', `${field} may hold at most ${max} characters`, { field })
  return v
}

/**
 * The step a dispatcher's command makes on a ticket in `current` state, or an error a person can
 * act on: TICKET_STATE_CONFLICT when the ticket is not in a state the step starts from (someone
 * else moved it first, or the step is out of order), VALIDATION_FAILED for a missing note.
 */
export function applyTicketCommand(
  current: { id: number; status: TicketStatus; assignee: string | null },
  cmd: TicketCommand,
  by: string,
  now: number,
): TicketStep {
  const rule = TRANSITIONS[cmd.action]
  if (!rule.from.includes(current.status)) {
    const hint = cmd.action === 'fix' && current.status === 'open' ? '; assign it first' : ''
    throw new AppError(
      'TICKET_STATE_CONFLICT',
      `ticket #${current.id} is ${current.status}: it cannot be ${pastTense(cmd.action)}${hint}`,
      {
        ticketId: current.id,
        status: current.status,
        allowed: nextActions(current.status),
      },
    )
  }
  switch (cmd.action) {
    case 'assign': {
      const assignee = cleanText(cmd.assignee, 'assignee', ASSIGNEE_MAX_CHARS, true)
      if (current.status === 'assigned' && assignee === current.assignee) {
        throw new AppError('TICKET_STATE_CONFLICT', `ticket #${current.id} is already assigned to ${assignee}`, {
          ticketId: current.id,
          status: current.status,
          allowed: nextActions(current.status),
        })
      }
      return step(current.status, cmd.action, by, now, cleanText(cmd.note, 'note', NOTE_MAX_CHARS, false), assignee)
    }
    case 'fix':
      return step(current.status, cmd.action, by, now, cleanText(cmd.note, 'note', NOTE_MAX_CHARS, false), null)
    // A rejection or a reopening is explained: the villagers' reports stay on the ticket.
    case 'reject':
    case 'reopen':
      return step(current.status, cmd.action, by, now, cleanText(cmd.note, 'note', NOTE_MAX_CHARS, true), null)
  }
}

function step(
  from: TicketStatus,
  action: StaffAction,
  by: string,
  ts: number,
  note: string | null,
  assignee: string | null,
): TicketStep {
  return { action, from, to: TRANSITIONS[action].to, by, ts, note, assignee }
}

const pastTense = (a: TicketAction): string =>
  ({ open: 'opened', assign: 'assigned', fix: 'marked fixed', reject: 'rejected', reopen: 'reopened' })[a]

/** The assignee after a step: set by assign, kept by fix and reject (who had it), cleared by reopen. */
export function assigneeAfter(current: string | null, s: TicketStep): string | null {
  if (s.action === 'assign') return s.assignee
  if (s.action === 'reopen') return null
  return current
}

/** The first step of every ticket: a villager's report opened it. */
export function openingStep(ts: number): TicketStep {
  return { action: 'open', from: null, to: 'open', by: 'villager', ts, note: null, assignee: null }
}
