/** Messages between a host and the simulation worker (structured-clone safe). */
import type { SimulationOptions } from './options.js'
import type { SimStats } from './stats.js'

/** Options a worker can take: everything but the in-process callbacks. */
export type WorkerOptions = Omit<SimulationOptions, 'onStats' | 'onEvent' | 'onLog' | 'now'>

export type WorkerRequest = { type: 'stop' }

export type WorkerReply =
  | { type: 'started'; vehicles: { id: string; trips: string[] }[]; stats: SimStats }
  | { type: 'stats'; stats: SimStats }
  | { type: 'log'; line: string }
  | { type: 'done'; stats: SimStats }
  | { type: 'error'; message: string }
