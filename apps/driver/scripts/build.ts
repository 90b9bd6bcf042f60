/**
 * Builds the driver page into apps/driver/dist. With `--if-stale` (what `npm start` runs) it
 * builds only when dist is missing or was built from other sources: a hash of the inputs (the
 * app's files and the versions of what it bundles) is kept in dist/.source-hash.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

export const DRIVER_ROOT = fileURLToPath(new URL('..', import.meta.url))
const REPO = join(DRIVER_ROOT, '../..')
const DIST = join(DRIVER_ROOT, 'dist')
const STAMP = join(DIST, '.source-hash')

/** The app's own files (tests are not part of the bundle) and the package.json of each dependency and of vite. */
function inputs(): string[] {
  const pkg = JSON.parse(readFileSync(join(DRIVER_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  const deps = [...Object.keys(pkg.dependencies ?? {}), 'vite'].map((d) => join(REPO, 'node_modules', d, 'package.json'))
  const own = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(DRIVER_ROOT, p))
  const walk = (path: string): string[] => {
    if (!existsSync(path)) return []
    if (!statSync(path).isDirectory()) return path.endsWith('.test.ts') ? [] : [path]
    return readdirSync(path).sort().flatMap((name) => walk(join(path, name)))
  }
  return [...own, ...deps].flatMap(walk)
}

function sourceHash(): string {
  const hash = createHash('sha256')
  for (const file of inputs()) hash.update(`${relative(REPO, file)}\0`).update(readFileSync(file)).update('\0')
  return hash.digest('hex')
}

const isFresh = (hash: string): boolean => existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash

/** Builds unless fresh (or always with force); says which. */
export async function buildDriver(opts: { force?: boolean; quiet?: boolean } = {}): Promise<'fresh' | 'built'> {
  const hash = sourceHash()
  if (!opts.force && isFresh(hash)) return 'fresh'
  const t0 = Date.now()
  if (!opts.quiet) console.log('building the driver page (apps/driver) …')
  await build({ configFile: join(DRIVER_ROOT, 'vite.config.ts'), logLevel: opts.quiet ? 'error' : 'warn' })
  writeFileSync(STAMP, `${hash}\n`)
  if (!opts.quiet) console.log(`driver page built in ${((Date.now() - t0) / 1000).toFixed(1)} s → apps/driver/dist`)
  return 'built'
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildDriver({ force: !process.argv.includes('--if-stale') }).catch((err: Error) => {
    console.error(`driver page build failed: ${err.message}`)
    process.exit(1)
  })
}
