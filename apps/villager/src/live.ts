/**
 * The stop's live room: socket.io `stop:<code>` (public) pushes the next departures whenever they
 * change. The room only pushes changes, so the departures are fetched over HTTP on every
 * (re)connection; socket.io reconnects by itself and the room is joined again each time.
 */
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '@rb/protocol'
import type { StopArrivalsUpdate, TripBookingState } from './model.js'

export interface LiveHandlers {
  onArrivals(update: StopArrivalsUpdate): void
  /** Booking state of departures after a booking change (riders, seats, on-demand decision). */
  onTripBookings(batch: TripBookingState[]): void
  /** Connected and in the room (again). */
  onUp(): void
  onDown(): void
}

export function connectStop(stopCode: string, h: LiveHandlers): Socket<ServerToClientEvents, ClientToServerEvents> {
  // WebSocket first: on a 2 s round trip, polling's extra handshakes cost seconds; polling when it is refused.
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelayMax: 10_000,
    timeout: 15_000,
  })
  socket.on('connect', () => {
    socket.emit('subscribe', [`stop:${stopCode}`], () => h.onUp())
  })
  socket.on('disconnect', () => h.onDown())
  socket.on('connect_error', () => h.onDown())
  socket.on('arrivals', (u) => {
    if (u.stopCode === stopCode) h.onArrivals(u)
  })
  socket.on('tripBookings', (batch) => h.onTripBookings(batch))
  return socket
}
