/**
 * Shapes that say a state without its colour: a mark inside each bus dot (a tick for on time, "!"
 * for late, a cross for off route, …) and signs as squares with their own marks. One set of SVG
 * paths on a 20×20 grid serves the legend (inline SVG) and the map (canvas images via Path2D).
 */
import type { StopStatus } from '@rb/domain'
import type { VehicleServiceStatus } from '@rb/protocol'
import { STATUS_MARKS, STOP_MARKS } from '../map/style.js'

/** White strokes drawn over the coloured shape. */
export const MARK_PATHS: Record<string, string> = {
  check: 'M5.5 10.5 L8.5 13.5 L14.5 6.5',
  chevrons: 'M9 6 L5 10 L9 14 M14 6 L10 10 L14 14',
  bang: 'M10 4.5 L10 11.5 M10 14.5 L10 15.5',
  cross: 'M6 6 L14 14 M14 6 L6 14',
  pause: 'M7.5 6 L7.5 14 M12.5 6 L12.5 14',
  dash: 'M5.5 10 L14.5 10',
  ring: 'M10 6.5 A3.5 3.5 0 1 1 9.99 6.5',
  dots: 'M5.5 10 L6 10 M9.75 10 L10.25 10 M14 10 L14.5 10',
  none: '',
}

const SVG = 'http://www.w3.org/2000/svg'

function svg(shape: 'dot' | 'square', fill: string, stroke: string, mark: string, markColour: string): SVGSVGElement {
  const el = document.createElementNS(SVG, 'svg')
  el.setAttribute('viewBox', '0 0 20 20')
  el.setAttribute('width', '16')
  el.setAttribute('height', '16')
  el.setAttribute('class', `mark ${shape}`)
  el.setAttribute('aria-hidden', 'true')
  const base = document.createElementNS(SVG, shape === 'dot' ? 'circle' : 'rect')
  if (shape === 'dot') {
    base.setAttribute('cx', '10')
    base.setAttribute('cy', '10')
    base.setAttribute('r', '9')
  } else {
    for (const [k, v] of Object.entries({ x: '2', y: '2', width: '16', height: '16', rx: '2' })) base.setAttribute(k, v)
  }
  base.setAttribute('fill', fill)
  base.setAttribute('stroke', stroke)
  base.setAttribute('stroke-width', '1.5')
  el.append(base)
  const d = MARK_PATHS[mark]
  if (d) {
    const p = document.createElementNS(SVG, 'path')
    p.setAttribute('d', d)
    p.setAttribute('fill', 'none')
    p.setAttribute('stroke', markColour)
    p.setAttribute('stroke-width', '2.2')
    p.setAttribute('stroke-linecap', 'round')
    p.setAttribute('stroke-linejoin', 'round')
    el.append(p)
  }
  return el
}

/** A bus status in the legend: its coloured dot with its mark. */
export const statusKey = (s: VehicleServiceStatus, colour: string): SVGSVGElement =>
  svg('dot', colour, '#ffffff', STATUS_MARKS[s], '#ffffff')

/** A sign status in the legend: its square with its mark. */
export const signKey = (s: StopStatus, colour: string, ring: string): SVGSVGElement =>
  svg('square', colour, ring, STOP_MARKS[s], s === 'ok' ? ring : '#ffffff')

/** A map image (ImageData) of a shape with its mark, `size` px square. */
export function markImage(
  shape: 'dot' | 'square',
  fill: string,
  stroke: string,
  mark: string,
  markColour: string,
  size = 40,
): ImageData {
  const c = document.createElement('canvas')
  c.width = c.height = size
  const g = c.getContext('2d')
  if (!g) throw new Error('no 2D canvas')
  g.scale(size / 20, size / 20)
  g.lineWidth = 1.5
  g.fillStyle = fill
  g.strokeStyle = stroke
  g.beginPath()
  if (shape === 'dot') g.arc(10, 10, 9, 0, Math.PI * 2)
  else g.roundRect(2, 2, 16, 16, 2)
  g.fill()
  g.stroke()
  const d = MARK_PATHS[mark]
  if (d) {
    g.strokeStyle = markColour
    g.lineWidth = 2.2
    g.lineCap = 'round'
    g.lineJoin = 'round'
    g.stroke(new Path2D(d))
  }
  return g.getImageData(0, 0, size, size)
}

/** The mark alone (white, on transparent), drawn over a bus dot of any colour. */
export function markOnlyImage(mark: string, size = 40): ImageData {
  const c = document.createElement('canvas')
  c.width = c.height = size
  const g = c.getContext('2d')
  if (!g) throw new Error('no 2D canvas')
  g.scale(size / 20, size / 20)
  const d = MARK_PATHS[mark]
  if (d) {
    g.strokeStyle = '#ffffff'
    g.lineWidth = 2.4
    g.lineCap = 'round'
    g.lineJoin = 'round'
    g.stroke(new Path2D(d))
  }
  return g.getImageData(0, 0, size, size)
}
