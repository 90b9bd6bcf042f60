/**
 * A publisher process of the bench: hosts the simulator's load generator (`connectLoad` of
 * @rb/sim, the same one `npm run sim -- --load` runs) in a process of its own, so its CPU is
 * counted apart and the bench's event loop (latency probe, /metrics polling) does not pace it.
 * Forked by load.ts; it only relays the parent's messages.
 */
import { connectLoad, type LoadGenerator, type LoadReport, type LoadRun } from '@rb/sim'
import { onParentMessage, reply } from './proc.js'

export type HostIn =
  | { type: 'connect'; url: string; ids: string[]; connections: number; topicPrefix?: string; clientIdPrefix: string }
  | { type: 'open'; hz: number; seconds: number; startAt: number }
  | { type: 'closed'; seconds: number; window: number; startAt: number; credit: number | null }
  | { type: 'credit'; upTo: number }
  | { type: 'bye' }

export type HostOut = { type: 'connected'; ms: number } | { type: 'done'; report: LoadReport }

/** The bench waits this long for the last acknowledgements of a step. */
const DRAIN_TIMEOUT_MS = 180_000

let gen: LoadGenerator | undefined
let run: LoadRun | undefined

const loaded = (): LoadGenerator => {
  if (!gen) throw new Error('load-host: connect first')
  return gen
}

// Credit arrives while a run is in progress: handled at once, outside the ordered handler chain.
process.on('message', (msg: HostIn) => {
  if (msg.type === 'credit') run?.grant(msg.upTo)
})

onParentMessage<HostIn>(async (msg) => {
  switch (msg.type) {
    case 'connect': {
      gen = await connectLoad({
        mqttUrl: msg.url,
        vehicles: msg.ids,
        connections: msg.connections,
        topicPrefix: msg.topicPrefix,
        clientIdPrefix: msg.clientIdPrefix,
      })
      // A bench step with vehicles that cannot send would measure less than it says.
      if (gen.warnings.length > 0) throw new Error(gen.warnings.join('; '))
      return reply<HostOut>({ type: 'connected', ms: gen.connectMs })
    }
    case 'open':
      run = loaded().openLoop({
        hz: msg.hz,
        seconds: msg.seconds,
        startAt: msg.startAt,
        drainTimeoutMs: DRAIN_TIMEOUT_MS,
      })
      return reply<HostOut>({ type: 'done', report: await run.done })
    case 'closed':
      run = loaded().closedLoop({
        window: msg.window,
        seconds: msg.seconds,
        startAt: msg.startAt,
        credit: msg.credit ?? undefined,
        drainTimeoutMs: DRAIN_TIMEOUT_MS,
      })
      return reply<HostOut>({ type: 'done', report: await run.done })
    case 'credit':
      return
    case 'bye':
      await gen?.close()
      process.exit(0)
  }
})
