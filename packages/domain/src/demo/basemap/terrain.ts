/**
 * The demo county's ground: a made-up but plausible height field (ridges of 800–1,600 m cut by
 * valleys that fall towards the rivers, the towns on flatter ground), and what a map draws from
 * it — contour lines, a hill shade from the north-west, woods on the heights. Worked out on a
 * regular grid in the demo's local metric frame; pure and seeded.
 */
import { contours } from 'd3-contour'
import type { Rng } from '../rng.js'
import type { Xy } from '../roads.js'

export interface Grid {
  /** South-west corner, metres east and north of the county seat. */
  originM: Xy
  cellM: number
  cols: number
  rows: number
  /** Row-major from the south-west corner: values[row * cols + col]. */
  values: Float64Array
}

export interface TerrainInput {
  /** [west, south, east, north] in the local frame, metres. */
  boundsM: [number, number, number, number]
  cellM: number
  rivers: Xy[][]
  flats: { at: Xy; radiusM: number }[]
}

/**
 * The distance to the nearest river of every grid cell: exact next to the rivers, then carried
 * across the grid by a two-pass chamfer transform (within a few per cent of the straight-line
 * distance, plenty for shaping valleys, and linear in the number of cells).
 */
function riverDistances(grid: Omit<Grid, 'values'>, rivers: Xy[][]): Float64Array {
  const { cols, rows, cellM, originM } = grid
  const out = new Float64Array(cols * rows).fill(Infinity)
  const seedCell = (p: Xy): void => {
    const c0 = Math.round((p[0] - originM[0]) / cellM)
    const r0 = Math.round((p[1] - originM[1]) / cellM)
    for (let r = r0 - 1; r <= r0 + 1; r++) {
      for (let c = c0 - 1; c <= c0 + 1; c++) {
        if (r < 0 || c < 0 || r >= rows || c >= cols) continue
        const d = Math.hypot(originM[0] + c * cellM - p[0], originM[1] + r * cellM - p[1])
        if (d < (out[r * cols + c] as number)) out[r * cols + c] = d
      }
    }
  }
  for (const line of rivers) {
    for (let i = 0; i + 1 < line.length; i++) {
      const a = line[i] as Xy
      const b = line[i + 1] as Xy
      const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / (cellM / 2)))
      for (let k = 0; k <= steps; k++)
        seedCell([a[0] + ((b[0] - a[0]) * k) / steps, a[1] + ((b[1] - a[1]) * k) / steps])
    }
  }
  const diag = cellM * Math.SQRT2
  const relax = (i: number, j: number, step: number): void => {
    const via = (out[j] as number) + step
    if (via < (out[i] as number)) out[i] = via
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c
      if (c > 0) relax(i, i - 1, cellM)
      if (r > 0) {
        relax(i, i - cols, cellM)
        if (c > 0) relax(i, i - cols - 1, diag)
        if (c + 1 < cols) relax(i, i - cols + 1, diag)
      }
    }
  }
  for (let r = rows - 1; r >= 0; r--) {
    for (let c = cols - 1; c >= 0; c--) {
      const i = r * cols + c
      if (c + 1 < cols) relax(i, i + 1, cellM)
      if (r + 1 < rows) {
        relax(i, i + cols, cellM)
        if (c + 1 < cols) relax(i, i + cols + 1, diag)
        if (c > 0) relax(i, i + cols - 1, diag)
      }
    }
  }
  return out
}

