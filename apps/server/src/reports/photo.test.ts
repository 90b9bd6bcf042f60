import { describe, expect, it } from 'vitest'
import { AppError } from '@rb/domain'
import { cleanPhoto, exifOrientation, MAX_SIDE_PX, sniffPhoto } from './photo.js'
import {
  animatedWebp,
  containsAny,
  exifBlock,
  fixture,
  phoneJpeg,
  SECRETS,
  taggedPng,
  taggedWebp,
  withPngChunk,
} from './testdata/fixtures.js'

function refusal(input: Buffer): AppError {
  try {
    cleanPhoto(input)
  } catch (err) {
    if (err instanceof AppError) return err
    throw err
  }
  throw new Error('expected the photo to be refused')
}

describe('photo type', () => {
  it('is told by magic bytes', () => {
    expect(sniffPhoto(fixture('photo.jpg'))).toBe('image/jpeg')
    expect(sniffPhoto(fixture('photo.png'))).toBe('image/png')
    expect(sniffPhoto(fixture('photo.webp'))).toBe('image/webp')
    expect(sniffPhoto(Buffer.from('GIF89a....'))).toBeNull()
    expect(sniffPhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
    expect(sniffPhoto(Buffer.alloc(0))).toBeNull()
  })

  it('refuses a GIF, an SVG, a PDF and text with 415 UNSUPPORTED_PHOTO, whatever they are called', () => {
    for (const bad of ['GIF89a\x01\x00\x01\x00', '<svg onload="alert(1)"/>', '%PDF-1.7', 'hello', '']) {
      const e = refusal(Buffer.from(bad, 'latin1'))
      expect(e.code).toBe('UNSUPPORTED_PHOTO')
      expect(e.status).toBe(415)
      expect(e.details).toEqual({ reason: 'type' })
    }
  })
})

describe('JPEG', () => {
  it('comes back unchanged when it holds nothing but the image', () => {
    for (const name of ['photo.jpg', 'photo-progressive.jpg'] as const) {
      const out = cleanPhoto(fixture(name))
      expect(out).toMatchObject({ mime: 'image/jpeg', ext: 'jpg', width: 64, height: 48 })
      expect(out.bytes.equals(fixture(name)), name).toBe(true)
    }
  })

  it("loses a phone's EXIF (GPS, make), XMP, comments and trailing bytes, but keeps its orientation", () => {
    const out = cleanPhoto(phoneJpeg(6))
    expect(containsAny(out.bytes, SECRETS)).toEqual([])
    expect(out.bytes.length).toBeLessThan(fixture('photo.jpg').length + 40)
    // JFIF first, then an EXIF block holding only the orientation, then the image as it was.
    const exif = out.bytes.indexOf(Buffer.from('Exif\0\0', 'latin1'))
    expect(exif).toBeGreaterThan(0)
    expect(exifOrientation(out.bytes.subarray(exif + 6))).toBe(6)
    expect(out.bytes.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true)
    // Cleaning twice changes nothing.
    expect(cleanPhoto(out.bytes).bytes.equals(out.bytes)).toBe(true)
  })

  it('writes no EXIF at all for the normal orientation', () => {
    const out = cleanPhoto(phoneJpeg(1))
    expect(out.bytes.equals(fixture('photo.jpg'))).toBe(true)
  })

  it('reads the orientation from big- and little-endian EXIF and ignores a broken block', () => {
    expect(exifOrientation(exifBlock(8).subarray(6))).toBe(8)
    expect(
      exifOrientation(Buffer.from('MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x03\0\0\0\0\0\0', 'latin1')),
    ).toBe(3)
    expect(exifOrientation(Buffer.from('II*\0\xff\xff\xff\x00', 'latin1'))).toBeNull()
    expect(exifOrientation(Buffer.from('XX', 'latin1'))).toBeNull()
    const cleaned = cleanPhoto(
      phoneJpeg(
        1,
        Buffer.concat([
          fixture('photo.jpg').subarray(0, 2),
          Buffer.from([0xff, 0xe1, 0x00, 0x0a]),
          Buffer.from('Exif\0\0II', 'latin1'),
          fixture('photo.jpg').subarray(2),
        ]),
      ),
    )
    expect(cleaned.width).toBe(64)
  })

  it('refuses a JPEG cut off in the image data or before its end marker', () => {
    const jpg = fixture('photo.jpg')
    expect(refusal(jpg.subarray(0, jpg.length - 2)).details).toEqual({ reason: 'damaged' })
    expect(refusal(jpg.subarray(0, jpg.length - 60)).details).toEqual({ reason: 'damaged' })
    expect(refusal(jpg.subarray(0, 30)).details).toEqual({ reason: 'damaged' })
    expect(refusal(Buffer.from([0xff, 0xd8, 0xff])).code).toBe('UNSUPPORTED_PHOTO')
  })

  it('refuses a JPEG without image data (only headers)', () => {
    expect(refusal(Buffer.from([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x04, 0x41, 0x42, 0xff, 0xd9])).details).toEqual({
      reason: 'damaged',
    })
  })

  it('refuses a canvas too large to show (a decompression bomb)', () => {
    const jpg = Buffer.from(fixture('photo.jpg'))
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]))
    jpg.writeUInt16BE(MAX_SIDE_PX + 1, sof + 5)
    expect(refusal(jpg).details).toEqual({ reason: 'dimensions' })
    jpg.writeUInt16BE(10_000, sof + 5)
    jpg.writeUInt16BE(10_000, sof + 7)
    expect(refusal(jpg).details).toEqual({ reason: 'dimensions' })
  })
})

