/**
 * The villager page's build into apps/villager/dist (how and when: scripts/build/target.ts), and
 * its first-load size, printed after each build against the 40 KB budget.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { webApp } from '../../../scripts/build/target.js'

const DIST = fileURLToPath(new URL('../dist', import.meta.url))
/** Compressed JS + CSS (the page with its inlined CSS, and the script) of a first visit. */
export const FIRST_LOAD_BUDGET_BYTES = 40 * 1024
/** First contentful paint at 400 kbit/s, 400 ms round trip, CPU ×4 (measured by the end-to-end test). */
export const FIRST_PAINT_BUDGET_MS = 2000

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

export const villagerApp = webApp({
  dir: 'apps/villager',
  label: 'the villager page (apps/villager)',
  // It bundles the shared HTTP client (@rb/web/http); of @rb/domain and @rb/protocol, types only.
  alsoFrom: ['packages/web/src'],
  summary: () =>
    `first load ${(firstLoadBytes().total / 1024).toFixed(1)} KB gzip (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} KB)`,
})

export const buildVillager = villagerApp.build
