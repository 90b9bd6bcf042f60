/** The shared build-if-stale logic (scripts/build/target.ts) on a target of its own. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTarget, REPO, type Target } from '../../scripts/build/target.js'

describe('build targets', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  /** A target made of dir/src whose output is dir/out/index.html; counts its builds. */
  function makeTarget() {
    const dir = mkdtempSync(join(tmpdir(), 'rb-build-target-'))
    dirs.push(dir)
    const rel = (p: string): string => relative(REPO, join(dir, p))
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const a = 1\n')
    writeFileSync(join(dir, 'src', 'main.test.ts'), 'test one\n')
    const built = { count: 0 }
    const target: Target = {
      label: 'a test target',
      inputs: () => [rel('src')],
      outputs: [rel('out/index.html')],
      stamp: rel('out/.source-hash'),
      async make() {
        built.count++
        mkdirSync(join(dir, 'out'), { recursive: true })
        writeFileSync(join(dir, 'out', 'index.html'), '<p>built</p>\n')
      },
    }
    return { dir, target, built }
  }

  it('builds when missing, then only when an input changes (tests are not inputs) or when forced', async () => {
    const { dir, target, built } = makeTarget()
    expect(await buildTarget(target, { quiet: true })).toBe('built')
    expect(await buildTarget(target, { quiet: true })).toBe('fresh')
    writeFileSync(join(dir, 'src', 'main.test.ts'), 'test two\n')
    expect(await buildTarget(target, { quiet: true })).toBe('fresh')
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const a = 2\n')
    expect(await buildTarget(target, { quiet: true })).toBe('built')
    writeFileSync(join(dir, 'src', 'extra.ts'), 'export const b = 1\n')
    expect(await buildTarget(target, { quiet: true })).toBe('built')
    expect(await buildTarget(target, { quiet: true, force: true })).toBe('built')
    expect(built.count).toBe(4)
  })

  it('builds again when the output is gone, and a failed build leaves it stale', async () => {
    const { dir, target, built } = makeTarget()
    await buildTarget(target, { quiet: true })
    rmSync(join(dir, 'out', 'index.html'))
    expect(await buildTarget(target, { quiet: true })).toBe('built')
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const a = 3\n')
    const failing: Target = { ...target, make: () => Promise.reject(new Error('syntax error')) }
    await expect(buildTarget(failing, { quiet: true })).rejects.toThrow('syntax error')
    expect(await buildTarget(target, { quiet: true })).toBe('built')
    expect(built.count).toBe(3)
  })
})
