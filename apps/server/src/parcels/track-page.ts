/**
 * `/p/<number>`: where is my parcel, for the sender and the recipient (the label's QR and every
 * SMS point here). One server-rendered page — no script, light enough for weak 3G — that refreshes
 * itself while the parcel is on its way: status, its steps, and while it rides, its bus, how many
 * stops away and the tracking engine's ETA at the post point.
 */
import type { FastifyPluginAsync } from 'fastify'
import { AppError, readParcelNumber, type ParcelStatus } from '@rb/domain'
import { esc } from '../network/sign-sheet.js'
import { localTime } from '../booking/messages.js'
import type { ParcelViews, TrackView } from './views.js'

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export const STATUS_ZH: Record<ParcelStatus, string> = {
  accepted: '已收寄，等待装车',
  loaded: '运输中（随班车）',
  at_transfer: '在乡镇站中转',
  arrived: '已到站，待取件',
  collected: '已签收',
  returned: '逾期已退回',
}
const ACTION_ZH = {
  accept: '收寄',
  assign: '改派',
  reroute: '改乘班车',
  load: '装车',
  unload: '卸车',
  collect: '签收',
  return: '退回',
} as const

const time = (iso: string | null): string => (iso ? localTime(Date.parse(iso)) : '—')

export function trackPage(v: TrackView | null, number: string): string {
  const body = v
    ? found(v)
    : `<h1>查无此件</h1><p>没有编号为 <b>${esc(number)}</b> 的包裹，请核对运单号。<br><small>No parcel with this number.</small></p>`
  const live = v && (v.status === 'accepted' || v.status === 'loaded' || v.status === 'at_transfer')
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${live ? '<meta http-equiv="refresh" content="30">' : ''}<title>包裹 ${esc(number)} · 查件</title>
<style>
  body { font-family: "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0; background: #f4f6f8; color: #111; }
  header { background: #0a2f6b; color: #fff; padding: 12px 16px; }
  header small { opacity: .8; }
  main { padding: 12px 16px 32px; max-width: 560px; margin: 0 auto; }
  h1 { font-size: 22px; margin: 8px 0; }
  .num { font-family: "DejaVu Sans Mono", monospace; font-size: 18px; }
  .card { background: #fff; border-radius: 10px; padding: 12px 14px; margin: 10px 0; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  .status { font-size: 20px; font-weight: 700; }
  .status.loaded, .status.at_transfer { color: #0a58ca; } .status.arrived { color: #b35900; } .status.collected { color: #137333; } .status.returned { color: #a50e0e; }
  .eta { font-size: 28px; font-weight: 800; }
  dl { display: grid; grid-template-columns: 5em 1fr; gap: 4px 8px; margin: 0; }
  dt { color: #555; }
  ol { padding-left: 20px; margin: 0; } li { margin: 4px 0; }
  a { color: #0a58ca; }
</style></head>
<body><header><b>乡村邮路 · 查件</b> <small>Where is my parcel</small></header><main>${body}</main></body></html>`
}

function found(v: TrackView): string {
  const ride = v.ride
  const rideCard = ride
    ? `<div class="card ride"><div>包裹在 <b>${esc(ride.vehicleId)}</b> 号班车上${ride.stopsAway !== null ? `，距${esc(ride.unloadAt.name)}还有 <b>${ride.stopsAway + 1}</b> 站` : ''}</div>
  <div>预计到达${esc(ride.unloadAt.name)}</div><div class="eta" data-eta="${esc(ride.etaTs ?? ride.scheduledTs)}">${time(ride.etaTs ?? ride.scheduledTs)}</div>
  <small>${ride.etaTs ? '实时预计（按车辆位置）' : '按时刻表'}${ride.position ? ` · 车辆位置更新于 ${time(ride.position.ts)}` : ''}</small>
  <div><a href="/s/${esc(ride.unloadAt.code)}">看车在哪 →</a></div></div>`
    : ''
  const expected =
    !ride && v.expectedTs ? `<div class="card">预计 <b>${time(v.expectedTs)}</b> 到${esc(v.to.name)}</div>` : ''
  const pickup =
    v.status === 'arrived'
      ? `<div class="card">请到 <b>${esc(v.to.name)}</b> 取件（营业 ${esc(v.to.hours)}，电话 ${esc(v.to.phone)}），凭短信取件码和手机尾号。${v.returnDueTs ? `<br>请在 <b>${time(v.returnDueTs)}</b> 前取件，逾期退回。` : ''}</div>`
      : ''
  const steps = [...v.events]
    .reverse()
    .map(
      (e) =>
        `<li>${time(e.ts)} · ${ACTION_ZH[e.action]}${e.placeName ? ` · ${esc(e.placeName)}` : ''}${e.vehicleId ? ` · ${esc(e.vehicleId)}` : ''}</li>`,
    )
    .join('')
  return `<h1>包裹 <span class="num">${esc(v.number)}</span></h1>
<div class="card"><div class="status ${v.status}" data-status="${v.status}">${STATUS_ZH[v.status]}</div>
<dl><dt>寄出</dt><dd>${esc(v.from.name)}</dd><dt>寄达</dt><dd>${esc(v.to.name)}（${esc(v.to.hours)}）</dd><dt>收件人</dt><dd>${esc(v.recipient)}</dd><dt>规格</dt><dd>${esc(v.sizeClass)} · ${v.weightKg} kg</dd></dl></div>
${rideCard}${expected}${pickup}
<div class="card"><b>物流记录</b><ol reversed>${steps}</ol></div>`
}

export const trackPageRoutes: FastifyPluginAsync<{ views: ParcelViews }> = async (app, { views }) => {
  app.get('/p/:number', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const typed = (req.params as { number: string }).number
    const number = readParcelNumber(typed) ?? typed.slice(0, 40)
    let view: TrackView | null = null
    try {
      view = await views.track(number)
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'PARCEL_NOT_FOUND')) throw err
    }
    return reply
      .status(view ? 200 : 404)
      .header('cache-control', 'no-store')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(trackPage(view, number))
  })
  // The keeper's phone page is the driver page's keeper view.
  app.get('/post', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.redirect('/driver#/post'),
  )
}
