/** The zip container of a GTFS feed, via fflate (pure JS). */
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate'
import { GtfsError } from './errors.js'

// A county feed is a few megabytes; anything near this is a zip bomb or the wrong file.
const MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024

export interface ZipContents {
  /** Text of each `.txt` file at the feed root, by file name. */
  files: Map<string, string>
  warnings: string[]
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Reads the `.txt` files of a feed. Throws BAD_ZIP for anything that is not a zip, BAD_VALUE for non-UTF-8 text. */
export function readZip(bytes: Uint8Array): ZipContents {
  // Every zip, even an empty one, ends with a 22-byte end-of-central-directory record; most start with PK.
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new GtfsError('BAD_ZIP', `not a zip archive (${bytes.length} bytes, no PK signature)`)
  }
  let total = 0
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (!isFeedText(file.name)) return false
        total += file.originalSize
        if (total > MAX_UNCOMPRESSED_BYTES) throw new Error(`more than ${MAX_UNCOMPRESSED_BYTES} bytes uncompressed`)
        return true
      },
    })
  } catch (err) {
    throw new GtfsError('BAD_ZIP', `cannot read the zip archive: ${(err as Error).message}`)
  }
  const warnings: string[] = []
  const root = feedRoot(Object.keys(entries))
  if (root) warnings.push(`the feed files are in the folder '${root}' inside the zip; GTFS wants them at the root`)
  const files = new Map<string, string>()
  for (const [name, data] of Object.entries(entries)) {
    if (!name.startsWith(root) || name.slice(root.length).includes('/')) continue
    const file = name.slice(root.length)
    try {
      files.set(file, utf8.decode(data))
    } catch {
      throw new GtfsError('BAD_VALUE', 'the file is not valid UTF-8 text', { file })
    }
  }
  return { files, warnings }
}

function isFeedText(name: string): boolean {
  return name.endsWith('.txt') && !name.startsWith('__MACOSX/') && !name.split('/').some((part) => part.startsWith('.'))
}

/** '' when the files are at the root, else the one folder that holds agency.txt (zipped folder). */
function feedRoot(names: readonly string[]): string {
  if (names.some((name) => !name.includes('/'))) return ''
  const folders = names
    .filter((name) => name.endsWith('/agency.txt'))
    .map((name) => name.slice(0, -'agency.txt'.length))
  return folders.length === 1 ? (folders[0] as string) : ''
}

/**
 * Zips text files. `mtime` is a local date-time string (`2026-09-01T00:00:00`) stamped on every
 * entry, so the same feed gives the same bytes and nothing reads the clock.
 */
export function writeZip(files: ReadonlyArray<readonly [name: string, text: string]>, mtime: string): Uint8Array {
  const zippable: Zippable = {}
  for (const [name, text] of files) zippable[name] = strToU8(text)
  return zipSync(zippable, { level: 6, mtime })
}
