/**
 * Live hub (docs/design.md §2): positions are coalesced per tick and per room — the newest fix per
 * vehicle — and each room gets one array per tick, never one message per position
 * (socket.io costs ~1 ms of CPU per 70 deliveries).
 */
import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import {
  isRoomName,
  type ClientToServerEvents,
  type DriverMessage,
  type NoticePush,
  type LinkChange,
  type LiveBookingChange,
  type LivePosition,
  type Position,
  type RoomName,
  type ServerToClientEvents,
  type LiveAlert,
  type StopArrivalsUpdate,
  type SubscribeAck,
  type TripBookingState,
  type VehicleStateView,
  type VehicleStatus,
} from '@rb/protocol'
import type { LiveStage } from '../ingest/pipeline.js'
import type { Metrics } from '../metrics.js'

export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents>

/** Decides whether a socket may join a room (a reason to refuse, or null); accounts and roles plug in here. */
export type RoomGuard = (socket: HubSocket, room: RoomName) => string | null | Promise<string | null>

const allowAll: RoomGuard = () => null

export interface HubOptions {
  tickMs: number
  guard?: RoomGuard
}

const toLive = (p: Position): LivePosition => ({
  vehicleId: p.vehicleId,
  ts: p.ts,
  lng: p.lng,
  lat: p.lat,
  speedKmh: p.speedKmh,
  headingDeg: p.headingDeg,
})

export class LiveHub implements LiveStage {
  readonly name = 'live-hub'
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>
  readonly #metrics: Metrics
  readonly #guard: RoomGuard
  /** room → vehicle → newest position this tick */
  #pending = new Map<RoomName, Map<string, LivePosition>>()
  #links: LinkChange[] = []
  #bookings: LiveBookingChange[] = []
  /** room → vehicle → newest tracking state this tick */
  #states = new Map<RoomName, Map<string, VehicleStateView>>()
  #alerts = new Map<string, LiveAlert>()
  #arrivals = new Map<string, StopArrivalsUpdate>()
  readonly #timer: NodeJS.Timeout
  #closed = false

  constructor(server: HttpServer, metrics: Metrics, opts: HubOptions) {
    this.#metrics = metrics
    this.#guard = opts.guard ?? allowAll
    this.io = new Server<ClientToServerEvents, ServerToClientEvents>(server, {
      serveClient: false,
      // Clients only send small subscribe messages.
      maxHttpBufferSize: 16 * 1024,
    })
    this.io.on('connection', (socket) => this.#onConnection(socket))
    this.#timer = setInterval(() => this.flush(), opts.tickMs)
    this.#timer.unref()
  }

  #onConnection(socket: HubSocket): void {
    this.#metrics.liveSockets.set(this.io.engine.clientsCount)
    socket.on('disconnect', () => this.#metrics.liveSockets.set(this.io.engine.clientsCount))
    // A guard may look things up: requests of one socket are handled in order all the same.
    let queue: Promise<void> = Promise.resolve()
    const inOrder = (task: () => Promise<void> | void): void => {
      queue = queue.then(task).catch(() => {})
    }
    socket.on('subscribe', (rooms, ack) =>
      inOrder(async () => {
        const result = await this.#subscribe(socket, Array.isArray(rooms) ? rooms.slice(0, 100) : [])
        if (typeof ack === 'function') ack(result)
      }),
    )
    socket.on('unsubscribe', (rooms, ack) =>
      inOrder(() => {
        for (const room of Array.isArray(rooms) ? rooms : []) if (isRoomName(room)) void socket.leave(room)
        if (typeof ack === 'function') ack({ ok: true })
      }),
    )
  }

  async #subscribe(socket: HubSocket, rooms: readonly unknown[]): Promise<SubscribeAck> {
    const joined: RoomName[] = []
    const refused: { room: string; reason: string }[] = []
    for (const room of rooms) {
      if (!isRoomName(room)) {
        refused.push({
          room: String(room).slice(0, 80),
          reason: 'not a room name (all, route:<id>, stop:<code>, vehicle:<id>, trip:<tripInstanceId>)',
        })
        continue
      }
      // A guard that cannot decide (its look-up failed) refuses: the client may ask again.
      const reason = await Promise.resolve()
        .then(() => this.#guard(socket, room))
        .catch((err: Error) => `could not check access to ${room}: ${err.message}`)
      if (reason) refused.push({ room, reason })
      else joined.push(room)
    }
    // The socket may have gone while an asynchronous guard looked something up.
    if (socket.connected) await socket.join(joined)
    return { ok: refused.length === 0, joined, refused }
  }

  #stage(room: RoomName, p: LivePosition): void {
    let m = this.#pending.get(room)
    if (!m) this.#pending.set(room, (m = new Map<string, LivePosition>()))
    const cur = m.get(p.vehicleId)
    if (!cur || p.ts >= cur.ts) m.set(p.vehicleId, p)
  }

