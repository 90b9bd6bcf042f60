/**
 * Test photos: small real images made with ImageMagick and cwebp (see README.md beside this file),
 * and helpers that add what phones and editors put in files — EXIF with a GPS position and the
 * phone's make, comments, text chunks, XMP, bytes after the image — so tests can check it is gone.
 */
import { readFileSync } from 'node:fs'
import { crc32 } from 'node:zlib'

export type FixtureName = 'photo.jpg' | 'photo-progressive.jpg' | 'photo.png' | 'photo.webp' | 'photo-lossless.webp' | 'photo-alpha.webp'

export const fixture = (name: FixtureName): Buffer => readFileSync(new URL(name, import.meta.url))

/** Strings planted in metadata; none may survive cleaning. */
export const SECRETS = ['SECRETPHONE', 'LAT28.1234N', 'COMMENT-SECRET', 'TRAILER-SECRET', 'XMP-SECRET', 'TEXT-SECRET'] as const

/** An EXIF block (little-endian TIFF) with orientation, the phone's make and a GPS IFD. */
export function exifBlock(orientation: number): Buffer {
  const t = Buffer.alloc(96)
  t.write('II', 0, 'latin1')
  t.writeUInt16LE(42, 2)
  t.writeUInt32LE(8, 4)
  t.writeUInt16LE(3, 8)
  const entry = (at: number, tag: number, type: number, count: number, value: number): void => {
    t.writeUInt16LE(tag, at)
    t.writeUInt16LE(type, at + 2)
    t.writeUInt32LE(count, at + 4)
    t.writeUInt32LE(value, at + 8)
  }
  entry(10, 0x010f, 2, 12, 50) // Make → offset 50
  entry(22, 0x0112, 3, 1, orientation) // Orientation (SHORT in the first two bytes, little-endian)
  entry(34, 0x8825, 4, 1, 62) // GPS IFD → offset 62
  t.writeUInt32LE(0, 46)
  t.write('SECRETPHONE\0', 50, 'latin1')
  t.writeUInt16LE(1, 62)
  entry(64, 0x0002, 2, 12, 80) // GPSLatitude as text, for the test
  t.writeUInt32LE(0, 76)
  t.write('LAT28.1234N\0', 80, 'latin1')
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t])
}

const jpegSegment = (marker: number, data: Buffer): Buffer => {
  const head = Buffer.from([0xff, marker, 0, 0])
  head.writeUInt16BE(data.length + 2, 2)
  return Buffer.concat([head, data])
}

/** The JPEG with EXIF (orientation, make, GPS), XMP and a comment after SOI, and bytes after EOI. */
export function phoneJpeg(orientation = 6, base: Buffer = fixture('photo.jpg')): Buffer {
  return Buffer.concat([
    base.subarray(0, 2),
    jpegSegment(0xe1, exifBlock(orientation)),
    jpegSegment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMP-SECRET</x:xmpmeta>', 'latin1')),
    jpegSegment(0xfe, Buffer.from('COMMENT-SECRET', 'latin1')),
    base.subarray(2),
    Buffer.from('TRAILER-SECRET', 'latin1'),
  ])
}

const pngChunk = (type: string, data: Buffer): Buffer => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** The PNG with tEXt and eXIf chunks before its image data, and bytes after IEND. */
export function taggedPng(base: Buffer = fixture('photo.png')): Buffer {
  const ihdrEnd = 8 + 12 + 13
  return Buffer.concat([
    base.subarray(0, ihdrEnd),
    pngChunk('tEXt', Buffer.from('Comment\0TEXT-SECRET', 'latin1')),
    pngChunk('eXIf', exifBlock(1).subarray(6)),
    base.subarray(ihdrEnd),
    Buffer.from('TRAILER-SECRET', 'latin1'),
  ])
}

/** A PNG chunk with any type (for refusal tests). */
export function withPngChunk(type: string, data: Buffer, base: Buffer = fixture('photo.png')): Buffer {
  const ihdrEnd = 8 + 12 + 13
  return Buffer.concat([base.subarray(0, ihdrEnd), pngChunk(type, data), base.subarray(ihdrEnd)])
}

const riffChunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8)
  head.write(type, 0, 'latin1')
  head.writeUInt32LE(data.length, 4)
  return Buffer.concat(data.length % 2 ? [head, data, Buffer.alloc(1)] : [head, data])
}

const riff = (chunks: Buffer[]): Buffer => {
  const body = Buffer.concat(chunks)
  const head = Buffer.alloc(12)
  head.write('RIFF', 0, 'latin1')
  head.writeUInt32LE(4 + body.length, 4)
  head.write('WEBP', 8, 'latin1')
  return Buffer.concat([head, body])
}

/** An extended WebP (VP8X) around the simple one, with EXIF and XMP chunks and their flags set. */
export function taggedWebp(base: Buffer = fixture('photo.webp'), extraFlags = 0): Buffer {
  const image = base.subarray(12)
  const vp8x = Buffer.alloc(10)
  vp8x[0] = 0x08 | 0x04 | extraFlags
  // Canvas 40×30 (the fixture's size), stored minus one.
  vp8x.writeUIntLE(39, 4, 3)
  vp8x.writeUIntLE(29, 7, 3)
  return riff([riffChunk('VP8X', vp8x), image, riffChunk('EXIF', exifBlock(1).subarray(6)), riffChunk('XMP ', Buffer.from('<x:xmpmeta>XMP-SECRET</x:xmpmeta>', 'latin1'))])
}

/** An animated WebP header (VP8X with the animation flag and an ANIM chunk). */
export function animatedWebp(): Buffer {
  const vp8x = Buffer.alloc(10)
  vp8x[0] = 0x02
  vp8x.writeUIntLE(39, 4, 3)
  vp8x.writeUIntLE(29, 7, 3)
  return riff([riffChunk('VP8X', vp8x), riffChunk('ANIM', Buffer.alloc(6)), fixture('photo.webp').subarray(12)])
}

export const containsAny = (b: Buffer, needles: readonly string[]): string[] => needles.filter((n) => b.includes(Buffer.from(n, 'latin1')))
