/**
 * Report photos: the type is decided by magic bytes (never by a file name or a declared type), the
 * container is parsed and rebuilt from the parts a viewer needs — image data, colour profile,
 * transparency — so what is stored carries no EXIF (GPS position, phone model, time), XMP,
 * comments, thumbnails or bytes appended after the image. A JPEG keeps its orientation as the
 * only EXIF field, so a portrait photo is not shown on its side. Anything that does not parse is
 * refused. This step reads headers only (a declared canvas too large is refused before any pixel
 * is decoded); `photo-decode.ts` then decodes every pixel and re-encodes the image.
 */
import { crc32 } from 'node:zlib'
import { AppError } from '@rb/domain'

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp'

export interface CleanPhoto {
  mime: PhotoMime
  ext: 'jpg' | 'png' | 'webp'
  bytes: Buffer
  width: number
  height: number
}

/** Larger images are refused: a small file can declare a huge canvas that a viewer would try to allocate. */
export const MAX_SIDE_PX = 16_384
export const MAX_PIXELS = 50_000_000

/** The dimensions taken (REPORT_PHOTO_MAX_SIDE_PX, REPORT_PHOTO_MAX_MEGAPIXELS); never above the constants. */
export interface PhotoLimits {
  maxSidePx: number
  maxPixels: number
}

const ACCEPTED = 'a JPEG, PNG or WebP photo'

export function sniffPhoto(b: Uint8Array): PhotoMime | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.length >= 8 && Buffer.from(b.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'image/png'
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp'
  return null
}

/** Checks and rebuilds a photo; throws UNSUPPORTED_PHOTO (415) with a reason a person can act on. */
export function cleanPhoto(
  input: Uint8Array,
  limits: PhotoLimits = { maxSidePx: MAX_SIDE_PX, maxPixels: MAX_PIXELS },
): CleanPhoto {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const mime = sniffPhoto(b)
  if (!mime) throw refuse(`the photo must be ${ACCEPTED}; this file is not one`, 'type')
  const out = mime === 'image/jpeg' ? cleanJpeg(b) : mime === 'image/png' ? cleanPng(b) : cleanWebp(b)
  const maxSide = Math.min(limits.maxSidePx, MAX_SIDE_PX)
  const maxPixels = Math.min(limits.maxPixels, MAX_PIXELS)
  if (
    out.width < 1 ||
    out.height < 1 ||
    out.width > maxSide ||
    out.height > maxSide ||
    out.width * out.height > maxPixels
  ) {
    throw refuse(
      `the photo is ${out.width}×${out.height} pixels; at most ${maxSide} pixels a side and ${maxPixels / 1e6} megapixels are taken`,
      'dimensions',
    )
  }
  return { mime, ext: mime === 'image/jpeg' ? 'jpg' : mime === 'image/png' ? 'png' : 'webp', ...out }
}

const refuse = (message: string, reason: string): AppError => new AppError('UNSUPPORTED_PHOTO', message, { reason })
const damaged = (what: string): AppError =>
  refuse(`the photo is damaged or cut off (${what}); send ${ACCEPTED}`, 'damaged')
const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n))

interface Parsed {
  bytes: Buffer
  width: number
  height: number
}

// ── JPEG ──

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])
/** Tables and restart intervals the decoder needs. */
const JPEG_TABLES = new Set([0xc4, 0xcc, 0xdb, 0xdd])

