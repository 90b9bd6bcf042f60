// Worker thread entry, a plain .mjs file so the worker starts the same way everywhere: from the
// emitted JavaScript (`npm run build` puts worker.js beside this file in build/), or from the
// TypeScript source under `node --import tsx` or vitest, where it loads TypeScript support first.
import { existsSync } from 'node:fs'
import { URL } from 'node:url'

const compiled = new URL('./worker.js', import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('./worker.ts')
}
