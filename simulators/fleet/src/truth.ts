/**
 * Ground truth as JSON lines: a header line (`kind: "run"`), then every stop visit and injected
 * fault in the order they became true. No wall-clock values, so one seed gives one file.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'
import type { TruthRecord } from './model/types.js'

export interface TruthWriter {
  write(record: TruthRecord): void
  close(): Promise<void>
}

export function openTruthFile(path: string, header: Record<string, unknown>): TruthWriter {
  mkdirSync(dirname(path), { recursive: true })
  const out: WriteStream = createWriteStream(path, { encoding: 'utf8' })
  let failure: Error | null = null
  out.on('error', (err) => {
    failure = err
  })
  out.write(`${JSON.stringify({ kind: 'run', ...header })}\n`)
  return {
    write(record) {
      if (failure) throw new Error(`cannot write the truth file ${path}: ${failure.message}`)
      out.write(`${JSON.stringify(record)}\n`)
    },
    close() {
      return new Promise((resolve, reject) => {
        out.end(() => (failure ? reject(failure) : resolve()))
      })
    },
  }
}
