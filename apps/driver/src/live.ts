/**
 * The live socket: booking changes of the trips on screen arrive in their `trip:<id>` rooms (the
 * server lets in the trip's own driver). Events carry only codes and counts, so the page fetches
 * the manifest again; on every (re)connection the rooms are joined again and the page refreshes,
 * since what happened while it was away was not pushed.
 */
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, DriverMessage, LiveBookingChange, ServerToClientEvents } from '@rb/protocol'

export interface LiveHandlers {
  onChange(tripInstanceIds: Set<string>): void
  /** A dispatcher's text to this driver's bus (sent to the rooms of its trips). */
  onMessage(message: DriverMessage): void
  /** A notice for this driver, or its reminder (to the account's own sockets). */
  onNotice(): void
  onUp(): void
  onDown(): void
}

export class Live {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>
  #rooms: string[] = []

  /** Connects with the session cookie: make one after signing in. */
  constructor(h: LiveHandlers) {
    this.#socket = io({ reconnectionDelayMax: 10_000, timeout: 15_000 })
    this.#socket.on('connect', () => {
      this.#socket.emit('subscribe', this.#rooms, () => h.onUp())
    })
    this.#socket.on('disconnect', () => h.onDown())
    this.#socket.on('connect_error', () => h.onDown())
    this.#socket.on('bookings', (batch: LiveBookingChange[]) => h.onChange(new Set(batch.map((c) => c.tripInstanceId))))
    this.#socket.on('driverMessage', (m) => h.onMessage(m))
    this.#socket.on('notice', () => h.onNotice())
  }

  /** Follows these trip instances (and no others). */
  follow(tripInstanceIds: readonly string[]): void {
    const next = tripInstanceIds.map((id) => `trip:${id}`)
    const gone = this.#rooms.filter((r) => !next.includes(r))
    const added = next.filter((r) => !this.#rooms.includes(r))
    this.#rooms = next
    if (!this.#socket.connected) return
    if (gone.length > 0) this.#socket.emit('unsubscribe', gone)
    if (added.length > 0) this.#socket.emit('subscribe', added)
  }

  get connected(): boolean {
    return this.#socket.connected
  }

  close(): void {
    this.#socket.close()
  }
}
