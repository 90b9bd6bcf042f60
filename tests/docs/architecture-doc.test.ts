/**
 * docs/architecture.md's table "Where code lives" says what each workspace may import; the lint
 * rule (`BOUNDARIES` in eslint.config.js) enforces it. These tests fail when the two disagree,
 * when the pure packages are not the ones the document names, or when a workspace's package.json
 * does not declare what its code imports.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BOUNDARIES, PURE_PACKAGES } from '../../eslint.config.js'
import { codesIn, readDoc, tableRows } from './doc-table.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const doc = readDoc('architecture.md')
const rows = tableRows(doc, 'path').map((r) => ({
  path: (codesIn(r[0] ?? '')[0] ?? '').replace(/\/$/, ''),
  cell: r[2] ?? '',
}))

/** A "may import" cell as the rule spells it: `@rb/x` for values and types, `@rb/x (types)` for types only. */
function allowed(cell: string): string[] {
  if (/^(nothing|everything)$/.test(cell)) return []
  return cell.split(/,\s*/).map((part) => {
    const name = codesIn(part)[0]
    if (!name) throw new Error(`"${part}" in "${cell}" names no workspace in backticks`)
    return /\(types\)/.test(part) ? `${name} (types)` : name
  })
}
const ruleOf = (b: { may: string[]; types?: string[] }): string[] => [
  ...b.may,
  ...(b.types ?? []).map((t) => `${t} (types)`),
]

describe('docs/architecture.md', () => {
  it('has a row for every workspace the lint rule knows, allowing the same imports', () => {
    const wrong = BOUNDARIES.flatMap((b) => {
      const row = rows.find((r) => r.path === b.path)
      if (!row) return [`${b.path}: no row`]
      const said = allowed(row.cell).sort()
      const rule = ruleOf(b).sort()
      return said.join(', ') === rule.join(', ')
        ? []
        : [`${b.path}: the table says ${said.join(', ') || 'nothing'}, the rule ${rule.join(', ') || 'nothing'}`]
    })
    expect(wrong).toEqual([])
  })

  it('names no import for a part of a workspace beyond what the workspace may import', () => {
    const wrong = rows.flatMap((r) => {
      const parent = BOUNDARIES.find((b) => r.path !== b.path && r.path.startsWith(`${b.path}/`))
      if (!parent)
        return BOUNDARIES.some((b) => b.path === r.path) || r.cell === 'everything'
          ? []
          : [`${r.path}: no lint rule covers it`]
      const rule = new Set(ruleOf(parent))
      return allowed(r.cell)
        .filter((a) => !rule.has(a) && !rule.has(a.replace(' (types)', '')))
        .map((a) => `${r.path}: ${a}`)
    })
    expect(wrong).toEqual([])
  })

  it('names the pure packages (no I/O, no clock) the lint rule checks', () => {
    const sentence = doc.split('\n\n').find((p) => p.includes('import no') && p.includes('I/O modules')) ?? ''
    expect(
      codesIn(sentence)
        .filter((c) => c.startsWith('packages/'))
        .sort(),
    ).toEqual([...PURE_PACKAGES].sort())
  })
})

/**
 * The simulator's worker entry loads the root's tsx only when it runs from the TypeScript source (development,
 * tests); built, it imports the emitted worker.js and production never reaches tsx.
 */
const UNDECLARED_OK = new Set(['tsx'])

/** Bare module names imported by a workspace's code (tests and their helpers left out). */
function importsOf(dir: string): Set<string> {
  const names = new Set<string>()
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'testdata' && e.name !== 'testing') walk(path)
      } else if (
        /\.(ts|mjs)$/.test(e.name) &&
        !/\.(test|d)\.ts$/.test(e.name) &&
        !/^test-(factories|support)\./.test(e.name)
      ) {
        const text = readFileSync(path, 'utf8')
        for (const m of text.matchAll(
          /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/g,
        )) {
          const spec = (m[1] ?? m[2]) as string
          if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0] as string)) continue
          names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string))
        }
      }
    }
  }
  walk(join(dir, 'src'))
  return names
}

describe('package.json of each workspace', () => {
  it('declares every package its code imports', () => {
    const wrong = BOUNDARIES.flatMap((b) => {
      const pkg = JSON.parse(readFileSync(join(ROOT, b.path, 'package.json'), 'utf8')) as {
        name: string
        dependencies?: Record<string, string>
        devDependencies?: Record<string, string>
      }
      const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})])
      return [...importsOf(join(ROOT, b.path))]
        .filter((n) => n !== pkg.name && !declared.has(n) && !UNDECLARED_OK.has(n))
        .map((n) => `${b.path} imports ${n}`)
    })
    expect(wrong).toEqual([])
  })

  it('exports only files that exist', () => {
    // An export is a file, or one per condition (`rb-built` for the emitted build, `default` for the
    // source); the emitted files exist only after `npm run build`, which checks them itself.
    const sources = (target: unknown): string[] =>
      typeof target === 'string'
        ? [target]
        : Object.entries(target as Record<string, unknown>).flatMap(([condition, t]) =>
            condition === 'rb-built' ? [] : sources(t),
          )
    const wrong = BOUNDARIES.flatMap((b) => {
      const pkg = JSON.parse(readFileSync(join(ROOT, b.path, 'package.json'), 'utf8')) as {
        exports?: Record<string, unknown>
      }
      return Object.values(pkg.exports ?? {})
        .flatMap(sources)
        .filter((file) => {
          try {
            readFileSync(join(ROOT, b.path, file))
            return false
          } catch {
            return true
          }
        })
        .map((file) => `${b.path}: ${file}`)
    })
    expect(wrong).toEqual([])
  })
})
