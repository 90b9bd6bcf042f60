/**
 * The student-run screens as strings: the list of today's student runs (on the trips screen) and
 * one run's roll call per stop — one big tap for on, off or absent — with the taps still waiting
 * for a signal, riders added with a reason, and, when the run ended with a pupil on board, the
 * red notice that stays until the driver confirms the bus is empty.
 */
import { esc, topBar } from '../views.js'
import type { Lang } from '../model.js'
import type { OtherRider, PupilEntry, RunView, StudentRunSummary } from './model.js'
import { w } from './words.js'

const clock = (ts: number): string =>
  new Date(ts).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  })

/** The card on the trips screen: today's student runs, each opening its roll call. */
export function studentRunsCard(lang: Lang, runs: readonly StudentRunSummary[] | null): string {
  if (!runs || runs.length === 0) return ''
  const items = runs
    .map((r) => {
      const left = r.end.alertId && !r.end.confirmedBy
      return `<li><a class="srun${left ? ' alarm' : ''}" href="#/pupils/${encodeURIComponent(r.id)}" data-run="${esc(r.id)}">
  <span class="time">${esc(clock(r.departureTs))}</span>
  <span class="what"><b>${esc(r.routeName)}</b>${r.period ? ` <em class="badge">${esc(w(lang, r.period))}</em>` : ''}
    <small>${esc(w(lang, 'expected', { n: r.counts.expected }))} · ${esc(w(lang, 'onBoard', { n: r.counts.onBoard }))} · ${esc(w(lang, 'absentN', { n: r.counts.absent }))}</small>
    ${left ? `<strong class="left-note">${esc(w(lang, 'leftTitle'))}</strong>` : ''}
  </span></a></li>`
    })
    .join('')
  return `<section class="student-runs"><h2>${esc(w(lang, 'runsTitle'))}</h2><ul>${items}</ul></section>`
}

function statusBadge(lang: Lang, status: PupilEntry['status']): string {
  if (status === 'boarded') return `<em class="badge ok">${esc(w(lang, 'stBoarded'))}</em>`
  if (status === 'alighted') return `<em class="badge done">${esc(w(lang, 'stAlighted'))}</em>`
  if (status === 'absent') return `<em class="badge no">${esc(w(lang, 'stAbsent'))}</em>`
  return ''
}

const tapButton = (
  lang: Lang,
  e: { pupilId: number },
  to: string,
  cls: string,
  label: string,
  stop: string,
  busy: boolean,
): string =>
  `<button type="button" class="tap ${cls}" data-tap="${to}" data-pupil="${e.pupilId}" data-stop="${esc(stop)}"${busy ? ' disabled' : ''}>${esc(label)}</button>`

/** A pupil at the stop where they get on: 上车 / 缺席, or what was tapped with an undo. */
function boardRow(lang: Lang, e: PupilEntry, stop: string, busy: boolean): string {
  const buttons =
    e.status === null
      ? tapButton(lang, e, 'boarded', 'on', w(lang, 'board'), stop, busy) +
        tapButton(lang, e, 'absent', 'absent', w(lang, 'absent'), stop, busy)
      : e.status === 'boarded' || e.status === 'absent'
        ? tapButton(lang, e, 'none', 'undo', w(lang, 'undo'), stop, busy)
        : ''
  const where =
    e.status === 'boarded' && e.boardedStop && e.boardedStop !== stop
      ? ` <small>${esc(w(lang, 'elsewhere', { stop: e.boardedStop }))}</small>`
      : ''
  return `<li class="pupil ${e.status ?? 'waiting'}" data-pupil="${e.pupilId}" data-status="${e.status ?? ''}"><div class="who"><b>${esc(e.name)}</b> <small>${esc(e.className)}</small> ${statusBadge(lang, e.status)}${where}</div><div class="taps">${buttons}</div></li>`
}

/** A pupil at the stop where they get off: 下车 once on board. */
function alightRow(lang: Lang, e: PupilEntry, stop: string, busy: boolean): string {
  const buttons =
    e.status === 'boarded'
      ? tapButton(lang, e, 'alighted', 'off', w(lang, 'alight'), stop, busy)
      : e.status === 'alighted'
        ? tapButton(lang, e, 'boarded', 'undo', w(lang, 'undo'), stop, busy)
        : ''
  return `<li class="pupil ${e.status ?? 'waiting'}" data-pupil="${e.pupilId}" data-status="${e.status ?? ''}"><div class="who"><b>${esc(e.name)}</b> <small>${esc(e.className)}</small> ${statusBadge(lang, e.status)}</div><div class="taps">${buttons}</div></li>`
}

function otherRow(lang: Lang, o: OtherRider, lastStop: string, busy: boolean): string {
  const off =
    o.status === 'boarded'
      ? `<button type="button" class="tap off" data-tap="alighted" data-subject="${esc(o.subject)}" data-stop="${esc(lastStop)}"${busy ? ' disabled' : ''}>${esc(w(lang, 'alight'))}</button>`
      : ''
  return `<li class="pupil ${o.status ?? 'waiting'}" data-subject="${esc(o.subject)}"><div class="who"><b>${esc(o.name)}</b> ${o.className ? `<small>${esc(o.className)}</small>` : ''} ${statusBadge(lang, o.status)}${o.reason ? ` <small>${esc(o.reason)}</small>` : ''}</div><div class="taps">${off}</div></li>`
}

