/**
 * The parcel screens as HTML strings: the parcels section of a trip's manifest (per stop: load
 * here, unload here) and the keeper's phone page (due in, waiting for pickup, overdue, to send,
 * take a parcel). Each parcel carries buttons for the scans that may come next; the scan box
 * takes the label's QR (camera) or a typed number.
 */
import { clock, t } from '../i18n.js'
import type { Lang } from '../model.js'
import { esc } from '../views.js'
import type {
  Consigned,
  KeeperView,
  ParcelLine,
  ParcelStatus,
  PostPointItem,
  ScanAction,
  TripParcels,
} from './model.js'
import { pw, type ParcelWord } from './words.js'

const STATUS: Record<ParcelStatus, ParcelWord> = {
  accepted: 'statusAccepted',
  loaded: 'statusLoaded',
  at_transfer: 'statusAtTransfer',
  arrived: 'statusArrived',
  collected: 'statusCollected',
  returned: 'statusReturned',
}
export const statusWord = (lang: Lang, s: ParcelStatus): string => pw(lang, STATUS[s])

export interface ScanBoxState {
  /** What was typed or scanned and not yet sent. */
  code: string
  message: string | null
  error: string | null
  busy: boolean
  camera: boolean
}

/** The scan box: camera, or the number typed; the actions this screen makes. */
export function scanBox(lang: Lang, actions: readonly ScanAction[], s: ScanBoxState): string {
  return `<section class="parcel-scan">
  <h2>${esc(pw(lang, 'scanTitle'))}</h2>
  <form class="parcel-scan-form">
    <input name="code" value="${esc(s.code)}" autocomplete="off" autocapitalize="characters" placeholder="${esc(pw(lang, 'scanPlaceholder'))}" required>
    <div class="parcel-actions">${actions.map((a) => `<button class="big" name="action" value="${a}" ${s.busy ? 'disabled' : ''}>${esc(pw(lang, a))}</button>`).join('')}
    <button type="button" class="big light" data-parcel-camera>${esc(pw(lang, s.camera ? 'cameraStop' : 'camera'))}</button></div>
  </form>
  ${s.camera ? '<video class="parcel-camera" playsinline muted></video>' : ''}
  ${s.message ? `<p class="banner ok" data-parcel-message>${esc(s.message)}</p>` : ''}${s.error ? `<p class="error" data-parcel-error>${esc(s.error)}</p>` : ''}
</section>`
}

function parcelItem(lang: Lang, p: ParcelLine, actions: readonly ScanAction[], extra = ''): string {
  const buttons = actions
    .filter((a) => p.next.includes(a) && a !== 'collect')
    .map(
      (a) =>
        `<button class="small" data-parcel-scan="${a}" data-number="${esc(p.number)}">${esc(pw(lang, a))}</button>`,
    )
    .join('')
  return `<li class="parcel${p.overdue ? ' overdue' : ''}" data-parcel="${esc(p.number)}" data-status="${p.status}">
  <div><b class="num">${esc(p.number)}</b> <em class="badge ${p.status}">${esc(statusWord(lang, p.status))}</em></div>
  <small>${esc(p.sizeClass)} · ${esc(p.weightKg)} kg · → ${esc(p.to.name)} · ${esc(p.recipient)} ${esc(p.recipientPhone)}${p.vehicleId && p.status === 'loaded' ? ` · ${esc(pw(lang, 'bus', { bus: p.vehicleId }))}` : ''}</small>
  ${extra}${buttons ? `<div class="parcel-actions">${buttons}</div>` : ''}
</li>`
}

const list = (
  lang: Lang,
  items: readonly ParcelLine[],
  actions: readonly ScanAction[],
  extra?: (p: ParcelLine) => string,
): string =>
  items.length === 0
    ? `<p class="empty small">${esc(pw(lang, 'nothing'))}</p>`
    : `<ul class="parcels">${items.map((p) => parcelItem(lang, p, actions, extra?.(p))).join('')}</ul>`

/** The parcels section under a trip's manifest. */
export function tripParcelsSection(lang: Lang, data: TripParcels | null, box: ScanBoxState): string {
  if (!data) return ''
  const head = `<h2 class="parcels-title">${esc(pw(lang, 'parcels'))} <small>${esc(pw(lang, 'parcelsCount', { n: data.counts.total, load: data.counts.toLoad, on: data.counts.onBoard }))}</small></h2>`
  if (data.counts.total === 0)
    return `<section class="trip-parcels">${head}<p class="empty small">${esc(pw(lang, 'noParcels'))}</p></section>`
  const stops = data.stops
    .map(
      (
        s,
      ) => `<div class="stop parcel-stop" data-stop="${esc(s.stopCode)}"><h3>${esc(s.stopName)} <small>${esc(s.stopCode)}</small></h3>
  ${s.load.length > 0 ? `<h4>${esc(pw(lang, 'loadHere'))}</h4>${list(lang, s.load, ['load'])}` : ''}
  ${s.unload.length > 0 ? `<h4>${esc(pw(lang, 'unloadHere'))}</h4>${list(lang, s.unload, ['unload'])}` : ''}</div>`,
    )
    .join('')
  return `<section class="trip-parcels">${head}${scanBox(lang, ['load', 'unload'], box)}${stops}</section>`
}

