/**
 * SMS texts about a parcel (Chinese: the people who get them read Chinese): to the sender, the
 * recipient and the keepers of the post points. Every text names the parcel number and, to the
 * sender and the recipient, where to follow it (`/p/<number>`).
 */
import { yuan, type Parcel } from '@rb/domain'
import type { ParcelText } from '@rb/db'
import { localTime } from '../booking/messages.js'

const SIGN = '【乡村邮路】'

export interface PointLabel {
  code: string
  name: string
  phone: string
  hours: string
}

export interface TextContext {
  parcel: Parcel
  from: PointLabel
  to: PointLabel
  /** The tracking address of this parcel. */
  url: string
}

const text = (
  kind: string,
  recipientRole: ParcelText['recipientRole'],
  recipient: string,
  body: string,
  tripInstanceId: string | null = null,
): ParcelText => ({ kind, recipient, recipientRole, body: `${SIGN}${body}`, tripInstanceId })

export function acceptedTexts(c: TextContext, expectedTs: number | null): ParcelText[] {
  const p = c.parcel
  const when = expectedTs ? `预计${localTime(expectedTs)}到` : '将送到'
  return [
    text(
      'parcel_accepted',
      'sender',
      p.sender.phone,
      `包裹${p.number}已在${c.from.name}收寄，寄往${c.to.name}，运费${yuan(p.feeFen)}元。查件：${c.url}`,
    ),
    text(
      'parcel_accepted',
      'recipient',
      p.recipient.phone,
      `${p.sender.name}寄给您的包裹${p.number}已收寄，${when}${c.to.name}，到站后短信告知取件码。查件：${c.url}`,
    ),
  ]
}

/** Loaded on a bus: the recipient, and the keeper where it is unloaded next. */
export function loadedTexts(
  c: TextContext,
  o: { vehicleId: string; tripInstanceId: string; unloadAt: PointLabel; etaTs: number | null },
): ParcelText[] {
  const p = c.parcel
  const eta = o.etaTs ? `，预计${localTime(o.etaTs)}到${o.unloadAt.name}` : ''
  return [
    text(
      'parcel_loaded',
      'recipient',
      p.recipient.phone,
      `您的包裹${p.number}已装上${o.vehicleId}号班车${eta}。查件：${c.url}`,
      o.tripInstanceId,
    ),
    text(
      'parcel_due',
      'keeper',
      o.unloadAt.phone,
      `包裹${p.number}（${p.sizeClass}类，${p.weightKg}kg）随${o.vehicleId}号班车${o.etaTs ? `约${localTime(o.etaTs)}` : ''}到站，请接车扫码。`,
      o.tripInstanceId,
    ),
  ]
}

export function transferTexts(c: TextContext, at: PointLabel, next: { departureTs: number } | null): ParcelText[] {
  const p = c.parcel
  const onward = next ? `，将于${localTime(next.departureTs)}转乘班车` : ''
  return [
    text(
      'parcel_transfer',
      'recipient',
      p.recipient.phone,
      `您的包裹${p.number}已到${at.name}中转${onward}。查件：${c.url}`,
    ),
  ]
}

export function arrivedTexts(c: TextContext, returnDueTs: number): ParcelText[] {
  const p = c.parcel
  return [
    text(
      'parcel_arrived',
      'recipient',
      p.recipient.phone,
      `您的包裹${p.number}已到${c.to.name}（营业${c.to.hours}，电话${c.to.phone}），取件码${p.pickupCode}，凭取件码和手机尾号取件。请在${localTime(returnDueTs)}前取件，逾期退回。`,
    ),
  ]
}

export function collectedTexts(c: TextContext, ts: number): ParcelText[] {
  const p = c.parcel
  return [
    text(
      'parcel_collected',
      'sender',
      p.sender.phone,
      `您寄给${p.recipient.name}的包裹${p.number}已于${localTime(ts)}在${c.to.name}签收。`,
    ),
  ]
}

export function returnedTexts(c: TextContext): ParcelText[] {
  const p = c.parcel
  return [
    text(
      'parcel_returned',
      'sender',
      p.sender.phone,
      `您寄出的包裹${p.number}在${c.to.name}逾期未取，已退回，请到${c.from.name}（电话${c.from.phone}）领取。`,
    ),
    text('parcel_returned', 'recipient', p.recipient.phone, `包裹${p.number}逾期未取，已退回寄件人。`),
  ]
}

/** A trip cancelled: the parcel rides another one; the keepers at both ends and the recipient are told. */
export function movedTexts(
  c: TextContext,
  o: {
    from: PointLabel
    unloadAt: PointLabel
    oldTrip: string
    newTrip: string
    departureTs: number
    arrivalTs: number
  },
): ParcelText[] {
  const p = c.parcel
  const body = `班车${o.oldTrip}停开，包裹${p.number}改乘${localTime(o.departureTs)}发车的班车（${o.newTrip}），约${localTime(o.arrivalTs)}到${o.unloadAt.name}。`
  const out = [text('parcel_moved', 'keeper', o.from.phone, body, o.newTrip)]
  if (o.unloadAt.phone !== o.from.phone) out.push(text('parcel_moved', 'keeper', o.unloadAt.phone, body, o.newTrip))
  out.push(
    text(
      'parcel_moved',
      'recipient',
      p.recipient.phone,
      `因班车停开，您的包裹${p.number}改乘其他班车，预计${localTime(o.arrivalTs)}到${o.unloadAt.name}。查件：${c.url}`,
      o.newTrip,
    ),
  )
  return out
}

/** No trip to move to: the keeper holding it and the county office must decide. */
export function strandedTexts(c: TextContext, at: PointLabel, oldTrip: string): ParcelText[] {
  return [
    text(
      'parcel_stranded',
      'keeper',
      at.phone,
      `班车${oldTrip}停开，包裹${c.parcel.number}三天内暂无可改乘的班车，请留存并联系调度。`,
    ),
  ]
}
