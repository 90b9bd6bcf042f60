/**
 * The demo county's basemap as a PMTiles archive, made once per process from the demo's own data
 * (`demoBasemap`): about about 600 KB, a second or two of work at start, nothing in the repository.
 */
import { DEFAULT_DEMO_SEED, demoBasemap } from '@rb/domain'
import { vectorArchive } from './vector-archive.js'

const made = new Map<number, Buffer>()

export const DEMO_ZOOMS = { minZoom: 5, maxZoom: 12 } as const

export function demoArchive(seed = DEFAULT_DEMO_SEED): Buffer {
  let archive = made.get(seed)
  if (!archive) {
    archive = vectorArchive(demoBasemap({ seed }), { ...DEMO_ZOOMS, name: 'demo county basemap', attribution: '' })
    made.set(seed, archive)
  }
  return archive
}
