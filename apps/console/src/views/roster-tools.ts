/**
 * The roster board's day actions: generate the day from the weekly templates, copy another day's
 * duties, save this day as the weekly template, publish. Each shows its answer (or the server's
 * refusal, in its words) beside its own button.
 */
import { api } from '../api.js'
import { addDays, isoWeekday, type RosterDay } from '../roster-model.js'
import { action, h } from '../ui/dom.js'
import { clock, day as dayOf } from '../ui/format.js'

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']

export interface ToolsHost {
  /** The service day on the board. */
  date(): string
  /** Runs a change and redraws the board; a refusal is thrown as an Error with the server's words. */
  change(op: () => Promise<unknown>): Promise<void>
  canEdit: boolean
}

/** `el`: generate, copy and template; `publishEl`: publish, for beside the published state. */
export function rosterTools(host: ToolsHost): { el: HTMLElement; publishEl: HTMLElement; update(day: RosterDay | null): void } {
  const replace = h('input', { type: 'checkbox', name: 'replace' })
  const fill = h('input', { type: 'checkbox', name: 'fill', checked: true })
  /** Generates the day; the answer says what generation left out. */
  const generateDay = async (body: Record<string, unknown>): Promise<string> => {
    let warnings: string[] = []
    await host.change(async () => {
      const r = await api.post<{ warnings?: string[] }>('/api/roster/generate', { date: host.date(), replace: replace.checked, fill: fill.checked, ...body })
      warnings = r.warnings ?? []
    })
    return warnings.length > 0 ? `\n未排 left out:\n${warnings.join('\n')}` : ''
  }
  const generate = h('button', { type: 'button', class: 'generate' }, '按周模板生成 From weekly template')
  const generateStatus = h('p', { class: 'status' })
  action(generate, generateStatus, async () => `已按周模板生成 generated${await generateDay({ from: 'template' })}`)

  const source = h('input', { type: 'date', name: 'source', attrs: { 'aria-label': '复制自 copy from' } })
  let sourceTouched = false
  source.addEventListener('change', () => (sourceTouched = true))
  const copy = h('button', { type: 'button', class: 'copy' }, '复制 Copy')
  const copyStatus = h('p', { class: 'status' })
  action(copy, copyStatus, async () => {
    if (!source.value) throw new Error('选一天 choose the day to copy')
    return `已复制 ${source.value} copied${await generateDay({ from: 'copy', sourceDate: source.value })}`
  })

  const days = WEEKDAYS.map((w, i) => h('input', { type: 'checkbox', name: 'weekday', value: String(i + 1), attrs: { 'aria-label': `星期${w}` } }))
  const saveTemplate = h('button', { type: 'button', class: 'save-template' }, '存为周模板 Save as weekly template')
  const templateStatus = h('p', { class: 'status' })
  action(saveTemplate, templateStatus, async () => {
    const weekdays = days.filter((d) => d.checked).map((d) => Number(d.value))
    if (weekdays.length === 0) throw new Error('至少选一天 tick at least one weekday')
    const r = await api.post<{ items?: unknown[] } | unknown[]>('/api/roster/templates/from-day', { date: host.date(), weekdays })
    const n = Array.isArray(r) ? r.length : Array.isArray(r?.items) ? r.items.length : null
    return `已存为星期${weekdays.map((d) => WEEKDAYS[d - 1]).join('、')}的模板${n === null ? '' : `（${n} 个车组）`} saved`
  })

  const publish = h('button', { type: 'button', class: 'primary publish' }, '发布 Publish')
  const publishStatus = h('p', { class: 'status' })
  action(publish, publishStatus, async () => {
    await host.change(() => api.post('/api/roster/publish', { date: host.date() }))
    return '已发布，驾驶员可见 published: drivers see it'
  })

  for (const b of [generate, copy, saveTemplate, publish]) b.disabled = !host.canEdit
  const group = (cls: string, ...children: (Node | string)[]): HTMLElement => h('div', { class: `tool ${cls}` }, ...children)
  const el = h(
    'div',
    { class: 'roster-tools' },
    group('fill', h('div', { class: 'tool-row' }, generate, h('span', { class: 'muted' }, '或 or'), source, copy, h('label', { class: 'check', title: '其余班次由系统自动排 the planner places the trips still without a crew' }, fill, ' 自动补排 fill'), h('label', { class: 'check', title: '先删除当日已有车组 delete the day’s duties first' }, replace, ' 替换已有 replace')), generateStatus, copyStatus),
    group('template', h('div', { class: 'tool-row' }, h('span', { class: 'weekdays' }, days.map((d, i) => h('label', { class: 'check' }, d, WEEKDAYS[i] ?? ''))), saveTemplate), templateStatus),
  )
  const publishEl = group('publish', h('div', { class: 'tool-row' }, publish), publishStatus)

  let shown: string | null = null
  return {
    el,
    publishEl,
    update(day) {
      if (!day) return
      if (day.date !== shown) {
        // A new day: the answers were about the old one.
        shown = day.date
        for (const s of [generateStatus, copyStatus, templateStatus, publishStatus]) {
          s.textContent = ''
          s.className = 'status'
        }
        if (!sourceTouched) source.value = addDays(day.date, -1)
        for (const d of days) d.checked = Number(d.value) === isoWeekday(day.date)
      }
      publish.textContent = day.published ? '重新发布 Publish again' : '发布 Publish'
    },
  }
}

/** "已发布 Published 03-01 17:20" or "未发布 Not published". */
export function publishedBadge(day: RosterDay | null): HTMLElement {
  if (!day) return h('span', { class: 'published' })
  if (!day.published) return h('span', { class: 'published no', dataset: { published: 'no' } }, '未发布 Not published')
  const at = day.publishedAt === null ? '' : ` ${dayOf(day.publishedAt).slice(5)} ${clock(day.publishedAt)}`
  return h('span', { class: 'published yes', dataset: { published: 'yes' } }, `已发布 Published${at}`)
}
