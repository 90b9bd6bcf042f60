/**
 * "I am driving XY-V012": which bus the signed-in driver is at the wheel of now (as the bus's card
 * reader or this page last said, `GET /api/driver/vehicle`), a field to name another — picked from
 * the active buses or typed, pre-filled with the bus of their current or next trip — and a button
 * to leave it. Pure markup like views.ts; every interpolated value is escaped.
 */
import { t, type Word } from './i18n.js'
import type { DriverTrip, DriverVehicleView, Lang, OnBoardSource } from './model.js'
import { esc } from './views.js'

const SOURCE_WORDS: Record<OnBoardSource, Word> = { card: 'sourceCard', app: 'sourceApp', device: 'sourceDevice' }

/** The bus of the trip under way now, else of the next one today; null when no trip names a bus. */
export function suggestedVehicle(trips: readonly DriverTrip[], now: number): string | null {
  const live = trips
    .filter((x) => x.status !== 'cancelled' && x.vehicleId !== null && Date.parse(x.arrival) >= now)
    .sort((a, b) => Date.parse(a.departure) - Date.parse(b.departure))
  return live[0]?.vehicleId ?? null
}

/** `xy-v 012` → `XY-V012`: a number typed on a phone keyboard. */
export const normaliseVehicleId = (typed: string): string => typed.trim().toUpperCase().replace(/\s+/g, '')

export interface DrivingOptions {
  /** What the field shows: what the driver typed, else the suggestion. */
  input: string
  busy: boolean
  error: string | null
}

export function drivingCard(lang: Lang, data: DriverVehicleView | null, o: DrivingOptions): string {
  if (!data)
    return o.error
      ? `<section class="driving" data-driving="error"><p class="error" role="alert">${esc(o.error)}</p></section>`
      : ''
  const cur = data.current
  const disabled = o.busy ? ' disabled' : ''
  const now = cur
    ? `<p class="driving-now" data-current="${esc(cur.vehicleId)}">${esc(t(lang, 'drivingNow', { vehicle: cur.vehicleId }))}${cur.plate ? ` <small>${esc(cur.plate)}</small>` : ''}
  <small class="driving-source">${esc(t(lang, 'drivingSource', { source: t(lang, SOURCE_WORDS[cur.source]) }))}</small></p>
  <button type="button" class="mark undo" data-action="sign-off-bus"${disabled}>${esc(t(lang, 'drivingOff'))}</button>`
    : `<p class="driving-now" data-current="">${esc(t(lang, 'drivingNone'))}</p>`
  const options = data.vehicles.map((v) => `<option value="${esc(v.id)}">${esc(v.plate)}</option>`).join('')
  return `<section class="driving" data-driving="${cur ? 'on' : 'off'}">
<h2>${esc(t(lang, 'drivingTitle'))}</h2>
${now}
<form class="driving-form" autocomplete="off">
  <label>${esc(t(lang, 'drivingPick'))}<input name="vehicleId" list="rb-vehicles" value="${esc(o.input)}" placeholder="XY-V012" autocapitalize="characters" required></label>
  <datalist id="rb-vehicles">${options}</datalist>
  <button type="submit" class="big"${disabled}>${esc(t(lang, 'drivingGo'))}</button>
</form>
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
</section>`
}
