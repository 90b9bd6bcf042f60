import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { io as connect, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, LivePosition, Position, ServerToClientEvents } from '@rb/protocol'
import { LiveHub } from './hub.js'
import { createMetrics } from '../metrics.js'

const pos = (vehicleId: string, ts: number): Position => ({
  vehicleId,
  ts,
  lng: 105 + ts / 1e6,
  lat: 28,
  speedKmh: 10,
  headingDeg: 0,
  accM: null,
  odoM: null,
  source: 'mqtt',
})

describe('LiveHub', () => {
  const cleanup: (() => void)[] = []
  afterEach(() => cleanup.splice(0).forEach((f) => f()))

  async function setup(rooms: string[]) {
    const http = createServer()
    const metrics = createMetrics()
    // A long tick: the test flushes by hand.
    const hub = new LiveHub(http, metrics, { tickMs: 60_000 })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()))
    const addr = http.address()
    const port = typeof addr === 'object' && addr ? addr.port : 0
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
    })
    const got: LivePosition[][] = []
    socket.on('positions', (b) => got.push(b))
    const ack = await new Promise<{ joined: string[]; refused: { room: string }[] }>((r) =>
      socket.emit('subscribe', rooms, r),
    )
    cleanup.push(() => {
      socket.close()
      hub.close()
      http.close()
    })
    return { hub, got, ack, metrics }
  }

  it('sends one array per room per tick with the newest fix per vehicle', async () => {
    const { hub, got, metrics } = await setup(['all'])
    hub.onPositions([pos('A', 1000), pos('B', 1000), pos('A', 3000), pos('A', 2000)])
    hub.flush()
    await expect.poll(() => got.length).toBe(1)
    expect(got[0]?.map((p) => [p.vehicleId, p.ts]).sort()).toEqual([
      ['A', 3000],
      ['B', 1000],
    ])
    expect((await metrics.registry.getSingleMetric('rb_live_emits_total')?.get())?.values[0]?.value).toBe(1)
    hub.flush()
    await new Promise((r) => setTimeout(r, 50))
    expect(got).toHaveLength(1)
  })

  it('a vehicle room gets only its vehicle; bad room names are refused with a reason', async () => {
    const { hub, got, ack } = await setup(['vehicle:B', 'everything', 'stop:XY-0421'])
    expect(ack.joined).toEqual(['vehicle:B', 'stop:XY-0421'])
    expect(ack.refused.map((r) => r.room)).toEqual(['everything'])
    hub.onPositions([pos('A', 1000), pos('B', 2000)])
    hub.flush()
    await expect.poll(() => got.length).toBe(1)
    expect(got[0]?.map((p) => p.vehicleId)).toEqual(['B'])
  })
})
