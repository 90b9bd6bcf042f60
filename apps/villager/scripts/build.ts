/**
 * Builds the villager page into apps/villager/dist. With `--if-stale` (what `npm start` runs) it
 * builds only when dist is missing or was built from other sources (a hash of the inputs is kept
 * in dist/.source-hash). Prints the first-load size, compressed, against the 150 KB budget.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

export const VILLAGER_ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(VILLAGER_ROOT, 'dist')
const REPO = join(VILLAGER_ROOT, '../..')
const STAMP = join(DIST, '.source-hash')
/** What the bundle is made of (tests are not). */
const INPUTS = ['apps/villager/src', 'apps/villager/index.html', 'apps/villager/vite.config.ts', 'apps/villager/package.json', 'node_modules/socket.io-client/package.json', 'node_modules/vite/package.json']
/** DESIGN.md §8: compressed JS + CSS of the first load. */
export const FIRST_LOAD_BUDGET_BYTES = 150 * 1024

function files(path: string): string[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path).sort().flatMap((name) => (name.endsWith('.test.ts') || name === 'test-factories.ts' ? [] : files(join(path, name))))
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
  return existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash()
}

/** Gzipped bytes of what a first visit loads: the page (its CSS is inlined) and its scripts. */
export function firstLoadBytes(): { html: number; js: number; total: number } {
  const html = gzipSync(readFileSync(join(DIST, 'index.html'))).length
  const js = readdirSync(join(DIST, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, 'assets', f)), { level: 9 }).length, 0)
  return { html, js, total: html + js }
}

/** Builds unless fresh (or always with force); says which. */
export async function buildVillager(opts: { force?: boolean; quiet?: boolean } = {}): Promise<'fresh' | 'built'> {
  if (!opts.force && isFresh()) return 'fresh'
  const hash = sourceHash()
  const t0 = Date.now()
  if (!opts.quiet) console.log('building the villager page (apps/villager) …')
  await build({ configFile: join(VILLAGER_ROOT, 'vite.config.ts'), logLevel: opts.quiet ? 'error' : 'warn' })
  writeFileSync(STAMP, `${hash}\n`)
  if (!opts.quiet) {
    const size = firstLoadBytes()
    console.log(`villager page built in ${((Date.now() - t0) / 1000).toFixed(1)} s → apps/villager/dist; first load ${(size.total / 1024).toFixed(1)} KB gzip (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} KB)`)
  }
  return 'built'
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildVillager({ force: !process.argv.includes('--if-stale') }).catch((err: Error) => {
    console.error(`villager page build failed: ${err.message}`)
    process.exit(1)
  })
}
