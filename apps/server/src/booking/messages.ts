/**
 * SMS texts to passengers and drivers (Chinese: the people who get them read Chinese). Each text
 * names the trip by day, time and headsign and carries the booking code where there is one.
 */
import type { Booking } from '@rb/domain'
import type { OutgoingMessage } from '@rb/db'

export interface TripLabel {
  id: string
  departureTs: number
  headsign: string
  /** Stop code → stop name. */
  stopName: (code: string) => string
  cutoffTs: number
}

/** `11月30日 08:00` in Asia/Shanghai (UTC+8 all year). */
export function localTime(ts: number): string {
  const d = new Date(ts + 8 * 3_600_000)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

const SIGN = '【乡村公交】'
const tripText = (t: TripLabel): string => `${localTime(t.departureTs)}开往${t.headsign || t.id}的班车`
const ride = (t: TripLabel, b: Booking): string =>
  `${t.stopName(b.boardStop)}上车，${t.stopName(b.alightStop)}下车，${b.seats}座`

export type MessageKind =
  | 'booked'
  | 'waitlisted'
  | 'promoted'
  | 'cancelled'
  | 'trip_confirmed'
  | 'trip_cancelled'
  | 'driver_trip_confirmed'
  | 'driver_trip_cancelled'

const toPassenger = (kind: MessageKind, b: Booking, body: string): OutgoingMessage => ({
  kind,
  recipient: b.phone,
  recipientRole: 'passenger',
  body: `${SIGN}${body}`,
  bookingId: b.id,
  tripInstanceId: b.tripInstanceId,
})

export function bookedMessage(t: TripLabel, b: Booking): OutgoingMessage {
  return toPassenger(
    'booked',
    b,
    `预约成功：${tripText(t)}，${ride(t, b)}。乘车码 ${b.code}，上车时出示。如需取消，请在${localTime(t.cutoffTs)}前操作。`,
  )
}

export function waitlistedMessage(t: TripLabel, b: Booking, position: number): OutgoingMessage {
  return toPassenger(
    'waitlisted',
    b,
    `已登记候补（第${position}位）：${tripText(t)}，${ride(t, b)}。有空位时短信通知。乘车码 ${b.code}。`,
  )
}

export function promotedMessage(t: TripLabel, b: Booking): OutgoingMessage {
  return toPassenger('promoted', b, `候补成功，已为您留座：${tripText(t)}，${ride(t, b)}。乘车码 ${b.code}。`)
}

export function cancelledMessage(t: TripLabel, b: Booking, reason: string | null): OutgoingMessage {
  return toPassenger('cancelled', b, `您的预约 ${b.code}（${tripText(t)}）已取消${reason ? `：${reason}` : ''}。`)
}

export function tripConfirmedMessage(t: TripLabel, b: Booking): OutgoingMessage {
  return toPassenger(
    'trip_confirmed',
    b,
    `按需班车确认成行：${tripText(t)}，${ride(t, b)}。乘车码 ${b.code}，请提前到站。`,
  )
}

export function tripCancelledMessage(t: TripLabel, b: Booking, reason: string): OutgoingMessage {
  return toPassenger('trip_cancelled', b, `很抱歉，${tripText(t)}不开行：${reason}。您的预约 ${b.code} 已取消。`)
}

/** To the assigned driver: an on-demand trip decided at its cutoff, or (`onDemand` false) a trip a dispatcher cancelled. */
export function driverMessage(
  kind: 'driver_trip_confirmed' | 'driver_trip_cancelled',
  t: TripLabel,
  driverPhone: string,
  riders: number,
  reason?: string,
  onDemand = true,
): OutgoingMessage {
  const what = onDemand ? '按需班次' : '班次'
  const body =
    kind === 'driver_trip_confirmed'
      ? `${what}确认成行：${tripText(t)}（${t.id}），预约${riders}人，请按时出车，乘客名单见司机页面。`
      : `${what}取消：${tripText(t)}（${t.id}）${reason ? `，${reason}` : ''}，无需出车。`
  return {
    kind,
    recipient: driverPhone,
    recipientRole: 'driver',
    body: `${SIGN}${body}`,
    bookingId: null,
    tripInstanceId: t.id,
  }
}
