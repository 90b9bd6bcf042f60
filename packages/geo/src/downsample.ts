/**
 * Largest-Triangle-Three-Buckets over a track's (lng, lat): keeps the first and last points and,
 * per bucket, the point that spans the largest triangle with its neighbours — corners and
 * detours survive, straight stretches thin out. Input must be in time order.
 */
export function downsampleTrack<P extends readonly [number, number, number, ...number[]]>(
  points: readonly P[],
  maxPoints: number,
): P[] {
  const n = points.length
  if (maxPoints >= n || n <= 2) return points.slice()
  if (maxPoints < 3) return [points[0] as P, points[n - 1] as P].slice(0, Math.max(1, maxPoints))
  const out: P[] = [points[0] as P]
  const bucketSize = (n - 2) / (maxPoints - 2)
  let a = 0
  for (let i = 0; i < maxPoints - 2; i++) {
    const start = Math.floor(i * bucketSize) + 1
    const end = Math.min(Math.floor((i + 1) * bucketSize) + 1, n - 1)
    // Average of the next bucket is the third corner of the triangle.
    const nextStart = end
    const nextEnd = Math.min(Math.floor((i + 2) * bucketSize) + 1, n)
    let avgX = 0
    let avgY = 0
    const span = Math.max(1, nextEnd - nextStart)
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += (points[j] as P)[1]
      avgY += (points[j] as P)[2]
    }
    avgX /= span
    avgY /= span
    const pa = points[a] as P
    let best = start
    let bestArea = -1
    for (let j = start; j < end; j++) {
      const pj = points[j] as P
      const area = Math.abs((pa[1] - avgX) * (pj[2] - pa[2]) - (pa[1] - pj[1]) * (avgY - pa[2]))
      if (area > bestArea) {
        bestArea = area
        best = j
      }
    }
    out.push(points[best] as P)
    a = best
  }
  out.push(points[n - 1] as P)
  return out
}
