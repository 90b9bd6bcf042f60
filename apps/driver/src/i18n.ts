/** Words of the page in Chinese (the default) and English; `{n}`-style slots are filled by `t`. */
import type { Lang } from './model.js'

const zh = {
  title: '驾驶员',
  switchLang: 'English',
  signInTitle: '驾驶员登录',
  username: '账号',
  password: '密码',
  signIn: '登录',
  signOut: '退出',
  signInFailed: '账号或密码不对',
  notDriver: '这个账号不是驾驶员账号（{role}）。请用驾驶员账号登录。',
  today: '今天',
  tomorrow: '明天',
  noTrips: '{day}没有安排给您的班次',
  myTrips: '{name} 的班次',
  booked: '预约 {n} 座',
  boardedCount: '已上车 {n}',
  waitlistCount: '候补 {n}',
  seatsOf: '共 {n} 座',
  cancelled: '已取消',
  noBookings: '不用预约的班次',
  back: '返回',
  live: '实时更新',
  offline: '未连接，正在重连…',
  messagesTitle: '调度消息',
  messageFrom: '{from} · {time}',
  messageRead: '知道了',
  loading: '正在加载…',
  loadFailed: '加载失败，请稍后再试',
  board: '上车',
  noShow: '未到',
  undo: '撤销',
  statusBoarded: '已上车',
  statusNoShow: '未到',
  seats: '{n}座',
  alighting: '下车',
  nobodyHere: '本站无人上下车',
  waitlist: '候补名单',
  marksOpenAt: '{time} 预约截止后可以登记上车',
  tripCancelled: '本班次已取消：{reason}',
  load: '车上 {n} 人',
  summary: '已上车 {boarded} / 预约 {riders} · 未到 {noShow}',
  drivingTitle: '我在开的车',
  drivingNow: '您正在驾驶 {vehicle}',
  drivingNone: '还没有登记您在开哪辆车',
  drivingSource: '（{source}）',
  sourceCard: '司机卡',
  sourceApp: '本页登记',
  sourceDevice: '车载设备',
  drivingPick: '车辆编号',
  drivingGo: '我在开这辆车',
  drivingOff: '下车签退',
  dutyOf: '{day}的排班',
  dutyNotPublished: '{day}的排班还没发布，发布后会显示在这里。',
  dutyNone: '{day}没有给您排班。',
  dutyTrips: '{n} 趟',
  dutyDriving: '驾驶 {time}',
}

const en: Record<keyof typeof zh, string> = {
  title: 'Driver',
  switchLang: '中文',
  signInTitle: 'Driver sign-in',
  username: 'User name',
  password: 'Password',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signInFailed: 'Wrong user name or password',
  notDriver: 'This is not a driver account ({role}). Sign in with a driver account.',
  today: 'Today',
  tomorrow: 'Tomorrow',
  noTrips: 'No trips assigned to you {day}',
  myTrips: 'Trips of {name}',
  booked: '{n} seats booked',
  boardedCount: '{n} boarded',
  waitlistCount: '{n} waiting',
  seatsOf: '{n} seats',
  cancelled: 'Cancelled',
  noBookings: 'No booking on this trip',
  back: 'Back',
  live: 'Live',
  offline: 'Not connected, reconnecting…',
  messagesTitle: 'Message from dispatch',
  messageFrom: '{from} · {time}',
  messageRead: 'Got it',
  loading: 'Loading…',
  loadFailed: 'Could not load; try again shortly',
  board: 'Boarded',
  noShow: 'No-show',
  undo: 'Undo',
  statusBoarded: 'Boarded',
  statusNoShow: 'No-show',
  seats: '{n} seats',
  alighting: 'Alight',
  nobodyHere: 'Nobody boards or alights here',
  waitlist: 'Waitlist',
  marksOpenAt: 'Boarding can be marked from {time}, when bookings close',
  tripCancelled: 'This trip is cancelled: {reason}',
  load: '{n} on board',
  summary: '{boarded} boarded of {riders} booked · {noShow} no-show',
  drivingTitle: 'The bus I am driving',
  drivingNow: 'You are driving {vehicle}',
  drivingNone: 'No bus recorded for you yet',
  drivingSource: '(from {source})',
  sourceCard: 'your driver card',
  sourceApp: 'this page',
  sourceDevice: 'the bus device',
  drivingPick: 'Bus number',
  drivingGo: 'I am driving this bus',
  drivingOff: 'Sign off this bus',
  dutyOf: "{day}'s duty",
  dutyNotPublished: "{day}'s roster is not published yet; it shows here once it is.",
  dutyNone: '{day}: no duty rostered for you.',
  dutyTrips: '{n} trips',
  dutyDriving: 'driving {time}',
}

export type Word = keyof typeof zh
const WORDS: Record<Lang, Record<Word, string>> = { zh, en }

export const isLang = (v: unknown): v is Lang => v === 'zh' || v === 'en'

export function t(lang: Lang, word: Word, slots: Record<string, string | number> = {}): string {
  return WORDS[lang][word].replace(/\{(\w+)\}/g, (m, k: string) => (k in slots ? String(slots[k]) : m))
}

/** `08:05` in Asia/Shanghai (UTC+8 all year), whatever the phone's time zone. */
export function clock(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000)
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

/** The service day (Asia/Shanghai) of an instant, `days` later. */
export function serviceDay(ts: number, days = 0): string {
  return new Date(ts + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10)
}
