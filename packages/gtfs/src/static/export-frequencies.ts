/**
 * Trips that were expanded from GTFS frequencies.txt on import, gathered back into their headways
 * for the export. A group is said as a headway only while it still is one: every run of every
 * window present, active, on the same route, calendar, direction, headsign and stop offsets, and
 * nothing else called by the frequency-based trip's id. Otherwise its trips go out one by one.
 */
import type { NetworkSnapshot, Trip, TripFrequency } from '@rb/domain'

export interface HeadwayWindow {
  startS: number
  endS: number
  headwayS: number
  exactTimes: boolean
}

export interface HeadwayGroup {
  templateId: string
  windows: HeadwayWindow[]
}

/** Expanded trip id → its group, for the groups that are still exact headways. */
export function headwayGroups(net: NetworkSnapshot): Map<string, HeadwayGroup> {
  const out = new Map<string, HeadwayGroup>()
  const frequencies = net.frequencies ?? []
  if (frequencies.length === 0) return out
  const tripById = new Map(net.trips.map((t) => [t.id, t]))
  const byTemplate = new Map<string, TripFrequency[]>()
  for (const f of frequencies) byTemplate.set(f.templateId, [...(byTemplate.get(f.templateId) ?? []), f])
  for (const [templateId, members] of byTemplate) {
    const trips = members.map((f) => tripById.get(f.tripId))
    if (trips.some((t) => !t || !t.active)) continue
    const list = trips as Trip[]
    if (tripById.has(templateId) && !members.some((f) => f.tripId === templateId)) continue
    if (!list.every((t) => sameRun(t, list[0] as Trip))) continue
    const windows = windowsOf(members)
    if (!windows) continue
    const expected = windows.flatMap((w) => departures(w))
    const actual = list.map((t) => t.departureS).sort((a, b) => a - b)
    if (expected.length !== actual.length || expected.some((d, i) => d !== actual[i])) continue
    const group = { templateId, windows }
    for (const t of list) out.set(t.id, group)
  }
  return out
}

function sameRun(a: Trip, b: Trip): boolean {
  return (
    a.routeId === b.routeId &&
    a.calendarId === b.calendarId &&
    a.direction === b.direction &&
    a.headsign === b.headsign &&
    a.stopOffsetsS.join() === b.stopOffsetsS.join()
  )
}

/** The distinct windows in start order, or undefined when two of them overlap. */
function windowsOf(members: readonly TripFrequency[]): HeadwayWindow[] | undefined {
  const byStart = new Map<number, HeadwayWindow>()
  for (const f of members)
    byStart.set(f.startS, { startS: f.startS, endS: f.endS, headwayS: f.headwayS, exactTimes: f.exactTimes })
  const windows = [...byStart.values()].sort((a, b) => a.startS - b.startS)
  for (let i = 1; i < windows.length; i++)
    if ((windows[i] as HeadwayWindow).startS < (windows[i - 1] as HeadwayWindow).endS) return undefined
  return windows
}

/** Every headway from the start, up to but not including the end (as the import expands them). */
export function departures(w: HeadwayWindow): number[] {
  const out: number[] = []
  for (let t = w.startS; t < w.endS; t += w.headwayS) out.push(t)
  return out
}
