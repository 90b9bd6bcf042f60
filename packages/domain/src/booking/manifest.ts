/**
 * The driver's manifest of a trip instance: who boards and alights at each stop, with seats and
 * codes. Phones are masked: the manifest goes to drivers and terminals, not only dispatchers.
 */
import { maskPhone } from '../network/ids.js'
import { bookingCounts, holdsSeat, segmentLoads } from './capacity.js'
import type { Booking, BookingChannel, BookingCounts, BookingStatus } from './types.js'

export interface ManifestEntry {
  code: string
  name: string
  phoneMasked: string
  seats: number
  status: BookingStatus
  channel: BookingChannel
  boardStop: string
  alightStop: string
}

export interface ManifestStop {
  seq: number
  stopCode: string
  /** Scheduled arrival, epoch ms. */
  arrivalTs: number
  /** Bookings boarding here that hold a seat or were marked (confirmed, boarded, no-show). */
  boarding: ManifestEntry[]
  alighting: ManifestEntry[]
  /** Seats held when the bus leaves this stop. */
  loadAfter: number
}

export interface Manifest {
  tripInstanceId: string
  departureTs: number
  stops: ManifestStop[]
  /** In line for a seat, in order. */
  waitlist: ManifestEntry[]
  counts: BookingCounts
}

export interface ManifestTrip {
  id: string
  departureTs: number
  seats: number
  stops: readonly { seq: number; stopCode: string; arrivalTs: number }[]
}

const entry = (b: Booking): ManifestEntry => ({
  code: b.code,
  name: b.name,
  phoneMasked: maskPhone(b.phone),
  seats: b.seats,
  status: b.status,
  channel: b.channel,
  boardStop: b.boardStop,
  alightStop: b.alightStop,
})

const onManifest = (b: Booking): boolean => holdsSeat(b.status) || b.status === 'no_show'

export function buildManifest(trip: ManifestTrip, bookings: readonly Booking[]): Manifest {
  const ordered = [...bookings].sort((a, b) => a.id - b.id)
  const loads = segmentLoads(trip.stops.length, ordered)
  return {
    tripInstanceId: trip.id,
    departureTs: trip.departureTs,
    stops: trip.stops.map((s, i) => ({
      seq: s.seq,
      stopCode: s.stopCode,
      arrivalTs: s.arrivalTs,
      boarding: ordered.filter((b) => onManifest(b) && b.boardSeq === s.seq).map(entry),
      alighting: ordered.filter((b) => onManifest(b) && b.alightSeq === s.seq).map(entry),
      loadAfter: loads[i] ?? 0,
    })),
    waitlist: ordered.filter((b) => b.status === 'waitlisted').map(entry),
    counts: bookingCounts(trip.seats, trip.stops.length, ordered),
  }
}

const hhmm = (ts: number): string => {
  // Asia/Shanghai has no daylight saving: UTC+8 all year.
  const d = new Date(ts + 8 * 3_600_000)
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

/**
 * A short text for a terminal screen (JT/T 808 0x8300): the trip, seats booked, and per stop the
 * codes boarding (+) and seats alighting (-). At most `maxChars` characters; cut with "…".
 */
export function manifestText(m: Manifest, stopName: (code: string) => string = (code) => code, maxChars = 200): string {
  const lines = [
    `${hhmm(m.departureTs)} ${m.tripInstanceId} 订座${m.counts.riders}/${m.counts.capacity}${m.counts.waitlisted ? ` 候补${m.counts.waitlisted}` : ''}`,
  ]
  for (const s of m.stops) {
    const up = s.boarding.filter((b) => b.status !== 'no_show')
    const down = s.alighting.filter((b) => b.status !== 'no_show').reduce((n, b) => n + b.seats, 0)
    if (up.length === 0 && down === 0) continue
    const name = stopName(s.stopCode)
    const ups = up.map((b) => `${b.code}×${b.seats}`).join(' ')
    lines.push(`${name}${ups ? ` 上${ups}` : ''}${down ? ` 下${down}` : ''}`)
  }
  const text = lines.join('\n')
  return [...text].length <= maxChars ? text : `${[...text].slice(0, maxChars - 1).join('')}…`
}
