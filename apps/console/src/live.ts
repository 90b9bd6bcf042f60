/**
 * The console's live-hub connection: one socket.io socket (the session cookie authenticates it),
 * room `all`, batches fed to the fleet and to whoever listens (alerts, bookings). On every
 * (re)connect the latest positions and states are read over HTTP, so a gap is filled.
 */
import { io, type Socket } from 'socket.io-client'
import type {
  ClientToServerEvents,
  LinkChange,
  LiveAlert,
  LiveBookingChange,
  LivePosition,
  ServerToClientEvents,
  VehicleStateView,
} from '@rb/protocol'
import { api } from './api.js'
import type { Fleet } from './fleet.js'

type Handler<T> = (value: T) => void

/** A small typed event list. */
export class Emitter<T> {
  private handlers = new Set<Handler<T>>()
  on(fn: Handler<T>): () => void {
    this.handlers.add(fn)
    return () => this.handlers.delete(fn)
  }
  emit(value: T): void {
    for (const fn of this.handlers) fn(value)
  }
}

interface PositionsResponse {
  items: {
    vehicleId: string
    ts: string
    lng: number
    lat: number
    speedKmh: number
    headingDeg: number
    online: boolean | null
  }[]
}

export type LinkState = 'connecting' | 'live' | 'down'

export class LiveConnection {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>
  readonly changed = new Emitter<void>()
  readonly alerts = new Emitter<LiveAlert[]>()
  readonly bookings = new Emitter<LiveBookingChange[]>()
  readonly status = new Emitter<LinkState>()
  state: LinkState = 'connecting'
  /** Batches received, per event (shown in the status bar; read by tests). */
  readonly received = { positions: 0, link: 0, vehicleStates: 0, alerts: 0, bookings: 0 }

  constructor(private readonly fleet: Fleet) {
    // WebSocket first; long-polling when a proxy on the way refuses WebSockets.
    this.socket = io({ path: '/socket.io', transports: ['websocket', 'polling'], withCredentials: true })
    const s = this.socket
    s.on('connect', () => {
      s.emit('subscribe', ['all'], (ack) => {
        this.setState(ack.ok ? 'live' : 'down')
        // The fleet is for staff: an account the room refuses (a school's) reads no positions either.
        if (ack.ok) void this.snapshot()
      })
    })
    s.on('disconnect', () => this.setState('down'))
    s.on('connect_error', () => this.setState('down'))
    s.on('positions', (batch) => this.applyPositions(batch))
    s.on('link', (changes) => this.applyLinks(changes))
    s.on('vehicleStates', (batch) => this.applyStates(batch))
    s.on('alerts', (batch) => {
      this.received.alerts++
      this.alerts.emit(batch)
    })
    s.on('bookings', (batch) => {
      this.received.bookings++
      this.bookings.emit(batch)
    })
  }

  private setState(state: LinkState): void {
    this.state = state
    this.status.emit(state)
  }

  /** The same entry as a `positions` batch from the hub (the performance test feeds it directly). */
  applyPositions(batch: LivePosition[]): void {
    this.received.positions++
    if (this.fleet.applyPositions(batch)) this.changed.emit()
  }

  applyLinks(changes: LinkChange[]): void {
    this.received.link++
    this.fleet.applyLinks(changes)
    this.changed.emit()
  }

  applyStates(batch: VehicleStateView[]): void {
    this.received.vehicleStates++
    this.fleet.applyStates(batch)
    this.changed.emit()
  }

  /** Latest positions and tracking states over HTTP. */
  async snapshot(): Promise<void> {
    const [positions, states] = await Promise.all([
      api.get<PositionsResponse>('/api/vehicles/positions'),
      api.get<{ items: VehicleStateView[] }>('/api/vehicles/states'),
    ])
    this.fleet.applyPositions(
      positions.items.map((p) => ({
        vehicleId: p.vehicleId,
        ts: Date.parse(p.ts),
        lng: p.lng,
        lat: p.lat,
        speedKmh: p.speedKmh,
        headingDeg: p.headingDeg,
      })),
    )
    this.fleet.applyLinks(
      positions.items
        .filter((p) => p.online !== null)
        .map((p) => ({ vehicleId: p.vehicleId, online: p.online === true, ts: Date.parse(p.ts) })),
    )
    this.fleet.applyStates(states.items)
    this.changed.emit()
  }

  close(): void {
    this.socket.close()
  }
}
