/**
 * The school's view of its buses (`#/school`): today's runs live — where each bus is along its
 * stops, who boarded, who got off, a pupil left on board — the pupils not boarded on the morning
 * runs, the term report per class (rides, absences, late arrivals), and the roster: import from
 * the template (all rows or none, problems by line), add, edit, delete. A school account sees its
 * own school; dispatchers pick one. Runs and absentees are read again every ten seconds.
 */
import type { LiveRun } from '@rb/domain'
import { api, ApiError, qs } from '../api.js'
import type { View } from '../context.js'
import { t, type MessageKey } from '../i18n/index.js'
import { clear, h, table } from '../ui/dom.js'
import { clock } from '../ui/format.js'
import './school.css'

interface School {
  id: string
  name: string
  classesStart: string
  termStart: string
  termEnd: string
}
type Run = LiveRun
interface Absentee {
  pupilId: number
  name: string
  className: string
  board: string
  why: 'marked_absent' | 'not_boarded'
}
interface Pupil {
  id: number
  pupilNo: string
  name: string
  className: string
  routeId: string
  guardians: { name: string; phone: string; sms: boolean }[]
  cells: Record<string, string>
}
type Tab = 'live' | 'absent' | 'report' | 'roster'

/** The roster's columns as the pupil form shows them (the import template's columns, in the catalogue's words). */
const COLUMNS: [key: string, label: MessageKey][] = [
  ['pupilNo', 'Pupil no.'],
  ['name', 'Name'],
  ['className', 'Class'],
  ['route', 'Route'],
  ['morningBoard', 'Morning: boards at'],
  ['morningAlight', 'Morning: gets off at'],
  ['afternoonBoard', 'Afternoon: boards at'],
  ['afternoonAlight', 'Afternoon: gets off at'],
  ['days', 'Days'],
  ['guardian1', 'Guardian 1'],
  ['phone1', 'Phone 1'],
  ['sms1', 'SMS 1'],
  ['guardian2', 'Guardian 2'],
  ['phone2', 'Phone 2'],
  ['sms2', 'SMS 2'],
]
const REFRESH_MS = 10_000