  #hasMembers(room: RoomName): boolean {
    return (this.io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0 || (this.#clusterRooms?.has(room) ?? false)
  }

  /** Rooms with members on any instance (cluster mode), refreshed every second or two. */
  #clusterRooms: Set<string> | null = null
  #presenceTimer: NodeJS.Timeout | undefined

  /**
   * Cluster mode: rooms span instances through the Redis adapter (set by the caller), and the
   * hub learns which rooms have members anywhere, so a vehicle's room is served by the instance
   * owning the vehicle even when the watcher is connected to another one.
   */
  followClusterRooms(everyMs: number): void {
    this.#clusterRooms = new Set()
    const refresh = (): void => {
      // The Redis adapter asks every instance for its rooms (socket.io's ClusterAdapter API).
      const adapter = this.io.of('/').adapter as unknown as { allRooms(): Promise<Set<string>> }
      adapter.allRooms().then(
        (rooms) => {
          this.#clusterRooms = new Set([...rooms].filter((r) => r.includes(':')))
        },
        () => {
          // An instance did not answer in time: keep the last known set.
        },
      )
    }
    refresh()
    this.#presenceTimer = setInterval(refresh, everyMs)
    this.#presenceTimer.unref()
  }

  /** Stop codes whose room has a member on this instance or, in cluster mode, any instance. */
  #stopRooms(): string[] {
    const out = new Set<string>()
    for (const [room, members] of this.io.sockets.adapter.rooms)
      if (room.startsWith('stop:') && members.size > 0) out.add(room.slice(5))
    for (const room of this.#clusterRooms ?? []) if (room.startsWith('stop:')) out.add(room.slice(5))
    return [...out]
  }

  /** Stages positions for the next tick, in the rooms they belong to. */
  publishPositions(positions: readonly Position[], extraRooms: (p: Position) => readonly RoomName[] = () => []): void {
    for (const p of positions) {
      const live = toLive(p)
      this.#stage('all', live)
      const vehicleRoom: RoomName = `vehicle:${p.vehicleId}`
      if (this.#hasMembers(vehicleRoom)) this.#stage(vehicleRoom, live)
      for (const room of extraRooms(p)) this.#stage(room, live)
    }
  }

  onPositions(positions: readonly Position[]): void {
    this.publishPositions(positions)
  }

  onStatus(vehicleId: string, status: VehicleStatus, ts: number): void {
    this.#links.push({ vehicleId, online: status === 'online', ts })
  }

  /** Stages tracking states: to `all`, the vehicle's route room and its own room (where anyone listens). */
  publishStates(states: readonly VehicleStateView[]): void {
    for (const st of states) {
      const rooms: RoomName[] = ['all', `vehicle:${st.vehicleId}`]
      if (st.routeId) rooms.push(`route:${st.routeId}`)
      for (const room of rooms) {
        if (room !== 'all' && !this.#hasMembers(room)) continue
        let m = this.#states.get(room)
        if (!m) this.#states.set(room, (m = new Map<string, VehicleStateView>()))
        m.set(st.vehicleId, st)
      }
    }
  }

  /** Stages alerts for dispatchers (room `all`); a newer version of the same alert replaces an older one. */
  publishAlerts(alerts: readonly LiveAlert[]): void {
    for (const a of alerts) this.#alerts.set(a.id, a)
  }

  /** Sends a driver message at once (a few a day: not staged for the tick); answers the rooms that had a listener. */
  sendDriverMessage(rooms: readonly RoomName[], message: DriverMessage): RoomName[] {
    this.io.to([...rooms]).emit('driverMessage', message)
    this.#metrics.liveEmits.inc()
    return rooms.filter((r) => this.#hasMembers(r))
  }

  /** Tells signed-in accounts of a notice at once (their own internal rooms, `user#<id>`: every instance's sockets through the adapter). */
  sendNotice(accountRooms: readonly string[], push: NoticePush): void {
    if (accountRooms.length === 0) return
    this.io.to([...accountRooms]).emit('notice', push)
    this.#metrics.liveEmits.inc()
  }

  /** Stages a stop's next departures for its room. */
  publishArrivals(update: StopArrivalsUpdate): void {
    this.#arrivals.set(update.stopCode, update)
  }

  /** Booking state of a trip's departures to the rooms of its stops that someone watches (villager pages). */
  publishTripBookings(stopCodes: readonly string[], state: TripBookingState): void {
    const watched = new Set(this.#stopRooms())
    const rooms = [...new Set(stopCodes)].filter((c) => watched.has(c)).map((c) => `stop:${c}` as const)
    if (rooms.length === 0) return
    this.io.to(rooms).emit('tripBookings', [state])
    this.#metrics.liveEmits.inc()
  }

  /** Stop codes whose room has at least one member (the only stops worth computing departures for). */
  watchedStops(): string[] {
    return this.#stopRooms()
  }

  /** Stages booking changes for dispatchers (room `all`) and each trip's room (its driver), emitted as one array per room per tick. */
  publishBookings(changes: readonly LiveBookingChange[]): void {
    this.#bookings.push(...changes)
  }

  /** Emits one array per room with pending positions; runs every tick. */
  flush(): void {
    const pending = this.#pending
    if (pending.size > 0) {
      this.#pending = new Map()
      for (const [room, byVehicle] of pending) {
        this.io.to(room).emit('positions', [...byVehicle.values()])
        this.#metrics.liveEmits.inc()
      }
    }
    if (this.#states.size > 0) {
      const states = this.#states
      this.#states = new Map()
      for (const [room, byVehicle] of states) {
        this.io.to(room).emit('vehicleStates', [...byVehicle.values()])
        this.#metrics.liveEmits.inc()
      }
    }
    if (this.#alerts.size > 0) {
      const alerts = [...this.#alerts.values()]
      this.#alerts = new Map()
      this.io.to('all').emit('alerts', alerts)
      this.#metrics.liveEmits.inc()
    }
    if (this.#arrivals.size > 0) {
      const arrivals = this.#arrivals
      this.#arrivals = new Map()
      for (const [code, update] of arrivals) {
        this.io.to(`stop:${code}`).emit('arrivals', update)
        this.#metrics.liveEmits.inc()
      }
    }
    if (this.#bookings.length > 0) {
      const bookings = this.#bookings
      this.#bookings = []
      this.io.to('all').emit('bookings', bookings)
      this.#metrics.liveEmits.inc()
      const byTrip = new Map<RoomName, LiveBookingChange[]>()
      for (const b of bookings) {
        const room: RoomName = `trip:${b.tripInstanceId}`
        if (this.#hasMembers(room)) byTrip.set(room, [...(byTrip.get(room) ?? []), b])
      }
      for (const [room, changes] of byTrip) {
        this.io.to(room).emit('bookings', changes)
        this.#metrics.liveEmits.inc()
      }
    }
    if (this.#links.length > 0) {
      const links = this.#links
      this.#links = []
      this.io.to('all').emit('link', links)
      this.#metrics.liveEmits.inc()
    }
  }

  /** Stops the ticks and hangs up; a second call does nothing. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    clearInterval(this.#presenceTimer)
    this.flush()
    // Not io.close(): that would close the HTTP server, which fastify owns.
    this.io.local.disconnectSockets(true)
    this.io.engine.close()
  }
}