export interface ConsignState {
  points: PostPointItem[]
  result: Consigned | null
  error: string | null
  busy: boolean
}

function consignForm(lang: Lang, own: string, c: ConsignState): string {
  const options = c.points
    .filter((p) => p.active && p.stopCode !== own)
    .map((p) => `<option value="${esc(p.stopCode)}">${esc(p.name)} (${esc(p.stopCode)})</option>`)
    .join('')
  const field = (name: string, word: ParcelWord, attrs = ''): string =>
    `<label>${esc(pw(lang, word))}<input name="${name}" ${attrs} required></label>`
  return `<section class="consign"><h2>${esc(pw(lang, 'consign'))}</h2>
<form class="consign-form">
  <label>${esc(pw(lang, 'to'))}<select name="toPoint" required>${options}</select></label>
  ${field('senderName', 'senderName', 'maxlength="40"')}${field('senderPhone', 'senderPhone', 'inputmode="tel" maxlength="20"')}
  ${field('recipientName', 'recipientName', 'maxlength="40"')}${field('recipientPhone', 'recipientPhone', 'inputmode="tel" maxlength="20"')}
  <label>${esc(pw(lang, 'size'))}<select name="sizeClass"><option>S</option><option>M</option><option>L</option></select></label>
  ${field('weightKg', 'weight', 'inputmode="decimal" type="number" step="0.1" min="0.1" max="500"')}
  <button class="big" ${c.busy ? 'disabled' : ''}>${esc(pw(lang, 'submitConsign'))}</button>
</form>
${c.result ? `<p class="banner ok" data-consigned="${esc(c.result.number)}">${esc(pw(lang, 'consigned', { number: c.result.number, fee: (c.result.feeFen / 100).toFixed(2) }))} <a class="label-link" href="${esc(c.result.labelUrl)}" target="_blank" rel="noopener">${esc(pw(lang, 'printLabel'))}</a></p>` : ''}
${c.error ? `<p class="error">${esc(c.error)}</p>` : ''}</section>`
}

/** The keeper's top bar: the page's language switch and sign-out, the post office's title. */
const keeperBar = (
  lang: Lang,
): string => `<header class="bar"><strong>${esc(lang === 'zh' ? '邮政点' : 'Post point')}</strong><span class="grow"></span>
  <button type="button" class="link" data-action="lang">${esc(t(lang, 'switchLang'))}</button><button type="button" class="link" data-action="sign-out">${esc(t(lang, 'signOut'))}</button></header>`

/** The keeper's phone page. */
export function keeperPage(
  lang: Lang,
  data: KeeperView | null,
  o: { error: string | null; box: ScanBoxState; consign: ConsignState },
): string {
  const bar = keeperBar(lang)
  if (!data)
    return `${bar}<main>${o.error ? `<p class="error">${esc(o.error)}</p>` : `<p class="loading">…</p>`}</main>`
  const collectForm = (p: ParcelLine): string =>
    `<form class="collect-form" data-number="${esc(p.number)}"><input name="pickupCode" inputmode="numeric" maxlength="6" placeholder="${esc(pw(lang, 'pickupCode'))}" required><input name="phoneLast4" inputmode="numeric" maxlength="4" placeholder="${esc(pw(lang, 'last4'))}" required><button class="small">${esc(pw(lang, 'collect'))}</button></form>`
  const when = (p: ParcelLine): string =>
    p.expectedTs ? `<small>${esc(pw(lang, 'expected', { time: clock(p.expectedTs) }))}</small>` : ''
  const due = (p: ParcelLine): string =>
    p.returnDueTs
      ? `<small>${esc(pw(lang, 'due', { time: `${p.returnDueTs.slice(5, 10)} ${clock(p.returnDueTs)}` }))}</small>`
      : ''
  const section = (id: string, word: ParcelWord, items: readonly ParcelLine[], html: string): string =>
    `<section class="keeper-list" data-list="${id}"><h2>${esc(pw(lang, word))} <small>${items.length}</small></h2>${html}</section>`
  return `${bar}<main class="keeper">
<h1>${esc(pw(lang, 'keeperTitle', { name: data.point.name }))} <small>${esc(data.point.code)} · ${esc(data.point.hours)}</small></h1>
${scanBox(lang, ['unload', 'load'], o.box)}
${section('dueIn', 'dueIn', data.dueIn, list(lang, data.dueIn, ['unload'], when))}
${section(
  'waiting',
  'waiting',
  data.waiting,
  list(lang, data.waiting, [], (p) => due(p) + collectForm(p)),
)}
${section(
  'overdue',
  'overdue',
  data.overdue,
  list(lang, data.overdue, ['return'], (p) => due(p) + collectForm(p)),
)}
${section(
  'toSend',
  'toSend',
  data.toSend,
  list(lang, data.toSend, ['load'], (p) =>
    p.departureTs ? `<small>${esc(clock(p.departureTs))} ${esc(p.routeName ?? '')}</small>` : '',
  ),
)}
${consignForm(lang, data.point.code, o.consign)}
</main>`
}
