/** Builds the console once before the end-to-end tests (skipped when the build is fresh). */
import { buildConsole } from '../../apps/console/scripts/build.js'

export default async function setup(): Promise<void> {
  await buildConsole({ quiet: true })
}
