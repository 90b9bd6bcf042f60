/**
 * A booking made for someone else (the child in town booking for a parent in the village): the
 * booking's name and phone are the rider's, who shows the code to the driver; the booker is kept
 * beside it (`booking_booker`), may look the booking up and cancel it with their own phone, and
 * gets a copy of every text the rider gets. Called from the booking service inside its locked
 * transaction, so the booker and the copies exist exactly when the booking and its texts do.
 */
import { AppError, normalizeName, normalizePhone } from '@rb/domain'
import { villagerRepo, type Booker, type OutgoingMessage, type Queryable, type StoredBooking } from '@rb/db'

/** The booker as stored, or null when it is the rider (the same phone). Errors name `bookedBy.<field>`. */
export function normalizeBooker(b: { name: string; phone: string } | undefined, riderPhone: string): Booker | null {
  if (!b) return null
  const field = (f: 'name' | 'phone', fn: () => string): string => {
    try {
      return fn()
    } catch (err) {
      if (err instanceof AppError)
        throw new AppError(err.code, `booked by: ${err.message}`, { ...err.details, field: `bookedBy.${f}` })
      throw err
    }
  }
  const phone = field('phone', () => normalizePhone(b.phone))
  if (phone === riderPhone) return null
  return { name: field('name', () => normalizeName(b.name)), phone }
}

/** Keeps who booked the bookings just inserted, matched by idempotency key. */
export async function saveBookers(
  tx: Queryable,
  bookers: ReadonlyMap<string, Booker | null>,
  inserted: readonly StoredBooking[],
): Promise<void> {
  for (const b of inserted) {
    const booker = bookers.get(b.idempotencyKey)
    if (booker) await villagerRepo.saveBooker(tx, b.id, booker)
  }
}

/** The texts to a rider, each with a copy for the booker of a booking made for someone else. */
export async function withBookerCopies(
  tx: Queryable,
  messages: readonly OutgoingMessage[],
): Promise<OutgoingMessage[]> {
  const ids = [
    ...new Set(messages.flatMap((m) => (m.bookingId !== null && m.recipientRole === 'passenger' ? [m.bookingId] : []))),
  ]
  if (ids.length === 0) return [...messages]
  const bookers = await villagerRepo.bookersOf(tx, ids)
  if (bookers.size === 0) return [...messages]
  return messages.flatMap((m) => {
    const booker = m.bookingId !== null && m.recipientRole === 'passenger' ? bookers.get(m.bookingId) : undefined
    return booker && booker.phone !== m.recipient ? [m, { ...m, recipient: booker.phone }] : [m]
  })
}

/** Whether `phone` booked this booking for someone else. */
export async function bookedBy(q: Queryable, bookingId: number, phone: string | null): Promise<boolean> {
  if (phone === null) return false
  return (await villagerRepo.bookersOf(q, [bookingId])).get(bookingId)?.phone === phone
}
