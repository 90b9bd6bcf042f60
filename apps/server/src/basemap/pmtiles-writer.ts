/**
 * Writes a PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
 * a 127-byte header, one gzip-compressed root directory, gzip-compressed JSON metadata, then the
 * tiles in tile-id order. Enough for the small archives this server makes itself (a county's
 * generated basemap: a few hundred tiles, a root directory well under the 16 KiB the spec allows
 * before leaf directories are needed).
 */
import { gzipSync } from 'node:zlib'

export interface ArchiveTile {
  z: number
  x: number
  y: number
  /** The tile as stored (already gzip-compressed when `tileCompression` is gzip). */
  data: Uint8Array
}

export interface ArchiveOptions {
  tileType: 'mvt' | 'png'
  tileCompression: 'none' | 'gzip'
  /** [west, south, east, north], degrees. */
  bounds: [number, number, number, number]
  center: [lng: number, lat: number, zoom: number]
  metadata: Record<string, unknown>
}

const COMPRESSION = { none: 1, gzip: 2 } as const
const TILE_TYPE = { mvt: 1, png: 2 } as const
const HEADER_BYTES = 127
const MAX_ROOT_BYTES = 16_384 - HEADER_BYTES

/** The tile's position on the Hilbert curve of its zoom, after every tile of the zooms above it. */
export function tileId(z: number, x: number, y: number): number {
  if (z > 26) throw new RangeError(`zoom ${z} is beyond what PMTiles addresses`)
  const n = 2 ** z
  if (x < 0 || y < 0 || x >= n || y >= n) throw new RangeError(`tile ${z}/${x}/${y} is outside its zoom`)
  let acc = (4 ** z - 1) / 3
  let tx = x
  let ty = y
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (tx & s) > 0 ? 1 : 0
    const ry = (ty & s) > 0 ? 1 : 0
    acc += s * s * ((3 * rx) ^ ry)
    if (ry === 0) {
      if (rx === 1) {
        tx = n - 1 - tx
        ty = n - 1 - ty
      }
      ;[tx, ty] = [ty, tx]
    }
  }
  return acc
}

function varint(out: number[], value: number): void {
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
}

interface Entry {
  tileId: number
  offset: number
  length: number
  runLength: number
}

function directory(entries: Entry[]): Uint8Array {
  const out: number[] = []
  varint(out, entries.length)
  let last = 0
  for (const e of entries) {
    varint(out, e.tileId - last)
    last = e.tileId
  }
  for (const e of entries) varint(out, e.runLength)
  for (const e of entries) varint(out, e.length)
  entries.forEach((e, i) => {
    const prev = entries[i - 1]
    varint(out, i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1)
  })
  return Uint8Array.from(out)
}

export function writeArchive(tiles: ArchiveTile[], opts: ArchiveOptions): Buffer {
  const sorted = tiles.map((t) => ({ ...t, id: tileId(t.z, t.x, t.y) })).sort((a, b) => a.id - b.id)
  // Identical tiles (empty hillside, open water) are stored once and addressed by every id.
  const stored = new Map<string, { offset: number; length: number }>()
  const blobs: Uint8Array[] = []
  let dataBytes = 0
  const entries: Entry[] = []
  for (const t of sorted) {
    const key = Buffer.from(t.data).toString('base64')
    let at = stored.get(key)
    if (!at) {
      at = { offset: dataBytes, length: t.data.length }
      stored.set(key, at)
      blobs.push(t.data)
      dataBytes += t.data.length
    }
    const last = entries.at(-1)
    if (last && last.offset === at.offset && last.tileId + last.runLength === t.id) last.runLength++
    else entries.push({ tileId: t.id, offset: at.offset, length: at.length, runLength: 1 })
  }
  const root = gzipSync(directory(entries))
  if (root.length > MAX_ROOT_BYTES)
    throw new RangeError(`the root directory is ${root.length} bytes; leaf directories are not written`)
  const metadata = gzipSync(Buffer.from(JSON.stringify(opts.metadata)))
  const rootOffset = HEADER_BYTES
  const metadataOffset = rootOffset + root.length
  const dataOffset = metadataOffset + metadata.length
  const header = Buffer.alloc(HEADER_BYTES)
  header.write('PMTiles', 0, 'ascii')
  header.writeUInt8(3, 7)
  const u64 = (at: number, v: number): void => void header.writeBigUInt64LE(BigInt(v), at)
  u64(8, rootOffset)
  u64(16, root.length)
  u64(24, metadataOffset)
  u64(32, metadata.length)
  u64(40, dataOffset) // no leaf directories: an empty section where the tiles begin
  u64(48, 0)
  u64(56, dataOffset)
  u64(64, dataBytes)
  u64(72, sorted.length)
  u64(80, entries.length)
  u64(88, blobs.length)
  header.writeUInt8(1, 96) // clustered: tiles are in tile-id order
  header.writeUInt8(COMPRESSION.gzip, 97)
  header.writeUInt8(COMPRESSION[opts.tileCompression], 98)
  header.writeUInt8(TILE_TYPE[opts.tileType], 99)
  header.writeUInt8(Math.min(...sorted.map((t) => t.z)), 100)
  header.writeUInt8(Math.max(...sorted.map((t) => t.z)), 101)
  const e7 = (v: number): number => Math.round(v * 1e7)
  header.writeInt32LE(e7(opts.bounds[0]), 102)
  header.writeInt32LE(e7(opts.bounds[1]), 106)
  header.writeInt32LE(e7(opts.bounds[2]), 110)
  header.writeInt32LE(e7(opts.bounds[3]), 114)
  header.writeUInt8(opts.center[2], 118)
  header.writeInt32LE(e7(opts.center[0]), 119)
  header.writeInt32LE(e7(opts.center[1]), 123)
  return Buffer.concat([header, root, metadata, ...blobs])
}
