/**
 * "车快到了提醒我": a villager leaves a phone number for one departure at one stop and gets one SMS
 * when the bus is `stopsBefore` stops (default 2) or `minutesBefore` minutes away. These are the
 * rules; the server stores reminders, asks the tracking engine where each bus is, and sends the
 * text through the notification outbox. Pure: the departure as the engine sees it and `now` are
 * parameters.
 */
export const DEFAULT_REMINDER_STOPS = 2
export const MAX_REMINDER_STOPS = 10
export const MAX_REMINDER_MINUTES = 60
/** A reminder whose bus never showed is dropped this long after its scheduled time. */
export const REMINDER_EXPIRE_MS = 3 * 3_600_000

export type ReminderState = 'active' | 'sent' | 'cancelled' | 'expired'

export interface ReminderRule {
  stopsBefore: number
  minutesBefore: number | null
  /** Scheduled arrival of the departure at the stop, epoch ms. */
  scheduledTs: number
}

/** What the engine says of the departure at the stop (a `StopArrival`), or null when it is not listed. */
export interface ReminderArrival {
  /** A departure status (`scheduled`, `on_the_way`, `late`, `at_stop`, `departed`, `completed`, `cancelled`, or one added later: waited on). */
  status: string
  stopsAway: number | null
  etaTs: number | null
  vehicleId: string | null
}

/**
 * `send` when the bus is close enough (or already at the stop), `cancelled` when the trip was
 * cancelled (the villager is told), `expire` when the bus has left the stop or never came,
 * else `wait`.
 */
export type ReminderVerdict = 'wait' | 'send' | 'cancelled' | 'expire'

export function reminderVerdict(r: ReminderRule, a: ReminderArrival | null, now: number): ReminderVerdict {
  if (a === null) return now > r.scheduledTs + REMINDER_EXPIRE_MS ? 'expire' : 'wait'
  switch (a.status) {
    case 'cancelled':
      return 'cancelled'
    case 'departed':
    case 'completed':
      return 'expire'
    case 'at_stop':
      return 'send'
    default:
      break
  }
  // Only a bus the engine follows, with a live position, says how far it is.
  const followed =
    (a.status === 'on_the_way' || a.status === 'late') &&
    a.vehicleId !== null &&
    a.stopsAway !== null &&
    a.stopsAway >= 0
  if (followed && (a.stopsAway as number) <= r.stopsBefore) return 'send'
  if (followed && r.minutesBefore !== null && a.etaTs !== null && a.etaTs - now <= r.minutesBefore * 60_000)
    return 'send'
  return now > r.scheduledTs + REMINDER_EXPIRE_MS ? 'expire' : 'wait'
}

export interface ReminderLimits {
  /** Reminders one phone may have waiting at once. */
  perPhone: number
}

/** Null when one more reminder for this phone is allowed, else why not. */
export function reminderRefusal(activeForPhone: number, limits: ReminderLimits): string | null {
  return activeForPhone >= limits.perPhone
    ? `this phone already has ${activeForPhone} reminders waiting (at most ${limits.perPhone})`
    : null
}
