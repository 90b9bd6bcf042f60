/**
 * Drawing and reshaping a fence with the map's own events (no drawing library): a polygon by
 * clicking its corners (a double click or a click on the first corner closes it, Esc cancels,
 * Backspace or Undo takes the last corner back), a circle by clicking its centre and then its
 * edge (the radius follows the mouse), and the shape of a fence being edited by dragging its
 * corners, or a circle's centre and edge. The pure steps are in geofence-model.ts.
 */
import type { MapMouseEvent, Map as MlMap, MapLayerMouseEvent } from 'maplibre-gl'
import type { LngLat } from '@rb/domain'
import {
  canClose,
  clickVertex,
  closeRing,
  moveShape,
  moveVertex,
  radiusBetween,
  undoVertex,
  type FenceShape,
} from '../geofence-model.js'
import { HANDLE_HIT, type FenceLayers } from '../map/fence-layers.js'

export type DrawMode = 'idle' | 'polygon' | 'circle' | 'edit'

export interface DrawState {
  mode: DrawMode
  /** Corners placed so far (polygon), or 1 once a circle's centre is placed. */
  count: number
  shape: FenceShape | null
}

/** Pixels within which two clicks are one spot, or a click hits the first corner. */
const NEAR_PX = 9

export class DrawTool {
  private mode: DrawMode = 'idle'
  private vertices: LngLat[] = []
  private center: LngLat | null = null
  private shape: FenceShape | null = null
  private dragging: { role: string; index: number; from: LngLat } | null = null
  private readonly off: (() => void)[] = []

  constructor(
    private readonly map: MlMap,
    private readonly layers: FenceLayers,
    private readonly project: (p: LngLat) => LngLat,
    private readonly unproject: (p: LngLat) => LngLat,
    private readonly changed: (s: DrawState) => void,
  ) {
    const on = <E>(type: string, fn: (e: E) => void, layer?: string): void => {
      const m = map as unknown as {
        on(t: string, l: string | ((e: E) => void), f?: (e: E) => void): void
        off(t: string, l: string | ((e: E) => void), f?: (e: E) => void): void
      }
      if (layer) {
        m.on(type, layer, fn)
        this.off.push(() => m.off(type, layer, fn))
      } else {
        m.on(type, fn)
        this.off.push(() => m.off(type, fn))
      }
    }
    on<MapMouseEvent>('click', (e) => this.click(this.at(e)))
    on<MapMouseEvent>('dblclick', (e) => {
      if (this.mode !== 'polygon') return
      e.preventDefault()
      this.finish()
    })
    on<MapMouseEvent>('mousemove', (e) => this.move(this.at(e)))
    on<MapLayerMouseEvent>(
      'mousedown',
      (e) => {
        if (this.mode !== 'edit' || !this.shape) return
        const f = e.features?.[0]
        if (!f) return
        e.preventDefault()
        this.map.dragPan.disable()
        this.dragging = { role: String(f.properties.role), index: Number(f.properties.index), from: this.at(e) }
      },
      HANDLE_HIT,
    )
    on<MapMouseEvent>('mouseup', () => {
      if (!this.dragging) return
      this.dragging = null
      this.map.dragPan.enable()
      this.emit()
    })
    on<MapLayerMouseEvent>('mouseenter', () => this.cursor('move'), HANDLE_HIT)
    on<MapLayerMouseEvent>(
      'mouseleave',
      () => this.cursor(this.mode === 'idle' || this.mode === 'edit' ? '' : 'crosshair'),
      HANDLE_HIT,
    )
    const key = (e: KeyboardEvent): void => {
      if (this.mode !== 'polygon' && this.mode !== 'circle') return
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement
      if (e.key === 'Escape') this.cancel()
      else if (!typing && (e.key === 'Backspace' || (e.key === 'z' && (e.ctrlKey || e.metaKey)))) {
        e.preventDefault()
        this.undo()
      } else if (!typing && e.key === 'Enter') this.finish()
    }
    document.addEventListener('keydown', key)
    this.off.push(() => document.removeEventListener('keydown', key))
  }

  get state(): DrawState {
    return {
      mode: this.mode,
      count: this.mode === 'circle' ? (this.center ? 1 : 0) : this.vertices.length,
      shape: this.shape,
    }
  }