describe('PNG', () => {
  it('comes back unchanged when it holds nothing but the image', () => {
    const out = cleanPhoto(fixture('photo.png'))
    expect(out).toMatchObject({ mime: 'image/png', ext: 'png', width: 48, height: 32 })
    expect(out.bytes.equals(fixture('photo.png'))).toBe(true)
  })

  it('loses text and EXIF chunks and bytes after the end', () => {
    const out = cleanPhoto(taggedPng())
    expect(containsAny(out.bytes, SECRETS)).toEqual([])
    expect(out.bytes.equals(fixture('photo.png'))).toBe(true)
  })

  it('keeps the chunks that change how it looks (gamma, transparency)', () => {
    const gamma = Buffer.alloc(4)
    gamma.writeUInt32BE(45455)
    const out = cleanPhoto(withPngChunk('gAMA', gamma))
    expect(out.bytes.includes(Buffer.from('gAMA'))).toBe(true)
  })

  it('refuses a wrong checksum, an unknown critical chunk and a missing end', () => {
    const png = Buffer.from(fixture('photo.png'))
    png[png.length - 20] = (png[png.length - 20] as number) ^ 0xff // inside IDAT
    expect(refusal(png).details).toEqual({ reason: 'damaged' })
    expect(refusal(withPngChunk('ZZZZ', Buffer.from('x'))).details).toEqual({ reason: 'png_feature' })
    expect(refusal(fixture('photo.png').subarray(0, fixture('photo.png').length - 12)).details).toEqual({
      reason: 'damaged',
    })
  })
})

describe('WebP', () => {
  it('comes back unchanged when it holds nothing but the image (lossy, lossless, with alpha)', () => {
    expect(cleanPhoto(fixture('photo.webp'))).toMatchObject({ mime: 'image/webp', ext: 'webp', width: 40, height: 30 })
    expect(cleanPhoto(fixture('photo.webp')).bytes.equals(fixture('photo.webp'))).toBe(true)
    expect(cleanPhoto(fixture('photo-lossless.webp'))).toMatchObject({ width: 40, height: 30 })
    expect(cleanPhoto(fixture('photo-lossless.webp')).bytes.equals(fixture('photo-lossless.webp'))).toBe(true)
    expect(cleanPhoto(fixture('photo-alpha.webp'))).toMatchObject({ width: 40, height: 30 })
    expect(cleanPhoto(fixture('photo-alpha.webp')).bytes.equals(fixture('photo-alpha.webp'))).toBe(true)
  })

  it('loses EXIF and XMP chunks and their flags', () => {
    const out = cleanPhoto(taggedWebp())
    expect(containsAny(out.bytes, SECRETS)).toEqual([])
    expect(out.bytes.includes(Buffer.from('EXIF'))).toBe(false)
    expect((out.bytes[20] as number) & 0x0c).toBe(0)
    expect(out.bytes.readUInt32LE(4)).toBe(out.bytes.length - 8)
    expect(cleanPhoto(out.bytes).bytes.equals(out.bytes)).toBe(true)
  })

  it('clears the colour-profile flag when no profile chunk is there', () => {
    const out = cleanPhoto(taggedWebp(fixture('photo.webp'), 0x20))
    expect((out.bytes[20] as number) & 0x20).toBe(0)
  })

  it('refuses an animated WebP and a cut-off one', () => {
    expect(refusal(animatedWebp()).details).toEqual({ reason: 'animated' })
    const webp = fixture('photo.webp')
    expect(refusal(webp.subarray(0, webp.length - 10)).details).toEqual({ reason: 'damaged' })
  })
})
