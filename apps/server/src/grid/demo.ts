/**
 * The demo county's grid reporters, loaded once with the county: five reporters in four
 * townships (two share one), whose sign and road-hazard reports went through the real report
 * service on a clock set back in time — most fixed (points when fixed, this month and last), a
 * landslide confirmed by staff before its repair, a second report of a pothole that earned
 * nothing (a duplicate), and one rejected report with none. The signs the demo shows reported or
 * in repair get their tickets here too, so every such sign has one.
 */
import { randomInt } from 'node:crypto'
import { monthOf, monthRange, SIGN_CATEGORIES, type NetworkSnapshot, type ReportCategory, type Stop } from '@rb/domain'
import { gridRepo, type Db } from '@rb/db'
import { ReportService } from '../reports/service.js'
import type { PhotoStore } from '../reports/photo-store.js'
import type { GridService } from './service.js'

const H = 3_600_000
const DAY = 24 * H

export const DEMO_REPORTERS = [
  { id: 'G2026DEM1', name: '王秀英', phone: '13900001001' },
  { id: 'G2026DEM2', name: '李建国', phone: '13900001002' },
  { id: 'G2026DEM3', name: '张桂兰', phone: '13900001003' },
  { id: 'G2026DEM4', name: '陈明', phone: '13900001004' },
  // Shares the first reporter's township: the duplicate pothole is theirs.
  { id: 'G2026DEM5', name: '赵小红', phone: '13900001005' },
]

export interface DemoGridDeps {
  db: Db
  photos: PhotoStore
  grid: GridService
  network: NetworkSnapshot
  now: number
  log: { info(obj: object, msg: string): void }
}

/** Loads them unless reporters exist already (a database the demo was loaded into earlier). */
export async function seedDemoGrid(d: DemoGridDeps): Promise<boolean> {
  if ((await gridRepo.reporterCount(d.db)) > 0) return false
  let clock = d.now
  const service = new ReportService({
    db: d.db,
    photos: d.photos,
    events: { alerts() {}, stopStatus() {} },
    randomInt,
    now: () => clock,
    stepHook: (tx, ticket, step) => d.grid.onTicketStep(tx, ticket, step),
  })
  const village = d.network.stops.filter((s) => s.status !== 'removed').sort((a, b) => a.code.localeCompare(b.code))
  const okIn = (township: string) => village.filter((s) => s.townshipId === township && s.status === 'ok')
  // The four townships with the most village stops in good order.
  const townships = [...new Set(village.map((s) => s.townshipId))]
    .sort((a, b) => okIn(b).length - okIn(a).length || a.localeCompare(b))
    .slice(0, 4)
  if (townships.length === 0) return false
  const homeOf = (i: number): string => townships[(i === 4 ? 0 : i) % townships.length] as string
  for (const [i, r] of DEMO_REPORTERS.entries())
    await gridRepo.insertVerifiedReporter(d.db, { ...r, townshipId: homeOf(i), createdTs: d.now - 60 * DAY })

  let n = 0
  const report = async (stop: Stop, category: ReportCategory, at: number, reporterId: string | null, note?: string) => {
    clock = at
    const r = await service.submit({
      stopCode: stop.code,
      category,
      note: note ?? null,
      reportedTs: at,
      idempotencyKey: `demo-grid-${++n}`,
      photo: null,
      reporterId,
    })
    return r.ticket.id
  }
  const step = async (ticketId: number, at: number, cmd: Parameters<ReportService['act']>[1]) => {
    clock = at
    await service.act(ticketId, cmd, 'dispatcher')
  }
  const fix = async (ticketId: number, reportedAt: number, fixedAt: number) => {
    await step(ticketId, reportedAt + 2 * H, { action: 'assign', assignee: '公路养护一队' })
    await step(ticketId, fixedAt, { action: 'fix', note: '已修复' })
  }

  // Fixes spread over this month so far, and a few last month.
  const monthStart = monthRange(monthOf(d.now)).fromTs
  const thisMonth = (share: number): number => monthStart + Math.max(H, Math.round((d.now - monthStart) * share))
  const hazards: ReportCategory[] = ['pothole', 'broken_manhole_cover', 'other_hazard', 'pothole']
  const signs: ReportCategory[] = ['faded', 'blocked', 'damaged']
  for (const [i, r] of DEMO_REPORTERS.slice(0, 4).entries()) {
    const stops = okIn(homeOf(i))
    const plan: [ReportCategory, number][] = [
      [hazards[i % hazards.length] as ReportCategory, thisMonth(0.3 + 0.1 * i)],
      [signs[i % signs.length] as ReportCategory, thisMonth(0.6 + 0.08 * i)],
      [hazards[(i + 1) % hazards.length] as ReportCategory, monthStart - (3 + i) * DAY],
    ].slice(0, 3 - (i % 2)) as [ReportCategory, number][]
    for (const [k, [category, fixedAt]] of plan.entries()) {
      const stop = stops[(k * 3 + i) % Math.max(1, stops.length)]
      if (!stop) continue
      const reportedAt = fixedAt - (1 + k) * DAY
      await fix(await report(stop, category, reportedAt, r.id), reportedAt, fixedAt)
    }
  }

  // A pothole reported by two reporters of one township: the first earns, the second is a duplicate.
  const shared = okIn(homeOf(0))
  const potholeAt = shared[shared.length - 1]
  if (potholeAt) {
    const at = thisMonth(0.5) - DAY
    const ticket = await report(potholeAt, 'pothole', at, DEMO_REPORTERS[0]!.id, '路面坑洼，雨天积水')
    await report(potholeAt, 'pothole', at + 3 * H, DEMO_REPORTERS[4]!.id)
    await fix(ticket, at, thisMonth(0.5))
  }

  // A landslide above the road: staff confirmed it at once (the most points); the crew is on it.
  const slideAt = okIn(homeOf(2))[1]
  if (slideAt) {
    const at = d.now - 20 * H
    const ticket = await report(slideAt, 'landslide', at, DEMO_REPORTERS[2]!.id, '山体滑坡，碎石占了半边路')
    await step(ticket, at + H, { action: 'assign', assignee: '公路应急抢险队' })
    const [first] = await gridRepo.scoredReports(d.db, ticket)
    if (first) await d.grid.confirm(first.id, 'dispatcher', async () => {})
  }

  // A report that was not a problem: rejected, no points.
  const wrongAt = okIn(homeOf(3))[2]
  if (wrongAt) {
    const at = d.now - 30 * H
    const ticket = await report(wrongAt, 'other', at, DEMO_REPORTERS[3]!.id, '站牌好像歪了')
    await step(ticket, at + 5 * H, { action: 'reject', note: '现场查看，站牌完好，误报' })
  }

  // The signs the demo shows reported or in repair: each gets the villagers' ticket behind it.
  const shown = village.filter((s) => s.status === 'reported' || s.status === 'in_repair')
  for (const [i, stop] of shown.entries()) {
    const reporter = DEMO_REPORTERS.find((_, k) => homeOf(k) === stop.townshipId)
    const at = d.now - (6 + i * 5) * H
    const ticket = await report(
      stop,
      SIGN_CATEGORIES[i % 4] as ReportCategory,
      at,
      i % 2 === 0 ? (reporter?.id ?? null) : null,
    )
    if (stop.status === 'in_repair') await step(ticket, at + 2 * H, { action: 'assign', assignee: '站牌维修组' })
  }
  d.log.info({ reporters: DEMO_REPORTERS.length, reports: n }, 'demo county: grid reporters loaded')
  return true
}
