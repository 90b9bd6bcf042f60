/**
 * docs/configuration.md has a row for every variable of apps/server/src/config.ts, with its
 * default (a fixed one as it is in the code), and no row for a variable the server does not read; and nothing but config.ts reads the
 * environment (so the table is all there is).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONFIG_SPEC } from '../../apps/server/src/config.js'
import { codesIn, readDoc, tableRows } from './doc-table.js'

const SERVER_SRC = fileURLToPath(new URL('../../apps/server/src/', import.meta.url))
const specs = Object.values(CONFIG_SPEC) as { name: string; default?: string }[]

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('docs/configuration.md', () => {
  const rows = tableRows(readDoc('configuration.md'), 'variable')
  const byName = new Map(rows.map((r) => [codesIn(r[0] ?? '')[0], r]))

  it('has a row for every variable, with its default', () => {
    const wrong = specs.flatMap((s) => {
      const row = byName.get(s.name)
      if (!row) return [`${s.name}: no row`]
      // A default the code derives (from the host name, another variable) is described in words.
      const shown = codesIn(row[1] ?? '')
      if (s.default === undefined || s.default === '' || shown.length === 0) return []
      return shown.includes(s.default) ? [] : [`${s.name}: default ${s.default}, the table says ${row[1]}`]
    })
    expect(wrong).toEqual([])
  })

  it('lists no variable the server does not read', () => {
    const names = new Set(specs.map((s) => s.name))
    expect([...byName.keys()].filter((n) => n === undefined || !names.has(n))).toEqual([])
  })

  it('is all there is: nothing but config.ts reads the environment', () => {
    const readers = sources(SERVER_SRC).filter(
      (f) => !f.endsWith('/config.ts') && !f.endsWith('/main.ts') && /process\.env\b/.test(readFileSync(f, 'utf8')),
    )
    expect(readers.map((f) => f.slice(SERVER_SRC.length))).toEqual([])
  })
})
