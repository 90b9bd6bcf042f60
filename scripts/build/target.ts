/**
 * What `npm run build` and `npm start` build, and when: each target names the files it is made of,
 * and a hash of them is kept beside its output. Built only when the output is missing or was built
 * from other sources (`--if-stale`), or always (`npm run build`). The web apps (console, villager
 * page, driver page) are Vite builds; the server and the packages it imports are emitted as
 * JavaScript (./emit.ts).
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as viteBuild } from 'vite'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))

export interface BuildOptions {
  /** Build even when fresh. */
  force?: boolean
  /** No progress lines (tests). */
  quiet?: boolean
}

export interface Target {
  /** What the log calls it, e.g. "the driver page (apps/driver)". */
  label: string
  /** Files and folders (from the repository root) the output is made from; tests are not. */
  inputs(): string[]
  /** What must exist (from the repository root) for the output to count as built. */
  outputs: string[]
  /** Where the hash of the inputs is kept, beside the output. */
  stamp: string
  make(opts: { quiet: boolean }): Promise<void>
  /** Appended to the "built" line, e.g. the first-load size. */
  summary?(): string
}

/** Test files and test helpers are never part of an output. */
const isTestFile = (name: string): boolean => name.endsWith('.test.ts') || name === 'test-factories.ts'

function files(path: string): string[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .sort()
    .flatMap((name) => (isTestFile(name) ? [] : files(join(path, name))))
}

export function sourceHash(target: Target): string {
  const hash = createHash('sha256')
  for (const input of target.inputs()) {
    for (const file of files(join(REPO, input)))
      hash
        .update(`${relative(REPO, file)}\0`)
        .update(readFileSync(file))
        .update('\0')
  }
  return hash.digest('hex')
}

export function isFresh(target: Target, hash = sourceHash(target)): boolean {
  const stamp = join(REPO, target.stamp)
  return (
    target.outputs.every((o) => existsSync(join(REPO, o))) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === hash
  )
}

/** Builds unless fresh (or always with force); says which. */
export async function buildTarget(target: Target, opts: BuildOptions = {}): Promise<'fresh' | 'built'> {
  const hash = sourceHash(target)
  if (!opts.force && isFresh(target, hash)) return 'fresh'
  const quiet = opts.quiet ?? false
  const t0 = Date.now()
  if (!quiet) console.log(`building ${target.label} …`)
  await target.make({ quiet })
  writeFileSync(join(REPO, target.stamp), `${hash}\n`)
  if (!quiet)
    console.log(
      `${target.label} built in ${((Date.now() - t0) / 1000).toFixed(1)} s${target.summary ? `; ${target.summary()}` : ''}`,
    )
  return 'built'
}

export interface WebApp {
  /** The app's folder from the repository root, e.g. "apps/driver"; its vite.config.ts builds into dist/. */
  dir: string
  label: string
  /** Files outside the app that the bundle takes in (a slice of a package). */
  alsoFrom?: string[]
  summary?(): string
}

/**
 * A Vite app: made of its own files, whatever else it names, and the package.json of each of its
 * dependencies and of Vite (their versions are what it bundles).
 */
export function webApp(app: WebApp): Target & { build(opts?: BuildOptions): Promise<'fresh' | 'built'> } {
  const target: Target = {
    label: app.label,
    inputs() {
      const pkg = JSON.parse(readFileSync(join(REPO, app.dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>
      }
      const deps = [...Object.keys(pkg.dependencies ?? {}), 'vite'].map((d) => `node_modules/${d}/package.json`)
      return [
        ...['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => `${app.dir}/${p}`),
        ...(app.alsoFrom ?? []),
        ...deps,
      ]
    },
    outputs: [`${app.dir}/dist/index.html`],
    stamp: `${app.dir}/dist/.source-hash`,
    async make({ quiet }) {
      // A production bundle whoever builds it: under vitest NODE_ENV is "test", and Vite would keep
      // the libraries' development code (the villager page's first load grew 2.3 KB gzip that way).
      const nodeEnv = process.env.NODE_ENV
      process.env.NODE_ENV = 'production'
      try {
        await viteBuild({
          configFile: join(REPO, app.dir, 'vite.config.ts'),
          mode: 'production',
          logLevel: quiet ? 'error' : 'warn',
        })
      } finally {
        if (nodeEnv === undefined) delete process.env.NODE_ENV
        else process.env.NODE_ENV = nodeEnv
      }
    },
    ...(app.summary ? { summary: app.summary } : {}),
  }
  return { ...target, build: (opts) => buildTarget(target, opts) }
}