function cleanJpeg(b: Buffer): Parsed {
  const kept: Buffer[] = []
  let jfif: Buffer | null = null
  let orientation: number | null = null
  let size: { width: number; height: number } | null = null
  let scans = 0
  let pos = 2
  for (;;) {
    if (pos >= b.length) throw damaged('JPEG without an end marker')
    if (b[pos] !== 0xff) throw damaged('JPEG segment expected')
    while (b[pos] === 0xff) pos++ // fill bytes
    const marker = b[pos++]
    if (marker === undefined) throw damaged('JPEG cut off')
    if (marker === 0xd9) break // EOI: anything after it is dropped
    if (pos + 2 > b.length) throw damaged('JPEG cut off')
    const len = b.readUInt16BE(pos)
    if (len < 2 || pos + len > b.length) throw damaged('JPEG segment length')
    const seg = b.subarray(pos - 2, pos + len)
    const data = b.subarray(pos + 2, pos + len)
    pos += len
    if (marker === 0xe0) {
      // JFIF, without its thumbnail.
      if (!jfif && data.length >= 14 && ascii(data, 0, 5) === 'JFIF\0')
        jfif = Buffer.concat([Buffer.from([0xff, 0xe0, 0x00, 0x10]), data.subarray(0, 12), Buffer.from([0, 0])])
    } else if (marker === 0xe1) {
      if (ascii(data, 0, 6) === 'Exif\0\0') orientation ??= exifOrientation(data.subarray(6))
    } else if (
      (marker === 0xe2 && ascii(data, 0, 12) === 'ICC_PROFILE\0') ||
      (marker === 0xee && ascii(data, 0, 5) === 'Adobe')
    ) {
      kept.push(seg) // colour profile; Adobe colour transform
    } else if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      // other application data and comments: dropped
    } else if (SOF.has(marker)) {
      if (size) throw damaged('JPEG with two frames')
      if (data.length < 6) throw damaged('JPEG frame header')
      size = { height: data.readUInt16BE(1), width: data.readUInt16BE(3) }
      kept.push(seg)
    } else if (JPEG_TABLES.has(marker)) {
      kept.push(seg)
    } else if (marker === 0xda) {
      if (!size) throw damaged('JPEG scan before its frame header')
      const end = scanEnd(b, pos)
      kept.push(seg, b.subarray(pos, end))
      pos = end
      scans++
    } else {
      throw refuse(
        `this JPEG uses a feature photos do not (marker 0x${marker.toString(16)}); send ${ACCEPTED}`,
        'jpeg_feature',
      )
    }
  }
  if (!size || scans === 0) throw damaged('JPEG without image data')
  const head = [
    Buffer.from([0xff, 0xd8]),
    ...(jfif ? [jfif] : []),
    ...(orientation !== null && orientation > 1 ? [orientationApp1(orientation)] : []),
  ]
  return { bytes: Buffer.concat([...head, ...kept, Buffer.from([0xff, 0xd9])]), ...size }
}

/** End of the entropy-coded data that starts at `pos`: the next marker that is not a stuffed byte or a restart. */
function scanEnd(b: Buffer, pos: number): number {
  for (let i = pos; i + 1 < b.length; i++) {
    if (b[i] !== 0xff) continue
    const next = b[i + 1] as number
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue
    return i
  }
  throw damaged('JPEG image data cut off')
}

/** Orientation (tag 0x0112) from IFD0 of an EXIF TIFF block, or null when there is none or the block is broken. */
export function exifOrientation(tiff: Buffer): number | null {
  if (tiff.length < 8) return null
  const order = ascii(tiff, 0, 2)
  if (order !== 'II' && order !== 'MM') return null
  const le = order === 'II'
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  if (u16(2) !== 42) return null
  const ifd = u32(4)
  if (ifd + 2 > tiff.length) return null
  const n = u16(ifd)
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12
    if (e + 12 > tiff.length) return null
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8)
      return v >= 1 && v <= 8 ? v : null
    }
  }
  return null
}

/** An APP1 segment holding EXIF with the orientation only. */
function orientationApp1(orientation: number): Buffer {
  const tiff = Buffer.alloc(26)
  tiff.write('MM', 0, 'latin1')
  tiff.writeUInt16BE(42, 2)
  tiff.writeUInt32BE(8, 4)
  tiff.writeUInt16BE(1, 8) // one entry
  tiff.writeUInt16BE(0x0112, 10)
  tiff.writeUInt16BE(3, 12) // SHORT
  tiff.writeUInt32BE(1, 14)
  tiff.writeUInt16BE(orientation, 18)
  // next IFD offset 0 (already zero)
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
  const head = Buffer.from([0xff, 0xe1, 0, 0])
  head.writeUInt16BE(body.length + 2, 2)
  return Buffer.concat([head, body])
}

// ── PNG ──

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** Ancillary chunks that change how the image looks; every other ancillary chunk (text, EXIF, time, animation) is dropped. */
const PNG_KEEP = new Set(['PLTE', 'IDAT', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'bKGD', 'pHYs'])

function cleanPng(b: Buffer): Parsed {
  const kept: Buffer[] = [PNG_SIGNATURE]
  let pos = 8
  let size: { width: number; height: number } | null = null
  let idat = false
  for (;;) {
    if (pos + 12 > b.length) throw damaged('PNG without an end chunk')
    const len = b.readUInt32BE(pos)
    if (len > 0x7fffffff || pos + 12 + len > b.length) throw damaged('PNG chunk length')
    const type = ascii(b, pos + 4, 4)
    if (!/^[A-Za-z]{4}$/.test(type)) throw damaged('PNG chunk type')
    const at = pos
    const chunk = b.subarray(at, at + 12 + len)
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== b.readUInt32BE(pos + 8 + len))
      throw damaged(`PNG ${type} checksum`)
    const first = at === 8
    pos += 12 + len
    if (first !== (type === 'IHDR')) throw damaged('PNG header chunk')
    if (type === 'IHDR') {
      if (len !== 13) throw damaged('PNG header chunk')
      size = { width: b.readUInt32BE(at + 8), height: b.readUInt32BE(at + 12) }
      kept.push(chunk)
    } else if (type === 'IEND') {
      kept.push(chunk)
      break
    } else if (PNG_KEEP.has(type)) {
      if (type === 'IDAT') idat = true
      kept.push(chunk)
    } else if (type.charCodeAt(0) < 0x61) {
      // An unknown critical chunk: a viewer could not show the image without it.
      throw refuse(`this PNG needs a part (${type}) that photos do not have; send ${ACCEPTED}`, 'png_feature')
    }
  }
  if (!size || !idat) throw damaged('PNG without image data')
  return { bytes: Buffer.concat(kept), ...size }
}