/** Heights in metres above sea level. */
export function heightField(rng: Rng, input: TerrainInput): Grid {
  const [w, s, e, n] = input.boundsM
  const cols = Math.ceil((e - w) / input.cellM) + 1
  const rows = Math.ceil((n - s) / input.cellM) + 1
  const shape = { originM: [w, s] as Xy, cellM: input.cellM, cols, rows }
  const river = riverDistances(shape, input.rivers)
  // Ridges: a few dozen broad hills of random size, plus long folds running south-west to north-east
  // as the Sichuan basin's edge does.
  // About one hill per 50 km².
  const hills = Array.from({ length: Math.round(((e - w) * (n - s)) / 50e6) }, () => ({
    x: rng.range(w, e),
    y: rng.range(s, n),
    sigmaM: rng.range(1_500, 5_000),
    hM: rng.range(150, 550),
  }))
  const foldPhase = rng.range(0, Math.PI * 2)
  const values = new Float64Array(cols * rows)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = w + c * input.cellM
      const y = s + r * input.cellM
      let relief = 250 + 120 * Math.sin((x * 0.6 + y * 0.8) / 3_500 + foldPhase) + 80 * Math.sin((x - y) / 1_900)
      for (const hill of hills) {
        const d2 = (x - hill.x) ** 2 + (y - hill.y) ** 2
        if (d2 < 9 * hill.sigmaM ** 2) relief += hill.hM * Math.exp(-d2 / (2 * hill.sigmaM ** 2))
      }
      // Valleys: the ground rises from the river over a couple of kilometres.
      const dRiver = river[r * cols + c] as number
      let lift = 1 - Math.exp(-((dRiver / 1_800) ** 2))
      for (const flat of input.flats) {
        const d = Math.hypot(x - flat.at[0], y - flat.at[1])
        lift *= 1 - 0.75 * Math.exp(-((d / flat.radiusM) ** 2))
      }
      // The rivers fall gently to the north, where the county's water leaves for the Yangtze.
      const floor = 320 - y * 0.004
      values[r * cols + c] = floor + Math.max(0, relief) * (0.15 + 0.85 * lift)
    }
  }
  return { ...shape, values }
}

/**
 * Illumination from the north-west at 45° (the cartographer's convention), 0 (in shade) to 1
 * (facing the light); flat ground is ~0.7.
 */
export function hillShade(g: Grid, exaggeration = 2): Grid {
  const values = new Float64Array(g.values.length)
  const at = (r: number, c: number): number =>
    g.values[Math.min(g.rows - 1, Math.max(0, r)) * g.cols + Math.min(g.cols - 1, Math.max(0, c))] as number
  const azimuth = (315 * Math.PI) / 180
  const altitude = Math.PI / 4
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const dzdx = ((at(r, c + 1) - at(r, c - 1)) / (2 * g.cellM)) * exaggeration
      const dzdy = ((at(r + 1, c) - at(r - 1, c)) / (2 * g.cellM)) * exaggeration
      const slope = Math.atan(Math.hypot(dzdx, dzdy))
      // Aspect measured like a compass (clockwise from north) of the downhill direction.
      const aspect = Math.atan2(-dzdx, -dzdy)
      const shade =
        Math.sin(altitude) * Math.cos(slope) + Math.cos(altitude) * Math.sin(slope) * Math.cos(azimuth - aspect)
      values[r * g.cols + c] = Math.max(0, shade)
    }
  }
  return { ...g, values }
}

export interface Band {
  /** The threshold: the polygons hold every cell at or above it. */
  value: number
  polygons: Xy[][][]
}

/** Polygons of the cells at or above each threshold, in the local frame (metres). */
export function bands(g: Grid, thresholds: number[]): Band[] {
  const toM = ([c, r]: number[]): Xy => [g.originM[0] + (c as number) * g.cellM, g.originM[1] + (r as number) * g.cellM]
  return contours()
    .size([g.cols, g.rows])
    .thresholds(thresholds)(Array.from(g.values))
    .map((mp) => ({
      value: mp.value,
      // d3-contour's x and y are the grid's column and row, from cell centres at .5: shift back.
      polygons: mp.coordinates.map((poly) =>
        poly.map((ring) => ring.map(([c, r]) => toM([(c as number) - 0.5, (r as number) - 0.5]))),
      ),
    }))
}

/**
 * Contour lines: the outlines of each band without the pieces that run along the grid's edge
 * (those are where the grid stops, not where the height is the threshold).
 */
export function contourLines(g: Grid, thresholds: number[]): { value: number; lines: Xy[][] }[] {
  const edge = g.cellM * 0.51
  const [w, s] = g.originM
  const e = w + (g.cols - 1) * g.cellM
  const n = s + (g.rows - 1) * g.cellM
  const onEdge = (p: Xy): boolean => p[0] - w < edge || e - p[0] < edge || p[1] - s < edge || n - p[1] < edge
  return bands(g, thresholds).map((band) => {
    const lines: Xy[][] = []
    for (const ring of band.polygons.flat()) {
      let current: Xy[] = []
      for (const p of ring) {
        if (onEdge(p)) {
          if (current.length > 1) lines.push(current)
          current = []
        } else current.push(p)
      }
      if (current.length > 1) lines.push(current)
    }
    return { value: band.value, lines }
  })
}
