/**
 * Grouped bar charts in plain SVG (no chart library: the bundle stays small). One group per
 * category, one bar per series; a value axis from 0 with four grid lines; each bar carries a
 * <title> (hover) and data attributes for tests.
 */
import { t } from '../i18n/index.js'

const SVG = 'http://www.w3.org/2000/svg'

export interface BarSeries {
  name: string
  color: string
  values: (number | null)[]
}

export interface BarChartOptions {
  /** data-chart attribute, for tests and styling. */
  name: string
  categories: string[]
  series: BarSeries[]
  /** How a value reads on the axis and in a bar's title. */
  format?: (v: number) => string
  /** Fixed top of the axis (e.g. 100 for percentages); default: the largest value. */
  max?: number
  height?: number
}

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  for (const c of children) el.append(c)
  return el
}

/** A "nice" axis top: 1, 2 or 5 times a power of ten, at least `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}

export function barChart(o: BarChartOptions): HTMLElement {
  const fmt = o.format ?? ((v: number) => String(Math.round(v * 10) / 10))
  const wrap = document.createElement('div')
  wrap.className = 'chart'
  wrap.dataset.chart = o.name
  if (o.categories.length === 0 || o.series.length === 0) {
    wrap.append(
      Object.assign(document.createElement('p'), { className: 'muted', textContent: t('No data in this range.') }),
    )
    return wrap
  }
  const height = o.height ?? 220
  const left = 48
  const bottom = 44
  const top = 10
  const groupW = Math.max(18, Math.min(80, 900 / o.categories.length))
  const width = left + groupW * o.categories.length + 10
  const plotH = height - top - bottom
  const values = o.series.flatMap((x) => x.values).filter((v): v is number => v !== null)
  const max = o.max ?? niceMax(Math.max(0, ...values))
  const y = (v: number): number => top + plotH - (Math.max(0, v) / max) * plotH
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': o.name })
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4
    svg.append(s('line', { x1: left, x2: width - 10, y1: y(v), y2: y(v), stroke: i === 0 ? '#8c959f' : '#eaeef2' }))
    svg.append(s('text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#59636e' }, fmt(v)))
  }
  const barW = (groupW - 6) / o.series.length
  o.categories.forEach((cat, ci) => {
    const gx = left + ci * groupW + 3
    o.series.forEach((ser, si) => {
      const v = ser.values[ci]
      if (v === null || v === undefined) return
      const bar = s(
        'rect',
        {
          x: gx + si * barW,
          y: y(v),
          width: Math.max(1, barW - 1),
          height: top + plotH - y(v),
          fill: ser.color,
          'data-series': ser.name,
          'data-category': cat,
          'data-value': v,
        },
        s('title', {}, `${cat} · ${ser.name}: ${fmt(v)}`),
      )
      svg.append(bar)
    })
    const label = cat.length > 12 ? `${cat.slice(0, 11)}…` : cat
    const lx = gx + (groupW - 6) / 2
    svg.append(
      s(
        'text',
        {
          x: lx,
          y: top + plotH + 12,
          'text-anchor': 'end',
          'font-size': 10,
          fill: '#1f2328',
          transform: `rotate(-35 ${lx} ${top + plotH + 12})`,
        },
        label,
      ),
    )
  })
  const legend = document.createElement('div')
  legend.className = 'chart-legend'
  for (const ser of o.series) {
    const item = document.createElement('span')
    const sw = document.createElement('i')
    sw.style.background = ser.color
    item.append(sw, ser.name)
    legend.append(item)
  }
  wrap.append(svg, legend)
  return wrap
}