  /** Starts drawing a new polygon (the shape drawn before is dropped). */
  polygon(): void {
    this.start('polygon')
  }

  circle(): void {
    this.start('circle')
  }

  /** Shows `shape` with drag handles (null: nothing being edited). */
  edit(shape: FenceShape | null): void {
    this.reset()
    this.shape = shape
    this.mode = shape ? 'edit' : 'idle'
    this.draw()
    this.changed(this.state)
  }

  undo(): void {
    if (this.mode === 'polygon') this.vertices = undoVertex(this.vertices)
    else if (this.mode === 'circle') this.center = null
    this.draw()
    this.changed(this.state)
  }

  /** Closes the polygon being drawn, if it has three corners. */
  finish(): boolean {
    if (this.mode !== 'polygon' || !canClose(this.vertices)) return false
    this.done({ kind: 'polygon', rings: [closeRing(this.vertices)] })
    return true
  }

  /** Stops drawing: nothing drawn is kept. */
  cancel(): void {
    this.reset()
    this.shape = null
    this.mode = 'idle'
    this.draw()
    this.changed(this.state)
  }

  dispose(): void {
    for (const f of this.off) f()
    this.reset()
    this.layers.setDraft(null)
  }

  private start(mode: 'polygon' | 'circle'): void {
    this.reset()
    this.shape = null
    this.mode = mode
    this.map.doubleClickZoom.disable()
    this.cursor('crosshair')
    this.draw()
    this.changed(this.state)
  }

  private reset(): void {
    this.vertices = []
    this.center = null
    this.cursorAt = null
    this.dragging = null
    this.map.dragPan.enable()
    this.map.doubleClickZoom.enable()
    this.cursor('')
  }

  private done(shape: FenceShape): void {
    this.reset()
    this.shape = shape
    this.mode = 'edit'
    this.draw()
    this.changed(this.state)
  }

  private at(e: MapMouseEvent): LngLat {
    return this.unproject([e.lngLat.lng, e.lngLat.lat])
  }

  private near = (a: LngLat, b: LngLat): boolean => {
    const pa = this.map.project(this.project(a))
    const pb = this.map.project(this.project(b))
    return Math.hypot(pa.x - pb.x, pa.y - pb.y) <= NEAR_PX
  }

  private click(p: LngLat): void {
    if (this.mode === 'polygon') {
      const r = clickVertex(this.vertices, p, this.near)
      this.vertices = r.vertices
      if (r.closed) {
        this.finish()
        return
      }
    } else if (this.mode === 'circle') {
      if (!this.center) this.center = p
      else {
        this.done({ kind: 'circle', center: this.center, radiusM: radiusBetween(this.center, p) })
        return
      }
    } else return
    this.draw()
    this.changed(this.state)
  }

  private cursorAt: LngLat | null = null

  private move(p: LngLat): void {
    if (this.dragging && this.shape) {
      const d = this.dragging
      const s = this.shape
      if (s.kind === 'polygon' && d.role === 'vertex')
        this.shape = { kind: 'polygon', rings: [moveVertex(s.rings[0] ?? [], d.index, p), ...s.rings.slice(1)] }
      else if (s.kind === 'circle' && d.role === 'radius') this.shape = { ...s, radiusM: radiusBetween(s.center, p) }
      else if (d.role === 'center') {
        this.shape = moveShape(s, d.from, p)
        d.from = p
      }
      this.draw()
      return
    }
    if (this.mode === 'polygon' || (this.mode === 'circle' && this.center)) {
      this.cursorAt = p
      this.draw()
    }
  }

  private draw(): void {
    if (this.mode === 'polygon') this.layers.setDraft({ vertices: this.vertices, cursor: this.cursorAt })
    else if (this.mode === 'circle')
      this.layers.setDraft(
        this.center
          ? {
              vertices: [this.center],
              shape: this.cursorAt
                ? { kind: 'circle', center: this.center, radiusM: radiusBetween(this.center, this.cursorAt) }
                : null,
            }
          : null,
      )
    else this.layers.setDraft(this.shape ? { shape: this.shape, editable: this.mode === 'edit' } : null)
  }

  private emit(): void {
    this.changed(this.state)
  }

  private cursor(c: string): void {
    this.map.getCanvas().style.cursor = c
  }
}
