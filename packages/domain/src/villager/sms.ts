/**
 * Phones without a browser: what a villager texts to the county's number and what is texted
 * back. "0115" or "XY-0115" asks for the next buses at that sign, "提醒 0115" asks for a text when
 * the next bus is close, "取消 K7M3QX" cancels a booking made from that phone, "取消提醒" drops the
 * phone's reminders. Anything else gets the short help. Texts are Chinese (the people who send
 * them read Chinese); times are China time. Pure.
 */
import { normalizeBookingCode } from '../booking/codes.js'

export type SmsCommand =
  | { kind: 'query'; stopCode: string }
  | { kind: 'remind'; stopCode: string }
  | { kind: 'cancel_booking'; code: string }
  | { kind: 'cancel_reminders' }
  | { kind: 'help' }

/** Full-width digits and letters (typed on many phones) to ASCII, trimmed, upper case. */
function plain(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, ' ')
    .trim()
    .toUpperCase()
}

/** A stop code from what was typed: "0115" takes the county's prefix, "xy0115" and "XY-0115" are the same sign. */
function stopCodeOf(typed: string, countyPrefix: string): string | null {
  const m = /^(?:([A-Z]{2,4})\s*-?\s*)?(\d{4,5})$/.exec(typed)
  if (!m) return null
  return `${m[1] ?? countyPrefix}-${m[2]}`
}

export function parseSms(text: string, countyPrefix: string): SmsCommand {
  const t = plain(text).replace(/[。.!！?？]+$/, '')
  if (/^(取消提醒|退订提醒|退订|TD)$/.test(t)) return { kind: 'cancel_reminders' }
  const remind = /^(?:提醒|TX|REMIND)\s*(.+)$/.exec(t)
  if (remind) {
    const stopCode = stopCodeOf(remind[1] as string, countyPrefix)
    return stopCode ? { kind: 'remind', stopCode } : { kind: 'help' }
  }
  const cancel = /^(?:取消|QX|CANCEL)\s*(.+)$/.exec(t)
  if (cancel) {
    const code = normalizeBookingCode(cancel[1] as string)
    return code ? { kind: 'cancel_booking', code } : { kind: 'help' }
  }
  const stopCode = stopCodeOf(t, countyPrefix)
  return stopCode ? { kind: 'query', stopCode } : { kind: 'help' }
}

export const SMS_SIGN = '【乡村公交】'
const CHINA_MS = 8 * 3_600_000
const two = (n: number): string => String(n).padStart(2, '0')

/** HH:MM in China time. */
export function smsClock(ts: number): string {
  const d = new Date(ts + CHINA_MS)
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}

