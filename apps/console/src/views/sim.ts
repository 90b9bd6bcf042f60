/**
 * Simulated fleets: the scenarios the server can run, start and stop (operators), the running
 * fleet's figures; its buses are on the map behind the panel.
 */
import { api } from '../api.js'
import type { Ctx, View } from '../context.js'
import { action, clear, field, h } from '../ui/dom.js'
import { t, type MessageKey } from '../i18n/index.js'

interface Run {
  name: string
  startedAt: string
  state: string
  error: string | null
  stats: Record<string, unknown> | null
}
interface SimStatus {
  run: Run | null
  scenarios: string[]
}

const num = (v: unknown): string =>
  typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(1)) : '—'
const SIM_STATES: Record<string, MessageKey> = {
  starting: 'starting',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  finished: 'finished',
  failed: 'failed',
}

function mount(el: HTMLElement, ctx: Ctx): () => void {
  const operator = ctx.can(['operator'])
  const runBox = h('div', { class: 'sim-run' })
  const list = h('div', { class: 'sim-scenarios' })
  const status = h('p', { class: 'status' })
  const speed = h('input', { type: 'number', min: '1', max: '60', value: '20', name: 'speed' })
  const vehicles = h('input', { type: 'number', min: '1', max: '5000', value: '20', name: 'vehicles' })
  const timetable = h('button', null, t("Run today's timetable"))
  const stopBtn = h('button', { class: 'danger stop' }, t('Stop (simulation)'))
  el.append(
    h(
      'aside',
      { class: 'panel side sim-panel' },
      h('h2', null, t('Simulated fleet')),
      runBox,
      operator
        ? h('div', { class: 'row' }, field(t('Speed-up ×'), speed), stopBtn)
        : h('p', { class: 'muted' }, t('Operators start and stop simulated fleets.')),
      h('h3', null, t('Scenarios')),
      list,
      operator ? h('div', { class: 'row' }, field(t('Vehicles'), vehicles), timetable) : null,
      status,
    ),
  )

  // The whole county in view: where the simulated buses run.
  ctx.map.fitTo(ctx.network.home)
  let current: SimStatus | null = null
  const render = (): void => {
    if (!current) return
    const r = current.run
    const stats = r?.stats ?? {}
    const active = r?.state === 'running' || r?.state === 'starting'
    clear(
      runBox,
      r
        ? h(
            'div',
            { class: 'card', dataset: { state: r.state } },
            h('b', { class: 'sim-name' }, r.name),
            ' ',
            h(
              'span',
              { class: `tag ${active ? 'running' : ''} sim-state`, dataset: { state: r.state } },
              SIM_STATES[r.state] ? t(SIM_STATES[r.state]!) : r.state,
            ),
            h(
              'div',
              { class: 'kv' },
              h('span', null, t('Vehicles running')),
              h('b', { dataset: { k: 'running' } }, `${num(stats.running)} / ${num(stats.vehicles)}`),
            ),
            h(
              'div',
              { class: 'kv' },
              h('span', null, t('Points sent / acknowledged')),
              h('b', { dataset: { k: 'points' } }, `${num(stats.pointsSent)} / ${num(stats.acked)}`),
            ),
            h(
              'div',
              { class: 'kv' },
              h('span', null, t('Rate')),
              h('b', null, t('{n} /s', { n: num(stats.ratePerS) })),
            ),
            r.error ? h('p', { class: 'status error' }, r.error) : null,
            Array.isArray(stats.warnings)
              ? (stats.warnings as string[]).map((w) => h('p', { class: 'muted' }, w))
              : null,
          )
        : h('p', { class: 'muted' }, t('No simulated fleet is running.')),
    )
    stopBtn.disabled = !active
    clear(
      list,
      current.scenarios.map((name) => {
        const start = h(
          'button',
          { class: 'primary', dataset: { scenario: name }, disabled: !operator || active, title: name },
          t('Start'),
        )
        action(start, status, async () => {
          await api.post('/api/sim/start', { scenario: name, speed: Number(speed.value) })
          await refresh()
          return t('{name} started', { name })
        })
        return h('div', { class: 'row scenario' }, h('span', null, name), start)
      }),
    )
    timetable.disabled = active
  }
  const refresh = async (): Promise<void> => {
    current = await api.get<SimStatus>('/api/sim')
    render()
  }
  action(stopBtn, status, async () => {
    await api.post('/api/sim/stop')
    await refresh()
    return t('stopped')
  })
  action(timetable, status, async () => {
    await api.post('/api/sim/start', { vehicles: Number(vehicles.value), speed: Number(speed.value) })
    await refresh()
    return t('timetable started')
  })
  void refresh().catch((err: Error) => (status.textContent = err.message))
  const timer = setInterval(() => void refresh().catch(() => {}), 2000)
  return () => clearInterval(timer)
}

export const simView: View = { path: 'sim', title: 'Simulator', roles: ['dispatcher', 'operator'], map: true, mount }
