/**
 * Builds the console into apps/console/dist. With `--if-stale` (what `npm start` runs) it builds
 * only when dist is missing or was built from other sources: a hash of the inputs is kept in
 * dist/.source-hash. Used by `npm run build`, `npm start` and the end-to-end tests' global setup.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

export const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url))
const REPO = join(CONSOLE_ROOT, '../..')
const STAMP = join(CONSOLE_ROOT, 'dist', '.source-hash')
/** What the bundle is made of (tests are not). */
const INPUTS = ['apps/console/src', 'apps/console/index.html', 'apps/console/vite.config.ts', 'apps/console/package.json', 'packages/domain/src/access', 'node_modules/maplibre-gl/package.json', 'node_modules/socket.io-client/package.json', 'node_modules/vite/package.json']

function files(path: string): string[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path).sort().flatMap((name) => (name.endsWith('.test.ts') ? [] : files(join(path, name))))
}

export function sourceHash(): string {
  const hash = createHash('sha256')
  for (const input of INPUTS) {
    for (const file of files(join(REPO, input))) {
      hash.update(relative(REPO, file))
      hash.update('\0')
      hash.update(readFileSync(file))
      hash.update('\0')
    }
  }
  return hash.digest('hex')
}

export function isFresh(): boolean {
  return existsSync(join(CONSOLE_ROOT, 'dist', 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash()
}

/** Builds unless fresh (or always with force); says which. */
export async function buildConsole(opts: { force?: boolean; quiet?: boolean } = {}): Promise<'fresh' | 'built'> {
  if (!opts.force && isFresh()) return 'fresh'
  const hash = sourceHash()
  const t0 = Date.now()
  if (!opts.quiet) console.log('building the dispatcher console (apps/console) …')
  await build({ configFile: join(CONSOLE_ROOT, 'vite.config.ts'), logLevel: opts.quiet ? 'error' : 'warn' })
  writeFileSync(STAMP, `${hash}\n`)
  if (!opts.quiet) console.log(`console built in ${((Date.now() - t0) / 1000).toFixed(1)} s → apps/console/dist`)
  return 'built'
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale')
  buildConsole({ force: !ifStale }).catch((err: Error) => {
    console.error(`console build failed: ${err.message}`)
    process.exit(1)
  })
}
