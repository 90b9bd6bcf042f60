/**
 * Runs one simulation in a worker thread, so a host (the server) keeps its event loop to itself.
 * Options come in `workerData`; stats go out as messages; `{ type: 'stop' }` ends the run early.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { startSimulation } from './runner.js'
import type { WorkerOptions, WorkerReply, WorkerRequest } from './worker-protocol.js'

const port = parentPort
if (!port) throw new Error('worker.ts runs inside a worker thread (use runInWorker)')
const post = (m: WorkerReply): void => port.postMessage(m)
const options = workerData as WorkerOptions

try {
  const sim = await startSimulation({
    ...options,
    onStats: (stats) => post({ type: 'stats', stats }),
    onLog: (line) => post({ type: 'log', line }),
  })
  post({ type: 'started', vehicles: sim.vehicles, stats: sim.stats() })
  port.on('message', (m: WorkerRequest) => {
    if (m.type === 'stop') void sim.stop()
  })
  const final = await sim.done
  post({ type: 'done', stats: final })
} catch (err) {
  post({ type: 'error', message: (err as Error).message })
}
port.close()