/** Who is still on board: expected pupils and riders added on the way. */
const onBoardNames = (v: RunView): string[] =>
  [...v.stops.flatMap((s) => s.alighting), ...v.others].filter((e) => e.status === 'boarded').map((e) => e.name)

export interface PupilsPageOpts {
  live: boolean | null
  error: string | null
  /** Taps waiting for the server. */
  pending: number
  syncing: boolean
  busy: boolean
  /** Pupils of the run's schools the driver may add at a stop (not expected there). */
  roster: { pupilId: number; name: string; className: string }[]
  /** The stop whose add form is open. */
  adding: string | null
  addError: string | null
}

export function pupilsPage(lang: Lang, v: RunView | null, o: PupilsPageOpts): string {
  const bar = topBar(lang, { back: true, signedIn: true, live: o.live })
  if (!v)
    return `${bar}<main>${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : '<p class="loading">…</p>'}</main>`
  const sync =
    o.pending > 0
      ? `<p class="banner sync" role="status" data-pending="${o.pending}">${esc(w(lang, o.syncing ? 'syncing' : 'pending', { n: o.pending }))}</p>`
      : ''
  const left =
    v.end.alertId && !v.end.confirmedBy
      ? `<section class="left-alarm" role="alert" aria-live="assertive"><h2>${esc(w(lang, 'leftTitle'))}</h2><p>${esc(w(lang, 'leftBody'))}</p><p class="left-names">${esc(onBoardNames(v).join('、'))}</p><button type="button" class="confirm-empty" data-action="confirm-empty"${o.busy ? ' disabled' : ''}>${esc(w(lang, 'confirmEmpty'))}</button></section>`
      : v.end.confirmedBy
        ? `<p class="banner ok">${esc(w(lang, 'confirmed', { by: v.end.confirmedBy, time: v.end.confirmedTs ? clock(v.end.confirmedTs) : '' }))}</p>`
        : ''
  const lastStop = v.stops.at(-1)?.stopCode ?? ''
  const stops = v.stops
    .map((s) => {
      const add =
        o.adding === s.stopCode
          ? `<form class="add-rider" data-stop="${esc(s.stopCode)}"><h3>${esc(w(lang, 'addTitle'))}</h3>
  <label>${esc(w(lang, 'addPupil'))}<select name="pupilId"><option value="">${esc(w(lang, 'addNew'))}</option>${o.roster.map((p) => `<option value="${p.pupilId}">${esc(p.name)} ${esc(p.className)}</option>`).join('')}</select></label>
  <label>${esc(w(lang, 'addName'))}<input name="name" maxlength="40"></label>
  <label>${esc(w(lang, 'addReason'))}<input name="reason" maxlength="200" required></label>
  ${o.addError ? `<p class="error" role="alert">${esc(o.addError)}</p>` : ''}
  <button type="submit" class="tap on">${esc(w(lang, 'addGo'))}</button></form>`
          : s.stopCode !== lastStop
            ? `<button type="button" class="link add-open" data-action="add-open" data-stop="${esc(s.stopCode)}">+ ${esc(w(lang, 'addTitle'))}</button>`
            : ''
      const quiet = s.boarding.length === 0 && s.alighting.length === 0
      return `<section class="pstop${quiet ? ' quiet' : ''}" data-stop="${esc(s.stopCode)}">
  <h2><span class="time">${esc(clock(s.arrivalTs))}</span> ${esc(s.stopName)}</h2>
  ${s.boarding.length ? `<h3>${esc(w(lang, 'boardHere'))}</h3><ul class="pupils">${s.boarding.map((e) => boardRow(lang, e, s.stopCode, o.busy)).join('')}</ul>` : ''}
  ${s.alighting.length ? `<h3>${esc(w(lang, 'alightHere'))}</h3><ul class="pupils">${s.alighting.map((e) => alightRow(lang, e, s.stopCode, o.busy)).join('')}</ul>` : ''}
  ${quiet ? `<p class="quiet-note">${esc(w(lang, 'nobody'))}</p>` : ''}
  ${add}
</section>`
    })
    .join('')
  const others = v.others.length
    ? `<section class="pstop others"><h2>${esc(w(lang, 'others'))}</h2><ul class="pupils">${v.others.map((x) => otherRow(lang, x, lastStop, o.busy)).join('')}</ul></section>`
    : ''
  const c = v.counts
  return `${bar}
<main class="pupils-run" data-run="${esc(v.trip.id)}">
<h1>${esc(w(lang, 'title', { time: clock(v.trip.departureTs), route: v.trip.routeName }))}${v.trip.period ? ` <em class="badge">${esc(w(lang, v.trip.period))}</em>` : ''}</h1>
<p class="summary" data-k="summary">${esc(w(lang, 'summary', { expected: c.expected, boarded: c.boarded + c.alighted, alighted: c.alighted, absent: c.absent, onBoard: c.onBoard }))}</p>
${left}${sync}${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
${stops}
${others}
</main>`
}
