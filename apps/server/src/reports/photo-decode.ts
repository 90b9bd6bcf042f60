/**
 * A report photo from the bytes sent to the bytes stored: the container check of `photo.ts`
 * first (type by magic bytes, structure, declared dimensions within the limits — nothing is
 * decoded yet, so a tiny file declaring a huge canvas costs nothing), then every pixel is decoded
 * and the image encoded anew in its own format, upright (the EXIF orientation applied) and with
 * no metadata. Compressed data that does not decode (a PNG whose data is not zlib, a JPEG with
 * broken entropy-coded data) is refused. sharp (libvips) does the work on its own threads, so the
 * event loop stays free while a photo is decoded.
 */
import sharp, { type OutputInfo } from 'sharp'
import { AppError } from '@rb/domain'
import { cleanPhoto, type CleanPhoto, type PhotoLimits } from './photo.js'

export type { PhotoLimits } from './photo.js'

/** REPORT_PHOTO_MAX_SIDE_PX and REPORT_PHOTO_MAX_MEGAPIXELS by default. */
export const DEFAULT_PHOTO_LIMITS: PhotoLimits = { maxSidePx: 8192, maxPixels: 24_000_000 }

/** Checks, decodes and re-encodes a photo; throws UNSUPPORTED_PHOTO (415) with a reason. */
export async function preparePhoto(input: Uint8Array, limits: PhotoLimits = DEFAULT_PHOTO_LIMITS): Promise<CleanPhoto> {
  const checked = cleanPhoto(input, limits)
  let out: { data: Buffer; info: OutputInfo }
  try {
    // limitInputPixels holds even if a header lied to the container check; failOn 'warning'
    // refuses data a decoder would only patch over (cut-off scans, bad checksums).
    const image = sharp(checked.bytes, {
      limitInputPixels: limits.maxPixels,
      failOn: 'warning',
      sequentialRead: true,
      animated: false,
    }).rotate()
    const encoded =
      checked.mime === 'image/jpeg'
        ? image.jpeg({ quality: 85 })
        : checked.mime === 'image/png'
          ? image.png({ compressionLevel: 9 })
          : image.webp({ quality: 80, alphaQuality: 90 })
    out = await encoded.toBuffer({ resolveWithObject: true })
  } catch (err) {
    throw new AppError(
      'UNSUPPORTED_PHOTO',
      `the photo's image data does not decode (${firstLine(err)}); send a JPEG, PNG or WebP photo`,
      { reason: 'undecodable' },
    )
  }
  return { mime: checked.mime, ext: checked.ext, bytes: out.data, width: out.info.width, height: out.info.height }
}

const firstLine = (err: unknown): string =>
  String((err as Error).message ?? err)
    .split('\n')[0]
    ?.slice(0, 120) ?? 'unknown error'
