/** 0x0704 batch location upload: count, type, then length-prefixed 0x0200 bodies. */
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import { decodeLocation, encodeLocation, type LocationInput, type LocationReport } from './location.js'

/** The batch type byte. Backfill is the store-and-forward after a dead zone (盲区补报). */
export const BATCH_TYPE = { normal: 0, backfill: 1 } as const

export interface BatchLocationUpload {
  /** 0 normal batch, 1 blind-area backfill (see `BATCH_TYPE`); other values kept as sent. */
  uploadType: number
  items: LocationReport[]
}

export interface BatchLocationInput {
  uploadType: number
  items: readonly LocationInput[]
}

export function decodeBatchLocation(body: Uint8Array): BatchLocationUpload {
  const r = new ByteReader(body, 'batch location')
  const count = r.u16('item count')
  const uploadType = r.u8('location data type')
  const items: LocationReport[] = []
  for (let i = 0; i < count; i++) {
    const len = r.u16(`item ${i + 1} length`)
    items.push(decodeLocation(r.bytes(len, `item ${i + 1} of ${count}`)))
  }
  if (r.remaining > 0) {
    throw new Jt808Error(
      'LENGTH_MISMATCH',
      `batch declares ${count} item(s) but ${r.remaining} byte(s) follow the last one`,
    )
  }
  return { uploadType, items }
}

export function encodeBatchLocation(batch: BatchLocationInput): Uint8Array {
  const w = new ByteWriter().u16(batch.items.length, 'item count').u8(batch.uploadType, 'uploadType')
  for (const item of batch.items) {
    const bytes = encodeLocation(item)
    w.u16(bytes.length, 'item length').bytes(bytes)
  }
  return w.finish()
}
