/** The batch writer of the ingest, with its retry policy, dead letters, metrics and log lines. */
import type { FastifyBaseLogger } from 'fastify'
import { isTransientDbError, telemetryRepo, type Db } from '@rb/db'
import { BatchWriter } from './batch-writer.js'
import { createBatchStore, type LatestRows } from './store.js'
import type { Config } from '../config.js'
import type { Metrics } from '../metrics.js'

export function createIngestWriter(
  db: Db,
  latest: LatestRows,
  metrics: Metrics,
  log: FastifyBaseLogger,
  config: Config,
): BatchWriter {
  return new BatchWriter(
    createBatchStore(db, latest),
    {
      maxBatchPoints: config.ingestBatchMax,
      flushMs: config.ingestFlushMs,
      maxPending: config.ingestMaxPending,
      retryMinMs: 100,
      retryMaxMs: config.ingestRetryMaxMs,
    },
    {
      isTransient: isTransientDbError,
      deadLetter: (item, err) => telemetryRepo.insertDeadLetter(db, err.message, item),
    },
    {
      onWritten(batch, outcome, seconds) {
        metrics.batchSeconds.observe(seconds)
        metrics.batchSize.observe(batch.positions.length)
        metrics.pointsStored.inc(outcome.stored)
        metrics.pointsDuplicate.inc(batch.positions.length - outcome.stored)
        metrics.eventsStored.inc(outcome.eventsStored)
      },
      onWriteError(err, attempt, pendingPoints) {
        metrics.writeErrors.inc()
        if (attempt === 1 || attempt % 20 === 0)
          log.error(
            { err: err.message, code: (err as { code?: string }).code, attempt, pendingPoints },
            'database write failed; holding points and retrying',
          )
      },
      onDeadLettered(item, err) {
        metrics.deadLettered.inc(item.positions.length + item.events.length + item.statuses.length)
        log.error(
          { err: err.message, points: item.positions.length },
          'database refused telemetry; kept in ingest_dead_letter',
        )
      },
      onRecovered(downForMs) {
        log.info({ downForMs }, 'database writes recovered; catching up')
      },
      onPendingChange(n) {
        metrics.bufferDepth.set(n)
      },
    },
  )
}