export const schoolView: View = {
  path: 'school',
  title: 'School buses',
  roles: ['school', 'dispatcher', 'operator'],
  map: false,
  mount(el, ctx, params) {
    let schools: School[] = []
    let school: School | null = null
    let tab: Tab = (['live', 'absent', 'report', 'roster'] as const).find((x) => x === params.get('tab')) ?? 'live'
    let reportClass = ''
    let timer: ReturnType<typeof setInterval> | undefined
    let disposed = false
    const stopName = (code: string): string => ctx.network.stops.find((s) => s.code === code)?.name ?? code
    const picker = h('select', { name: 'school', attrs: { 'aria-label': t('School') } })
    const tabs = h('nav', { class: 'tabs school-tabs' })
    const body = h('div', { class: 'school-body' })
    clear(
      el,
      h(
        'div',
        { class: 'page school-page' },
        h('header', { class: 'school-head' }, h('h1', null, t('School buses')), picker),
        tabs,
        body,
      ),
    )

    picker.addEventListener('change', () => {
      school = schools.find((s) => s.id === picker.value) ?? null
      void show()
    })

    function renderTabs(): void {
      const names: [Tab, string][] = [
        ['live', t("Today's runs")],
        ['absent', t('Absentees')],
        ['report', t('Term report')],
        ['roster', t('Pupil roster')],
      ]
      clear(
        tabs,
        names.map(([k, label]) => {
          const b = h('button', { type: 'button', class: k === tab ? 'on' : '', dataset: { tab: k } }, label)
          b.addEventListener('click', () => {
            tab = k
            void show()
          })
          return b
        }),
      )
    }

    async function show(): Promise<void> {
      renderTabs()
      clearInterval(timer)
      if (!school) return
      const id = school.id
      try {
        if (tab === 'live' || tab === 'absent') {
          await (tab === 'live' ? renderLive(id) : renderAbsent(id))
          timer = setInterval(
            () => void (tab === 'live' ? renderLive(id) : renderAbsent(id)).catch(() => {}),
            REFRESH_MS,
          )
        } else if (tab === 'report') await renderReport(id)
        else await renderRoster(id)
      } catch (err) {
        clear(body, h('p', { class: 'error' }, (err as Error).message))
      }
    }

    // ── Today's runs ──

    function runCard(r: Run): HTMLElement {
      const over = r.end.endedTs !== null
      const state = over ? t('Run over') : r.live ? t('On the way') : t('Not started')
      const delay =
        r.live?.delayS != null
          ? Math.abs(r.live.delayS) < 60
            ? t('on time')
            : r.live.delayS > 0
              ? t('{n} min late', { n: Math.round(r.live.delayS / 60) })
              : ''
          : ''
      const nextStop = r.live?.nextStop
      const next = nextStop
        ? nextStop.etaTs !== null
          ? t('next stop {stop} at {time}', { stop: stopName(nextStop.stopCode), time: clock(nextStop.etaTs) })
          : t('next stop {stop}', { stop: stopName(nextStop.stopCode) })
        : ''
      const departed = new Set(r.departed)
      const nextCode = r.live?.nextStop?.stopCode
      const strip = h(
        'ol',
        { class: 'run-strip' },
        r.stops.map((s) => {
          const where = departed.has(s.stopCode) ? 'passed' : s.stopCode === nextCode ? 'next' : ''
          return h(
            'li',
            { class: where, dataset: { stop: s.stopCode } },
            h('i', { class: 'dot' }),
            s.stopCode === nextCode
              ? h(
                  'b',
                  { class: 'bus', attrs: { 'aria-label': t('Bus {plate}', { plate: r.trip.plate ?? '' }) } },
                  t('bus (mark on the strip)'),
                )
              : null,
            h('span', null, s.stopName),
            h('small', null, clock(s.arrivalTs)),
          )
        }),
      )
      const people = r.stops
        .flatMap((s) => s.boarding)
        .map((e) =>
          h(
            'span',
            {
              class: `kid ${e.status ?? 'waiting'}`,
              dataset: { pupil: String(e.pupilId), status: e.status ?? '' },
              title: stopName(e.board),
            },
            e.name,
          ),
        )
      const others = r.others.map((o) => h('span', { class: `kid ${o.status ?? 'waiting'} extra` }, o.name))
      const leftNames = [...r.stops.flatMap((s) => s.alighting), ...r.others]
        .filter((e) => e.status === 'boarded')
        .map((e) => e.name)
        .join(t(', '))
      const alarm =
        r.end.alertId && !r.end.confirmedBy
          ? h(
              'p',
              { class: 'run-alarm', attrs: { role: 'alert' } },
              t('A pupil was left on the bus: {names}', { names: leftNames }),
            )
          : r.end.confirmedBy
            ? h(
                'p',
                { class: 'run-ok' },
                t('The driver confirmed the bus empty ({by} {time})', {
                  by: r.end.confirmedBy,
                  time: clock(r.end.confirmedTs),
                }),
              )
            : null
      const c = r.counts
      return h(
        'article',
        { class: `run-card${over ? ' over' : ''}`, dataset: { run: r.trip.id } },
        h(
          'header',
          null,
          h('strong', null, `${clock(r.trip.departureTs)} ${r.trip.routeName}`),
          r.trip.period ? h('em', { class: 'badge' }, t(r.trip.period === 'morning' ? 'to school' : 'home')) : null,
          h(
            'span',
            { class: 'run-bus' },
            r.trip.plate ? t('Bus {plate}', { plate: r.trip.plate }) : t('no bus assigned'),
          ),
          h(
            'span',
            { class: `run-state ${over ? 'over' : r.live ? 'moving' : ''}`, dataset: { k: 'state' } },
            [state, delay].filter(Boolean).join(' · '),
          ),
        ),
        next ? h('p', { class: 'run-next' }, next) : null,
        strip,
        alarm,
        h(
          'p',
          { class: 'run-counts', dataset: { k: 'counts' } },
          t('Expected {expected} · on board {onBoard} · got off {alighted} · absent {absent}', {
            expected: c.expected,
            onBoard: c.onBoard,
            alighted: c.alighted,
            absent: c.absent,
          }),
        ),
        h('div', { class: 'kids' }, people, others),
      )
    }

    async function renderLive(id: string): Promise<void> {
      const r = await api.get<{ runs: Run[] }>(`/api/schools/${encodeURIComponent(id)}/live`)
      if (disposed || tab !== 'live' || school?.id !== id) return
      clear(
        body,
        r.runs.length === 0
          ? h('p', { class: 'empty' }, t('No runs of this school today.'))
          : h('div', { class: 'runs' }, r.runs.map(runCard)),
      )
    }

    // ── Absentees ──

    async function renderAbsent(id: string): Promise<void> {
      const r = await api.get<{ date: string; items: Absentee[] }>(`/api/schools/${encodeURIComponent(id)}/absentees`)
      if (disposed || tab !== 'absent' || school?.id !== id) return
      clear(
        body,
        h(
          'p',
          { class: 'hint' },
          t(
            "Pupils not boarded on today's morning runs: marked absent by the driver, or the bus left their stop without them.",
          ),
        ),
        r.items.length === 0
          ? h('p', { class: 'empty' }, t('Nobody missing so far.'))
          : table(
              [t('Class'), t('Name'), t('Route'), ''],
              r.items,
              (a) => [
                a.className,
                a.name,
                stopName(a.board),
                t(a.why === 'marked_absent' ? 'Marked absent' : 'Not boarded'),
              ],
              { rowId: (a) => String(a.pupilId) },
            ),
      )
    }

    // ── Term report ──

    async function renderReport(id: string): Promise<void> {
      const r = await api.get<{
        term: { start: string; end: string }
        classes: string[]
        items: {
          pupilId: number
          pupilNo: string
          name: string
          className: string
          expected: number
          rides: number
          absences: number
          late: number
        }[]
      }>(`/api/schools/${encodeURIComponent(id)}/report${qs({ class: reportClass })}`)
      const pick = h(
        'select',
        { name: 'class' },
        h('option', { value: '' }, t('All classes')),
        r.classes.map((c) => h('option', { value: c, selected: c === reportClass }, c)),
      )
      pick.addEventListener('change', () => {
        reportClass = pick.value
        void renderReport(id)
      })
      clear(
        body,
        h(
          'div',
          { class: 'toolbar' },
          h('label', null, `${t('Class')} `, pick),
          h(
            'span',
            { class: 'hint' },
            t('Term {start} – {end}, up to today.', { start: r.term.start, end: r.term.end }),
          ),
        ),
        table(
          [t('Class'), t('Pupil no.'), t('Name'), t('Expected'), t('Rides'), t('Absences'), t('Late arrivals')],
          r.items,
          (x) => [x.className, x.pupilNo, x.name, x.expected, x.rides, x.absences || '', x.late || ''],
          { rowId: (x) => String(x.pupilId) },
        ),
      )
    }

    // ── Roster ──

    function pupilForm(id: string, pupil: Pupil | null, done: () => void): HTMLFormElement {
      const form = h(
        'form',
        { class: 'pupil-form' },
        COLUMNS.map(([k, label]) => h('label', null, t(label), h('input', { name: k, value: pupil?.cells[k] ?? '' }))),
      )
      const status = h('p', { class: 'error', hidden: true })
      const cancel = h('button', { type: 'button' }, t('Cancel'))
      cancel.addEventListener('click', done)
      form.append(
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('Save')), cancel),
        status,
      )
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        const cells = Object.fromEntries(
          COLUMNS.map(([k]) => [k, (form.elements.namedItem(k) as HTMLInputElement).value]),
        )
        const save = pupil
          ? api.put(`/api/schools/${encodeURIComponent(id)}/pupils/${pupil.id}`, cells)
          : api.post(`/api/schools/${encodeURIComponent(id)}/pupils`, cells)
        save.then(done, (err: Error) => {
          status.hidden = false
          status.textContent = err.message
        })
      })
      return form
    }

    async function renderRoster(id: string): Promise<void> {
      const r = await api.get<{ items: Pupil[] }>(`/api/schools/${encodeURIComponent(id)}/pupils`)
      if (disposed || tab !== 'roster' || school?.id !== id) return
      const file = h('input', {
        type: 'file',
        name: 'file',
        accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      })
      const replace = h('input', { type: 'checkbox', name: 'replace' })
      const result = h('div', { class: 'import-result', attrs: { 'aria-live': 'polite' } })
      const importForm = h(
        'form',
        { class: 'import-form' },
        h('h2', null, t('Import a roster')),
        h(
          'p',
          { class: 'hint' },
          t(
            "CSV (UTF-8) or Excel (.xlsx) with the template's columns. Every row is checked first; if any row is wrong, nothing is imported and each problem is listed with its line.",
          ),
        ),
        h(
          'p',
          null,
          h('a', { href: '/api/schools/roster-template?format=xlsx' }, t('Template (Excel)')),
          ' · ',
          h('a', { href: '/api/schools/roster-template?format=csv' }, t('Template (CSV)')),
        ),
        file,
        h('label', null, replace, ` ${t('Also remove pupils missing from the file')}`),
        h('button', { type: 'submit', class: 'primary' }, t('Import')),
        result,
      )
      importForm.addEventListener('submit', (e) => {
        e.preventDefault()
        const f = file.files?.[0]
        if (!f) return
        const type = /\.xlsx$/i.test(f.name)
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv'
        api
          .upload<{ added: number; updated: number; removed: number }>(
            `/api/schools/${encodeURIComponent(id)}/roster${qs({ replace: replace.checked || undefined })}`,
            f,
            type,
          )
          .then(
            (x) => {
              void renderRoster(id).then(() =>
                body
                  .querySelector('.import-result')
                  ?.replaceChildren(
                    h('p', { class: 'ok' }, t('Imported: {added} added, {updated} updated, {removed} removed.', x)),
                  ),
              )
            },
            (err: Error) => {
              const errors =
                err instanceof ApiError
                  ? ((err.details as { errors?: { line: number; field: string | null; message: string }[] } | undefined)
                      ?.errors ?? [])
                  : []
              clear(
                result,
                h('p', { class: 'error' }, err.message),
                errors.length
                  ? h(
                      'ul',
                      { class: 'row-errors' },
                      errors.map((x) =>
                        h(
                          'li',
                          null,
                          h('b', null, t('line {line}', { line: x.line })),
                          x.field ? ` · ${x.field}` : '',
                          ` · ${x.message}`,
                        ),
                      ),
                    )
                  : null,
              )
            },
          )
      })
      const editor = h('div', { class: 'pupil-editor' })
      const add = h('button', { type: 'button' }, t('Add a pupil'))
      add.addEventListener('click', () =>
        clear(
          editor,
          pupilForm(id, null, () => void renderRoster(id)),
        ),
      )
      const rows = table(
        [
          t('Class'),
          t('Pupil no.'),
          t('Name'),
          t('Route'),
          t('Morning: on – off'),
          t('Afternoon: on – off'),
          t('Days'),
          t('Guardians'),
          '',
        ],
        r.items,
        (p) => {
          const edit = h('button', { type: 'button', class: 'quiet' }, t('Edit'))
          edit.addEventListener('click', () =>
            clear(
              editor,
              pupilForm(id, p, () => void renderRoster(id)),
            ),
          )
          const del = h('button', { type: 'button', class: 'quiet danger' }, t('Delete'))
          del.addEventListener('click', () => {
            if (confirm(t('Delete {name} from the roster?', { name: p.name })))
              void api.del(`/api/schools/${encodeURIComponent(id)}/pupils/${p.id}`).then(() => renderRoster(id))
          })
          const c = p.cells
          return [
            p.className,
            p.pupilNo,
            p.name,
            p.routeId,
            c.morningBoard ? `${stopName(c.morningBoard)} – ${stopName(c.morningAlight ?? '')}` : '—',
            c.afternoonBoard ? `${stopName(c.afternoonBoard)} – ${stopName(c.afternoonAlight ?? '')}` : '—',
            c.days ?? '',
            p.guardians.map((g) => `${g.name} ${g.phone}${g.sms ? ' ✉' : ''}`).join(t('; ')),
            h('span', { class: 'row-actions' }, edit, del),
          ]
        },
        { rowId: (p) => String(p.id) },
      )
      clear(
        body,
        h(
          'p',
          { class: 'hint' },
          `${t('{n} pupils', { n: r.items.length })} · ${t('Every read of this roster is recorded in the audit log.')}`,
        ),
        h('div', { class: 'toolbar' }, add),
        editor,
        rows,
        importForm,
        ctx.can(['admin']) ? staffForm(id) : null,
      )
    }

    /** An admin links a `school` account to this school. */
    function staffForm(id: string): HTMLFormElement {
      const username = h('input', { name: 'username', required: true })
      const status = h('p', { class: 'hint' })
      const form = h(
        'form',
        { class: 'import-form staff-form' },
        h('h2', null, t('Staff account')),
        h(
          'p',
          { class: 'hint' },
          t('Link a school account (role school) to this school: it then sees this school only.'),
        ),
        username,
        h('button', { type: 'submit', class: 'primary' }, t('Link')),
        status,
      )
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        api.post(`/api/schools/${encodeURIComponent(id)}/staff`, { username: username.value.trim() }).then(
          () => (status.textContent = t('Linked {username}.', { username: username.value.trim() })),
          (err: Error) => (status.textContent = err.message),
        )
      })
      return form
    }

    void (async () => {
      schools = (await api.get<{ items: School[] }>('/api/schools')).items
      if (disposed) return
      clear(
        picker,
        schools.map((s) => h('option', { value: s.id }, s.name)),
      )
      picker.hidden = schools.length <= 1
      school = schools.find((s) => s.id === params.get('id')) ?? schools[0] ?? null
      if (school) picker.value = school.id
      await show()
    })().catch((err: Error) => clear(body, h('p', { class: 'error' }, err.message)))

    return () => {
      disposed = true
      clearInterval(timer)
    }
  },
}
