/**
 * `npm run build`: the web apps (console, villager page, driver page) and the server's JavaScript.
 * With `--if-stale` (what `npm start` runs) a target is built only when its output is missing or was
 * built from other sources. Names pick targets: `node --import tsx scripts/build.ts --if-stale console`.
 */
import { fileURLToPath } from 'node:url'
import { consoleApp } from '../apps/console/scripts/build.js'
import { driverApp } from '../apps/driver/scripts/build.js'
import { villagerApp } from '../apps/villager/scripts/build.js'
import { serverBuild } from './build/emit.js'
import type { BuildOptions, Target } from './build/target.js'

export const TARGETS: Record<string, Target & { build(opts?: BuildOptions): Promise<'fresh' | 'built'> }> = {
  console: consoleApp,
  villager: villagerApp,
  driver: driverApp,
  server: serverBuild,
}

async function main(args: string[]): Promise<void> {
  const ifStale = args.includes('--if-stale')
  const names = args.filter((a) => !a.startsWith('--'))
  const unknown = names.filter((n) => !(n in TARGETS))
  if (unknown.length > 0)
    throw new Error(`unknown target ${unknown.join(', ')} (targets: ${Object.keys(TARGETS).join(', ')})`)
  for (const name of names.length > 0 ? names : Object.keys(TARGETS)) {
    const target = TARGETS[name] as (typeof TARGETS)[string]
    try {
      await target.build({ force: !ifStale })
    } catch (err) {
      throw new Error(`${target.label}: build failed: ${(err as Error).message}`, { cause: err })
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(err.message)
    process.exit(1)
  })
}
