/**
 * Fleet simulator (docs/simulator.md). In-process: `startSimulation(options)`; in a worker thread:
 * `runInWorker(options)`. The pure core (`createFleet`) is exported for tests and tools that want
 * the fixes and ground truth without any network; the load generator (`connectLoad`) for
 * benchmarks that drive open and closed loops themselves (tests/bench).
 */
export { startSimulation, type Simulation } from './runner.js'
export { runInWorker, type WorkerSimulation, type WorkerHooks } from './run-in-worker.js'
export type { WorkerOptions, WorkerReply, WorkerRequest } from './worker-protocol.js'
export { resolveOptions, type SimulationOptions, type LoadOptions, type Protocol } from './options.js'
export { parseScenario, readScenario, type Scenario } from './scenario.js'
export { statusLine, summary, type SimStats } from './stats.js'
export {
  connectLoad,
  loadProblems,
  loadVehicleId,
  type LoadGenerator,
  type LoadGeneratorOptions,
  type LoadPlan,
  type LoadProgress,
  type LoadReport,
  type LoadRun,
  type OpenLoopOptions,
  type ClosedLoopOptions,
} from './load/generator.js'
export { Sample, summarize, cpuMs, type Summary } from './load/sample.js'
export { createFleet, type Fleet, type FleetVehicle, type Selection } from './model/fleet.js'
export {
  DEFAULT_BEHAVIOUR,
  FAULT_PROFILES,
  faultProfile,
  type BehaviourConfig,
  type FaultConfig,
  type FaultProfile,
  type ModelConfig,
  type SlowDriver,
  type Stranding,
} from './model/config.js'
export type * from './model/types.js'
export { fetchNetwork } from './source/api.js'
export { networkFromSnapshot } from './source/snapshot.js'
