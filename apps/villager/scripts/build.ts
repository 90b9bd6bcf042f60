/**
 * Builds the villager page into apps/villager/dist. With `--if-stale` (what `npm start` runs) it
 * builds only when dist is missing or was built from other sources (a hash of the inputs is kept
 * in dist/.source-hash). Prints the first-load size, compressed, against the 40 KB budget.
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
/** Compressed JS + CSS (the page with its inlined CSS, and the script) of a first visit. */
export const FIRST_LOAD_BUDGET_BYTES = 40 * 1024
/** First contentful paint at 400 kbit/s, 400 ms round trip, CPU ×4 (measured by the end-to-end test). */
export const FIRST_PAINT_BUDGET_MS = 2000

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

/**
 * Gzipped bytes of what a first visit loads: the page (its CSS is inlined) and the scripts it
 * names (the entry and what it preloads). The views a first visit does not need are a chunk of
 * their own (`src/lazy.ts`), fetched later; `lazy` is its size.
 */
export function firstLoadBytes(): { html: number; js: number; total: number; lazy: number } {
  const page = readFileSync(join(DIST, 'index.html'), 'utf8')
  const html = gzipSync(page).length
  const named = new Set([...page.matchAll(/(?:src|href)="\/s\/assets\/([^"]+\.js)"/g)].map((m) => m[1] as string))
  const size = (f: string): number => gzipSync(readFileSync(join(DIST, 'assets', f)), { level: 9 }).length
  const all = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js'))
  const js = all.filter((f) => named.has(f)).reduce((sum, f) => sum + size(f), 0)
  const lazy = all.filter((f) => !named.has(f)).reduce((sum, f) => sum + size(f), 0)
  return { html, js, total: html + js, lazy }
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
