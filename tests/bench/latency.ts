/**
 * Publish → socket latency: a socket.io client in the 'all' room. Each point's `ts` is its send
 * time, so receipt time − ts is the whole path on one machine clock: MQTT, validation, live hub,
 * socket.io. The hub coalesces per tick, which alone adds 0 … LIVE_TICK_MS (half a tick on average).
 */
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, LivePosition, ServerToClientEvents, SubscribeAck } from '@rb/protocol'
import { Sample, type Summary } from '@rb/sim/sample'

export interface LatencyWindow {
  /** Positions received with ts in the window. */
  received: number
  ms: Summary
  /** `positions` events (one per tick) and their mean size. */
  batches: number
  meanBatch: number
}

export interface LiveProbe {
  /** Starts counting positions whose ts ≥ `fromTs`. */
  start(fromTs: number): void
  /** Stops and returns the window's figures. */
  stop(): LatencyWindow
  close(): void
}

/** Counts only vehicles whose id starts with `idPrefix` (the bench's own). The `all` room needs a staff session's `token`. */
export async function connectLiveProbe(baseUrl: string, idPrefix: string, token: string): Promise<LiveProbe> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, {
    transports: ['websocket'],
    reconnection: true,
    auth: { token },
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket.io: no connection within 10 s')), 10_000)
      socket.once('connect', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    const ack = await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', ['all'], resolve))
    if (!ack.ok) throw new Error(`socket.io: subscribe refused: ${JSON.stringify(ack.refused)}`)
  } catch (err) {
    // A socket left open would keep reconnecting and the bench from exiting.
    socket.close()
    throw err
  }

  let sample: Sample | undefined
  let fromTs = Infinity
  let batches = 0
  let inBatches = 0
  socket.on('positions', (batch: LivePosition[]) => {
    if (!sample) return
    const now = Date.now()
    let mine = 0
    for (const p of batch) {
      if (p.ts < fromTs || !p.vehicleId.startsWith(idPrefix)) continue
      sample.add(now - p.ts)
      mine++
    }
    if (mine > 0) {
      batches++
      inBatches += batch.length
    }
  })
  return {
    start(ts) {
      sample = new Sample()
      fromTs = ts
      batches = 0
      inBatches = 0
    },
    stop() {
      const s = sample ?? new Sample()
      sample = undefined
      return { received: s.size, ms: s.summary(), batches, meanBatch: batches > 0 ? inBatches / batches : 0 }
    },
    close() {
      socket.close()
    },
  }
}
