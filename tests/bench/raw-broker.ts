/**
 * A plain aedes broker in its own process, as the server embeds it but without the ingest hook:
 * the "embedded-style" broker of the raw pass-through measurement.
 */
import { createServer } from 'node:net'
import { Aedes } from 'aedes'
import { onParentMessage, reply } from './proc.js'
import { cpuMs } from '@rb/sim/sample'

export type BrokerIn = { type: 'cpu' } | { type: 'bye' }
export type BrokerOut = { type: 'ready'; port: number } | { type: 'cpu'; ms: number }

const broker = await Aedes.createBroker()
const server = createServer(broker.handle)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
const addr = server.address()
reply<BrokerOut>({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 })

onParentMessage<BrokerIn>(async (msg) => {
  switch (msg.type) {
    case 'cpu':
      return reply<BrokerOut>({ type: 'cpu', ms: cpuMs() })
    case 'bye':
      await new Promise<void>((r) => broker.close(() => r()))
      server.close()
      process.exit(0)
  }
})
