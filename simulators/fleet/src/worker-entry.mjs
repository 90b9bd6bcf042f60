// Worker thread entry: loads TypeScript support, then the simulation worker. A plain .mjs file so
// the worker starts the same way under `node --import tsx`, vitest, or a bundled server.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