// ── WebP ──

const VP8X_ICC = 0x20
const VP8X_EXIF = 0x08
const VP8X_XMP = 0x04
const VP8X_ANIMATION = 0x02

function cleanWebp(b: Buffer): Parsed {
  const riffEnd = 8 + b.readUInt32LE(4)
  if (riffEnd > b.length || riffEnd < 12 + 8) throw damaged('WebP length')
  const chunks: { type: string; data: Buffer }[] = []
  for (let pos = 12; pos < riffEnd;) {
    if (pos + 8 > riffEnd) throw damaged('WebP chunk header')
    const type = ascii(b, pos, 4)
    const len = b.readUInt32LE(pos + 4)
    if (pos + 8 + len > riffEnd) throw damaged(`WebP ${type.trim()} length`)
    chunks.push({ type, data: b.subarray(pos + 8, pos + 8 + len) })
    pos += 8 + len + (len % 2)
  }
  const first = chunks[0]
  if (!first) throw damaged('WebP without image data')
  let kept: { type: string; data: Buffer }[]
  let size: { width: number; height: number }
  if (first.type === 'VP8 ' || first.type === 'VP8L') {
    // Simple format: the one image chunk is everything.
    kept = [first]
    size = imageSize(first)
  } else if (first.type === 'VP8X') {
    if (first.data.length < 10) throw damaged('WebP extended header')
    const flags = first.data[0] as number
    if (flags & VP8X_ANIMATION || chunks.some((c) => c.type === 'ANIM' || c.type === 'ANMF'))
      throw refuse(`animated images are not taken; send ${ACCEPTED}`, 'animated')
    const images = chunks.filter((c) => c.type === 'VP8 ' || c.type === 'VP8L')
    if (images.length !== 1) throw damaged('WebP image data')
    const rest = chunks
      .slice(1)
      .filter((c) => c.type === 'ICCP' || c.type === 'ALPH' || c.type === 'VP8 ' || c.type === 'VP8L')
    const header = Buffer.from(first.data.subarray(0, 10))
    header[0] = flags & ~(VP8X_EXIF | VP8X_XMP) & ~(rest.some((c) => c.type === 'ICCP') ? 0 : VP8X_ICC)
    size = { width: 1 + header.readUIntLE(4, 3), height: 1 + header.readUIntLE(7, 3) }
    imageSize(images[0] as { type: string; data: Buffer }) // checks the image chunk parses
    kept = [{ type: 'VP8X', data: header }, ...rest]
  } else {
    throw damaged('WebP image data')
  }
  const parts = kept.flatMap((c) => {
    const head = Buffer.alloc(8)
    head.write(c.type, 0, 'latin1')
    head.writeUInt32LE(c.data.length, 4)
    return c.data.length % 2 ? [head, c.data, Buffer.alloc(1)] : [head, c.data]
  })
  const body = Buffer.concat(parts)
  const riff = Buffer.alloc(12)
  riff.write('RIFF', 0, 'latin1')
  riff.writeUInt32LE(4 + body.length, 4)
  riff.write('WEBP', 8, 'latin1')
  return { bytes: Buffer.concat([riff, body]), ...size }
}

function imageSize(c: { type: string; data: Buffer }): { width: number; height: number } {
  const d = c.data
  if (c.type === 'VP8 ') {
    if (d.length < 10 || d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) throw damaged('WebP lossy frame')
    return { width: d.readUInt16LE(6) & 0x3fff, height: d.readUInt16LE(8) & 0x3fff }
  }
  if (d.length < 5 || d[0] !== 0x2f) throw damaged('WebP lossless frame')
  const b1 = d[1] as number
  const b2 = d[2] as number
  const b3 = d[3] as number
  const b4 = d[4] as number
  return { width: 1 + (((b2 & 0x3f) << 8) | b1), height: 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)) }
}
