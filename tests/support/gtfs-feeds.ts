/** GTFS feeds for tests: the reference sample feed (Nevada), as files and zipped. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { zipSync } from 'fflate'

const SAMPLE = fileURLToPath(new URL('../../packages/gtfs/src/static/testdata/sample-feed/', import.meta.url))

/** The sample feed's text files by name. */
export function sampleFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(SAMPLE)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => [f, readFileSync(`${SAMPLE}${f}`, 'utf8')]),
  )
}

export function zipFeed(files: Record<string, string>): Uint8Array {
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([name, text]) => [name, new TextEncoder().encode(text)])),
  )
}

/** The sample feed with its Stagecoach stop called XY-0001: the demo county's bus station's number. */
export function nevadaFeed(): Uint8Array {
  const files = sampleFiles()
  for (const name of ['stops.txt', 'stop_times.txt'])
    files[name] = (files[name] ?? '').replaceAll('STAGECOACH', 'XY-0001')
  return zipFeed(files)
}
