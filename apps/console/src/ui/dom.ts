/** A tiny element builder: the console has no framework, only these helpers. */

export type Child = Node | string | number | null | undefined | false
export type Children = Child | Children[]
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & {
  class?: string
  style?: string
  dataset?: Record<string, string>
  attrs?: Record<string, string>
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props<K> | null,
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (props) {
    const { class: cls, style, dataset, attrs, ...rest } = props
    if (cls) el.className = cls
    if (style) el.setAttribute('style', style)
    if (dataset) Object.assign(el.dataset, dataset)
    if (attrs) for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
    Object.assign(el, rest)
  }
  append(el, children)
  return el
}

export function append(el: Element, children: Children[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c)
    else if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c))
  }
}

export function clear(el: Element, ...children: Children[]): void {
  el.replaceChildren()
  append(el, children)
}

/** A table from rows; `cells` returns one cell per column. */
export function table<T>(
  columns: string[],
  rows: T[],
  cells: (row: T) => Child[],
  opts: { onRow?: (row: T) => void; rowId?: (row: T) => string } = {},
): HTMLTableElement {
  return h(
    'table',
    { class: 'grid' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', null, c)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.length === 0
        ? h('tr', null, h('td', { colSpan: columns.length, class: 'empty' }, '—'))
        : rows.map((r) => {
            const tr = h(
              'tr',
              opts.rowId ? { dataset: { id: opts.rowId(r) } } : null,
              cells(r).map((c) => h('td', null, c)),
            )
            if (opts.onRow) {
              tr.classList.add('clickable')
              tr.addEventListener('click', () => opts.onRow?.(r))
            }
            return tr
          }),
    ),
  )
}

/** A labelled form field. */
export function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', null, label), input, hint ? h('small', null, hint) : null)
}

/** Runs an async action for a button, showing progress and the error (if any) in `status`. */
export function action(button: HTMLButtonElement, status: HTMLElement, run: () => Promise<string | void>): void {
  button.addEventListener('click', () => {
    button.disabled = true
    status.className = 'status'
    status.textContent = '…'
    run()
      .then(
        (msg) => {
          status.className = 'status ok'
          status.textContent = msg ?? ''
        },
        (err: Error) => {
          status.className = 'status error'
          status.textContent = err.message
        },
      )
      .finally(() => {
        button.disabled = false
      })
  })
}
