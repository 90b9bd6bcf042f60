/**
 * The server as JavaScript, so production runs plain `node` (no TypeScript loader). The server and
 * every workspace package it imports (followed through the `@rb/` dependencies of their
 * package.json) have their src/ emitted file by file into build/ beside it: the same folder depth,
 * so what a module finds from its own location — migrations, the web apps' dist/, scenarios, the
 * worker scripts — is where it was. Each package's exports send Node to build/ under the
 * `rb-built` condition (`node --conditions=rb-built apps/server/build/main.js`); everything else
 * (tsx, vitest, Vite, tsc) takes `default`, the TypeScript source.
 *
 * Each file is transpiled on its own (the tsconfig has isolatedModules, as tsx and Vite need):
 * `npm run typecheck` is the type check, and the image build runs it before this.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import ts from 'typescript'
import { REPO, buildTarget, type BuildOptions, type Target } from './target.js'

/** The export condition that selects the emitted JavaScript. */
export const BUILT_CONDITION = 'rb-built'
/** The entry production runs. */
export const SERVER_ENTRY = 'apps/server/build/main.js'

interface Workspace {
  /** From the repository root, e.g. "packages/db". */
  dir: string
  name: string
  exports?: Record<string, unknown>
  dependencies?: Record<string, string>
}

function readWorkspace(dir: string): Workspace {
  return { ...(JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8')) as Omit<Workspace, 'dir'>), dir }
}

/** The server and the workspace packages it needs at run time, dependencies first. */
export function serverWorkspaces(): Workspace[] {
  const seen = new Map<string, Workspace>()
  const visit = (ws: Workspace): void => {
    if (seen.has(ws.name)) return
    for (const dep of Object.keys(ws.dependencies ?? {}).filter((d) => d.startsWith('@rb/'))) {
      visit(readWorkspace(relative(REPO, realpathSync(join(REPO, 'node_modules', dep)))))
    }
    seen.set(ws.name, ws)
  }
  visit(readWorkspace('apps/server'))
  return [...seen.values()]
}

/** Tests, their helpers and data are not shipped. */
const skipped = (name: string): boolean =>
  name.endsWith('.test.ts') || name.endsWith('.d.ts') || name === 'test-factories.ts' || name === 'testdata'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      if (skipped(name)) return []
      const path = join(dir, name)
      return statSync(path).isDirectory() ? sourceFiles(path) : [path]
    })
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(REPO, 'tsconfig.json')
  const read = ts.readConfigFile(file, (p) => ts.sys.readFile(p))
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'))
  const { options } = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO, undefined, file)
  return { ...options, noEmit: false, sourceMap: true, inlineSources: false, declaration: false }
}

/** Emits one package's src/ into build/ (emptied first); other files (worker scripts, SQL, JSON) are copied. */
function emitWorkspace(ws: Workspace, options: ts.CompilerOptions): number {
  const src = join(REPO, ws.dir, 'src')
  const out = join(REPO, ws.dir, 'build')
  rmSync(out, { recursive: true, force: true })
  let count = 0
  for (const file of sourceFiles(src)) {
    const target = join(out, relative(src, file))
    mkdirSync(dirname(target), { recursive: true })
    if (!file.endsWith('.ts')) {
      copyFileSync(file, target)
      continue
    }
    const js = target.replace(/\.ts$/, '.js')
    const result = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: options,
      fileName: file,
      reportDiagnostics: true,
    })
    const problems = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error)
    if (problems.length > 0)
      throw new Error(
        `${relative(REPO, file)}: ${problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`,
      )
    writeFileSync(js, result.outputText)
    if (result.sourceMapText) {
      // The map sits beside the .js; its source is the .ts in src/.
      const map = JSON.parse(result.sourceMapText) as { sources: string[]; file: string }
      writeFileSync(`${js}.map`, JSON.stringify({ ...map, file: basename(js), sources: [relative(dirname(js), file)] }))
    }
    count++
  }
  return count
}

/** Each export of a package the server imports must name its emitted file under `rb-built`, and that file must exist. */
function checkExports(ws: Workspace): string[] {
  return Object.entries(ws.exports ?? {}).flatMap(([subpath, target]) => {
    const built =
      typeof target === 'object' && target ? (target as Record<string, unknown>)[BUILT_CONDITION] : undefined
    if (typeof built !== 'string')
      return [`${ws.dir}/package.json: export "${subpath}" has no "${BUILT_CONDITION}" condition`]
    if (Object.keys(target as object)[0] !== BUILT_CONDITION)
      return [`${ws.dir}/package.json: export "${subpath}": "${BUILT_CONDITION}" must come first`]
    return existsSync(join(REPO, ws.dir, built))
      ? []
      : [`${ws.dir}/package.json: export "${subpath}" names ${built}, which the build did not emit`]
  })
}

export const serverBuild: Target & { build(opts?: BuildOptions): Promise<'fresh' | 'built'> } = (() => {
  const target: Target = {
    label: 'the server (apps/server and the packages it imports → build/)',
    inputs: () => [
      ...serverWorkspaces().flatMap((ws) => [`${ws.dir}/src`, `${ws.dir}/package.json`]),
      'tsconfig.json',
      'node_modules/typescript/package.json',
      'scripts/build/emit.ts',
    ],
    outputs: [SERVER_ENTRY],
    stamp: 'apps/server/build/.source-hash',
    async make() {
      const options = compilerOptions()
      const workspaces = serverWorkspaces()
      const emitted = workspaces.map((ws) => `${ws.dir} ${emitWorkspace(ws, options)}`)
      // The server itself is imported by nothing: its own exports are not the way in.
      const problems = workspaces.filter((ws) => ws.dir !== 'apps/server').flatMap(checkExports)
      if (problems.length > 0) throw new Error(`the emitted packages cannot be imported:\n  ${problems.join('\n  ')}`)
      if (!existsSync(join(REPO, SERVER_ENTRY))) throw new Error(`${SERVER_ENTRY} was not emitted`)
      lastSummary = `files emitted: ${emitted.join(', ')}`
    },
    summary: () => lastSummary,
  }
  let lastSummary = ''
  return { ...target, build: (opts) => buildTarget(target, opts) }
})()
