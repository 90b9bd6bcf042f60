/**
 * The driver's duty (排班) for today and tomorrow, from `GET /api/driver/duties?days=2`: which bus,
 * which trips in order with their times and headsigns, or that the roster is not published yet.
 * Pure markup like views.ts; every interpolated value is escaped.
 */
import type { DutyView, RosterTrip } from '@rb/domain'
import { clock, t } from './i18n.js'
import type { Lang } from './model.js'
import { esc, type Day } from './views.js'

/** A trip of a duty and a duty, as the roster API answers them (types of @rb/domain). */
export type DutyTrip = RosterTrip
export type DriverDuty = DutyView

export interface DutyDay {
  date: string
  published: boolean
  /** The first duty of the day. */
  duty: DriverDuty | null
  /** Every duty of the driver that day, in order (usually one); none while not published. */
  duties: DriverDuty[]
  /** The first duty's bus. */
  vehicle: { id: string; plate: string; seats: number } | null
}

export interface DriverDuties {
  days: DutyDay[]
}

const hm = (ts: number): string => clock(new Date(ts).toISOString())

/** `5 h 20 min` / `5小时20分` from minutes. */
function hours(lang: Lang, min: number): string {
  const h = Math.floor(min / 60)
  const m = Math.round(min % 60)
  return lang === 'zh'
    ? `${h > 0 ? `${h}小时` : ''}${m > 0 || h === 0 ? `${m}分` : ''}`
    : [h > 0 ? `${h} h` : '', m > 0 || h === 0 ? `${m} min` : ''].filter(Boolean).join(' ')
}

function tripLine(lang: Lang, x: DutyTrip): string {
  return `<li class="${x.status === 'cancelled' ? 'cancelled' : ''}" data-trip="${esc(x.instanceId)}"><span class="time">${esc(hm(x.departureTs))}</span>
  <span><b>${esc(x.headsign)}</b> <small>${esc(x.routeName)} · ${esc(hm(x.departureTs))}–${esc(hm(x.endTs))}${x.status === 'cancelled' ? ` · ${esc(t(lang, 'cancelled'))}` : ''}</small></span></li>`
}

function dutyCard(lang: Lang, d: DutyDay, dayWord: string, open: boolean): string {
  const head = `${esc(t(lang, 'dutyOf', { day: dayWord }))} <small>${esc(d.date.slice(5))}</small>`
  if (!d.published)
    return `<section class="duty pending" data-date="${esc(d.date)}" data-published="no"><h2>${head}</h2><p>${esc(t(lang, 'dutyNotPublished', { day: dayWord }))}</p></section>`
  const duties = d.duties
  const first = duties[0]
  if (!first)
    return `<section class="duty none" data-date="${esc(d.date)}" data-published="yes"><h2>${head}</h2><p>${esc(t(lang, 'dutyNone', { day: dayWord }))}</p></section>`
  const bus =
    d.vehicle && d.vehicle.id === first.vehicleId
      ? `<b>${esc(d.vehicle.plate)}</b> <small>${esc(d.vehicle.id)} · ${esc(t(lang, 'seatsOf', { n: d.vehicle.seats }))}</small>`
      : `<b>${esc(first.vehicleId)}</b>`
  const running = duties.flatMap((x) => x.trips).filter((x) => x.status === 'scheduled')
  const span =
    running.length > 0
      ? `${hm(Math.min(...running.map((x) => x.departureTs)))}–${hm(Math.max(...running.map((x) => x.endTs)))}`
      : ''
  const drivingMin = duties.reduce((sum, x) => sum + x.drivingMin, 0)
  const summary = [
    t(lang, 'dutyTrips', { n: running.length }),
    span,
    t(lang, 'dutyDriving', { time: hours(lang, drivingMin) }),
  ]
    .filter(Boolean)
    .join(' · ')
  // A second duty the same day (another bus) is listed under its vehicle number.
  const body = duties
    .map(
      (duty, i) =>
        `${i > 0 ? `<h3 class="duty-more">${esc(duty.vehicleId)}</h3>` : ''}${duty.note ? `<p class="duty-note">${esc(duty.note)}</p>` : ''}<ol class="duty-trips" data-duty="${esc(duty.id)}">${duty.trips.map((x) => tripLine(lang, x)).join('')}</ol>`,
    )
    .join('')
  return `<details class="duty" data-date="${esc(d.date)}" data-published="yes" data-duty="${esc(first.id)}"${open ? ' open' : ''}>
<summary><h2>${head}</h2><span class="duty-bus">${bus}</span><span class="duty-sum">${esc(summary)}</span></summary>
${body}
</details>`
}

/**
 * Today's and tomorrow's duty above the trips list, the day on screen unfolded. `today` is the
 * service day the server calls today (else the first day sent). Nothing while loading; a failure
 * in a line.
 */
export function dutyCards(
  lang: Lang,
  data: DriverDuties | null,
  opts: { today: string | null; open: Day; error: string | null },
): string {
  if (opts.error) return `<p class="error duty-error" role="alert">${esc(opts.error)}</p>`
  if (!data || data.days.length === 0) return ''
  const cards = data.days.slice(0, 2).map((d, i) => {
    const day: Day = (opts.today ? d.date === opts.today : i === 0) ? 'today' : 'tomorrow'
    return dutyCard(lang, d, t(lang, day), day === opts.open)
  })
  return `<div class="duties">${cards.join('')}</div>`
}
