/** Test-only: the files of the GTFS sample feed beside this file, as text by file name. */
// eslint-disable-next-line no-restricted-imports -- test fixture loader; the GTFS code never imports it
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const DIR = fileURLToPath(new URL('./sample-feed/', import.meta.url))

export function loadSampleFeed(): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of readdirSync(DIR)) if (name.endsWith('.txt')) files[name] = readFileSync(DIR + name, 'utf8')
  return files
}
