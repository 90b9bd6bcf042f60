/**
 * A terminal's 0x0702 IC card report → the `driver` device event every other source of "who
 * drives" also becomes (docs/jt808.md, docs/tracking.md#who-drives).
 */
import { jt808, type DeviceEvent, type DriverEventData } from '@rb/protocol'

/** The card's time, but never later than the server's clock: a card cannot go in in the future. */
export function driverCardEvent(vehicleId: string, report: jt808.DriverIdentity, now: number): DeviceEvent {
  const card = report.card
  const data: DriverEventData = {
    action: report.status === jt808.IC_CARD_STATUS.inserted ? 'on' : 'off',
    cert: card?.cert || null,
    name: card?.name || null,
    authority: card?.authority || null,
    validUntil: card?.validUntil ?? null,
    ...(card?.idCard ? { idCard: card.idCard } : {}),
    source: 'card',
    readResult: report.readResult,
  }
  return { vehicleId, ts: Math.min(report.ts, now), type: 'driver', data: { ...data } }
}
