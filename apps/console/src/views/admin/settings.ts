/**
 * Admin: the county's settings — the lateness policy (how early or late a bus may be and still be
 * on time, one rule for the console, the villager page and the reports), how long after departure
 * a trip with no bus is "not run", and the daily driving limit. The server checks the values; its
 * messages are shown as they come.
 */
import { api, ApiError } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { clear, field, h } from '../../ui/dom.js'

/** GET/PUT /api/settings. */
export interface CountySettings {
  lateness: { earlyS: number; lateS: number }
  missedGraceS: number
  dailyDrivingLimitMin: number
}

/** Form minutes ↔ the API's seconds; null when a field is empty or not a number. */
const minutes = (s: number): string => String(Math.round((s / 60) * 100) / 100)
const seconds = (min: string): number | null => (min.trim() === '' || !Number.isFinite(Number(min)) ? null : Math.round(Number(min) * 60))

/** The server's refusal in words: its message, and each detail it names (field → problem). */
export function refusalText(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [(err as Error).message]
  const out = [err.message]
  const d = err.details
  if (Array.isArray(d)) for (const x of d) out.push(typeof x === 'string' ? x : JSON.stringify(x))
  else if (d && typeof d === 'object') for (const [k, v] of Object.entries(d)) out.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return out
}

function mount(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['admin'])
  const input = (name: string, step: string): HTMLInputElement => h('input', { type: 'number', name, step, min: '0', required: true, disabled: !canEdit })
  const early = input('earlyMin', '0.5')
  const late = input('lateMin', '0.5')
  const grace = input('missedGraceMin', '1')
  const limit = input('dailyDrivingLimitMin', '10')
  const save = h('button', { class: 'primary save', type: 'submit', disabled: !canEdit }, 'Save 保存')
  const status = h('div', { class: 'status', attrs: { role: 'status' } })
  const form = h(
    'form',
    { class: 'card settings' },
    h('h2', null, 'Lateness 准点标准'),
    h('p', { class: 'muted' }, 'A bus is on time from this much early to this much late, at every stop; outside it is early or late — on the map, the trip board, the villager page and the reports.'),
    h('div', { class: 'row' }, field('Early: more than (min) ahead 早点', early), field('Late: more than (min) behind 晚点', late)),
    h('h2', null, 'Missed trips 未开行'),
    h('div', { class: 'row' }, field('A trip with no bus is "not run" this long after its departure (min)', grace)),
    h('h2', null, 'Drivers 驾驶员'),
    h('div', { class: 'row' }, field('Daily driving limit (min)', limit, 'the roster and the driver page warn beyond it')),
    save,
    status,
  )
  el.append(h('div', { class: 'page' }, h('h1', null, 'County settings 县级设置'), form))

  const show = (s: CountySettings): void => {
    early.value = minutes(s.lateness.earlyS)
    late.value = minutes(s.lateness.lateS)
    grace.value = minutes(s.missedGraceS)
    limit.value = String(s.dailyDrivingLimitMin)
  }
  const say = (cls: string, lines: string[]): void => {
    status.className = `status ${cls}`
    clear(status, lines.map((l) => h('div', null, l)))
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const earlyS = seconds(early.value)
    const lateS = seconds(late.value)
    const missedGraceS = seconds(grace.value)
    const dailyDrivingLimitMin = limit.value.trim() === '' ? null : Number(limit.value)
    if (earlyS === null || lateS === null || missedGraceS === null || dailyDrivingLimitMin === null || !Number.isFinite(dailyDrivingLimitMin)) return say('error', ['fill in every field with a number'])
    save.disabled = true
    say('', ['…'])
    void api.put<CountySettings>('/api/settings', { lateness: { earlyS, lateS }, missedGraceS, dailyDrivingLimitMin }).then(
      (saved) => {
        show(saved)
        say('ok', ['saved; it applies from now on'])
      },
      (err: unknown) => say('error', refusalText(err)),
    ).finally(() => (save.disabled = !canEdit))
  })

  void api.get<CountySettings>('/api/settings').then(show, (err: unknown) => say('error', refusalText(err)))
}

export const settingsView: View = { path: 'admin/settings', title: 'County settings 县级设置', roles: ['admin'], map: false, mount }