/** 12月8日 in China time. */
export function smsDay(ts: number): string {
  const d = new Date(ts + CHINA_MS)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

/** One departure as the SMS answer tells it (a live `StopArrival`, or a timetable entry with no bus). */
export interface SmsDeparture {
  routeName: string
  headsign: string
  scheduledTs: number
  /** A departure status; one this does not know is told from the timetable. */
  status: string
  etaTs: number | null
  stopsAway: number | null
  vehicleId: string | null
  plate?: string | null
}

/** Where the bus is and when it comes, in a few words. */
export function whereWords(d: SmsDeparture, now: number): string {
  if (d.status === 'cancelled') return '已取消'
  if (d.status === 'at_stop') return '车已到站'
  const followed =
    (d.status === 'on_the_way' || d.status === 'late') &&
    d.vehicleId !== null &&
    d.stopsAway !== null &&
    d.stopsAway >= 0
  if (!followed)
    return d.status === 'late'
      ? '还未发车（已过发车时间）'
      : d.status === 'scheduled'
        ? '还未发车'
        : `暂无车辆实时位置，时刻表${smsClock(d.scheduledTs)}`
  const where = d.stopsAway === 0 ? '下一站就是本站' : `还有${d.stopsAway}站`
  if (d.etaTs === null) return `正在路上，${where}`
  const min = Math.ceil((d.etaTs - now) / 60_000)
  return `正在路上，${where}，${min <= 0 ? '即将到站' : min < 60 ? `约${min}分钟` : `预计${smsClock(d.etaTs)}`}`
}

/** The answer to a stop-code query: the next three departures, and where the first bus is. */
export function queryReply(
  stop: { code: string; name: string },
  departures: readonly SmsDeparture[],
  now: number,
  later: { scheduledTs: number; routeName: string; headsign: string } | null,
): string {
  const shortCode = stop.code.replace(/^[A-Z]+-/, '')
  if (departures.length === 0) {
    const next = later
      ? `下一班：${smsDay(later.scheduledTs)} ${smsClock(later.scheduledTs)} ${later.routeName} 开往${later.headsign}。`
      : '近几天没有班车。'
    return `${SMS_SIGN}${stop.name}（${stop.code}）接下来几个小时没有班车。${next}`
  }
  const lines = departures.slice(0, 3).map((d, i) => {
    const head = `${smsClock(d.scheduledTs)} ${d.routeName} 开往${d.headsign}`
    return i === 0
      ? `${head}：${whereWords(d, now)}${d.plate ? `（${d.plate}）` : ''}`
      : `${head}${d.status === 'cancelled' ? '（已取消）' : ''}`
  })
  return `${SMS_SIGN}${stop.name}（${stop.code}）下一班车：${lines.join('；')}。回复"提醒 ${shortCode}"车快到时短信告诉您。`
}

export function unknownStopReply(code: string): string {
  return `${SMS_SIGN}没有找到站牌 ${code}。站牌编号印在站牌上，例如 0421 或 XY-0421。`
}

export function helpReply(): string {
  return `${SMS_SIGN}发站牌编号（如 0421）查下一班车；发"提醒 0421"车快到时短信告诉您；发"取消 乘车码"取消预约；发"取消提醒"不再提醒。`
}

export function remindReply(
  stop: { name: string },
  d: { scheduledTs: number; headsign: string },
  stopsBefore: number,
): string {
  return `${SMS_SIGN}好的：${smsClock(d.scheduledTs)}开往${d.headsign}的班车离${stop.name}还有${stopsBefore}站时，短信告诉您。回复"取消提醒"不再提醒。`
}

export function nothingToRemindReply(stop: { name: string; code: string }): string {
  return `${SMS_SIGN}${stop.name}（${stop.code}）接下来几个小时没有班车可以提醒。`
}

export function remindersCancelledReply(n: number): string {
  return n > 0 ? `${SMS_SIGN}已取消${n}个到站提醒。` : `${SMS_SIGN}您没有等待中的到站提醒。`
}

export function cancelRefusedReply(code: string, why: 'not_found' | 'closed' | 'cancelled'): string {
  const reason =
    why === 'not_found'
      ? '没有找到用这个手机号预约的乘车码'
      : why === 'closed'
        ? '已过取消时间，请联系客运公司'
        : '这个预约已经取消了'
  return `${SMS_SIGN}乘车码 ${code}：${reason}。`
}

/** The reminder itself: the bus is close (or at the stop). */
export function approachingText(stop: { name: string }, d: SmsDeparture, now: number): string {
  const where =
    d.status === 'at_stop'
      ? '已到站'
      : d.stopsAway === 0
        ? `下一站就是${stop.name}`
        : `离${stop.name}还有${d.stopsAway}站`
  const eta =
    d.status !== 'at_stop' && d.etaTs !== null ? `，约${Math.max(1, Math.ceil((d.etaTs - now) / 60_000))}分钟` : ''
  return `${SMS_SIGN}车快到了：${smsClock(d.scheduledTs)}开往${d.headsign}的班车${d.plate ? `（${d.plate}）` : ''}${where}${eta}，请到站等候。`
}

export function reminderCancelledTripText(
  stop: { name: string },
  d: { scheduledTs: number; headsign: string },
  reason: string | null,
): string {
  return `${SMS_SIGN}很抱歉，${smsClock(d.scheduledTs)}开往${d.headsign}的班车不开行${reason ? `：${reason}` : ''}，${stop.name}的到站提醒已取消。`
}
