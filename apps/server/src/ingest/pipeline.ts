/**
 * The position pipeline, in order (one small stage each):
 *   decode+validate (protocol) → [store branch: batch write, ack after commit]
 *                              → [live branch: latest state → tracking → live hub]
 * The live branch runs on acceptance, not on commit, so the map keeps moving while the database
 * is down; the store branch decides when the broker may forget the message.
 */
import {
  parseDeviceEventMessage,
  parsePositionBatchMessage,
  parsePositionMessage,
  parseStatusMessage,
  parseUplinkTopic,
  type DeviceEvent,
  type Position,
  type Reject,
  type TelemetryLimits,
  type VehicleStatus,
} from '@rb/protocol'
import { telemetryRepo } from '@rb/db'
import type { BatchWriter } from './batch-writer.js'
import type { Metrics } from '../metrics.js'

/** A live-branch stage: sees every accepted position (in arrival order). */
export interface LiveStage {
  name: string
  onPositions?(positions: readonly Position[]): void
  onStatus?(vehicleId: string, status: VehicleStatus, ts: number): void
  onDeviceEvent?(event: DeviceEvent): void
}

export interface IngestLog {
  debug(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export class Ingest {
  readonly #writer: BatchWriter
  readonly #metrics: Metrics
  readonly #limits: TelemetryLimits
  readonly #stages: LiveStage[]
  readonly #log: IngestLog
  readonly #now: () => number

  constructor(deps: {
    writer: BatchWriter
    metrics: Metrics
    limits: TelemetryLimits
    stages: LiveStage[]
    log: IngestLog
    now?: () => number
  }) {
    this.#writer = deps.writer
    this.#metrics = deps.metrics
    this.#limits = deps.limits
    this.#stages = deps.stages
    this.#log = deps.log
    this.#now = deps.now ?? Date.now
  }

  #stopped = false

  get writer(): BatchWriter {
    return this.#writer
  }

  /** From now on nothing is taken in: messages stay unacknowledged and are redelivered later. */
  stopIntake(): void {
    this.#stopped = true
  }

  /**
   * Takes one uplink MQTT message. Resolves when it may be acknowledged: once committed, or at
   * once when it was dropped (a bad message is counted, never retried forever). Rejects only
   * after stopIntake(): the message must then not be acknowledged.
   */
  accept(topic: string, payload: Uint8Array): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('server is shutting down'))
    const parsed = parseUplinkTopic(topic)
    if (!parsed) {
      this.#drop({ reason: 'bad_topic', detail: topic.slice(0, 120) }, topic)
      return Promise.resolve()
    }
    const { vehicleId, kind } = parsed
    this.#metrics.messagesReceived.inc({ kind })
    const now = this.#now()
    switch (kind) {
      case 'pos': {
        this.#metrics.pointsReceived.inc()
        const r = parsePositionMessage(vehicleId, payload, now, this.#limits)
        if (!r.ok) {
          this.#drop(r.reject, topic)
          return Promise.resolve()
        }
        return this.#accept([r.value])
      }
      case 'pos/batch': {
        const r = parsePositionBatchMessage(vehicleId, payload, now, this.#limits)
        this.#metrics.pointsReceived.inc(r.positions.length + r.rejects.length)
        // A whole batch over the packet limit came through a broker allowing more: loud, not debug.
        for (const reject of r.rejects) this.#drop(reject, topic, reject.reason === 'oversize' ? 'error' : 'debug')
        return this.#accept(r.positions)
      }
      case 'status': {
        const r = parseStatusMessage(payload)
        if (!r.ok) {
          this.#drop(r.reject, topic)
          return Promise.resolve()
        }
        return this.acceptStatus(vehicleId, r.value, now)
      }
      case 'event': {
        const r = parseDeviceEventMessage(vehicleId, payload, now, this.#limits)
        if (!r.ok) {
          this.#drop(r.reject, topic)
          return Promise.resolve()
        }
        return this.acceptDeviceEvent(r.value)
      }
    }
  }

  /** A vehicle's link going up or down (MQTT status / last will, JT/T 808 connection). */
  acceptStatus(vehicleId: string, status: VehicleStatus, ts: number): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('server is shutting down'))
    this.#runStages('onStatus', (s) => s.onStatus?.(vehicleId, status, ts))
    return this.#writer.add({
      positions: [],
      events: [{ vehicleId, ts, type: status }],
      statuses: [{ vehicleId, status, ts }],
    })
  }

  /** A driver alarm, door or passenger-count event. */
  acceptDeviceEvent(event: DeviceEvent): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('server is shutting down'))
    this.#runStages('onDeviceEvent', (s) => s.onDeviceEvent?.(event))
    return this.#writer.add({ positions: [], events: [telemetryRepo.deviceEventToStored(event)], statuses: [] })
  }

  /**
   * Positions decoded by another codec (JT/T 808): counted as received, checked against the
   * clock like MQTT ones (`future_ts`), then accepted.
   */
  acceptDecoded(positions: readonly Position[]): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('server is shutting down'))
    this.#metrics.pointsReceived.inc(positions.length)
    const maxTs = this.#now() + this.#limits.maxFutureSkewMs
    const ok = positions.filter((p) => p.ts <= maxTs)
    for (let i = ok.length; i < positions.length; i++)
      this.#drop({ reason: 'future_ts', detail: 'fix ahead of the server clock' }, 'decoded')
    return this.#accept(ok)
  }

  #accept(positions: readonly Position[]): Promise<void> {
    if (positions.length === 0) return Promise.resolve()
    this.#metrics.pointsAccepted.inc(positions.length)
    this.#runStages('onPositions', (s) => s.onPositions?.(positions))
    return this.#writer.add({ positions, events: [], statuses: [] })
  }

  #runStages(what: string, fn: (stage: LiveStage) => void): void {
    for (const stage of this.#stages) {
      try {
        fn(stage)
      } catch (err) {
        this.#metrics.stageErrors.inc({ stage: stage.name })
        this.#log.error({ err, stage: stage.name, what }, 'pipeline stage failed; continuing')
      }
    }
  }

  #drop(reject: Reject, topic: string, level: 'debug' | 'error' = 'debug'): void {
    this.#metrics.dropped.inc({ reason: reject.reason })
    if (level === 'error')
      this.#log.error(
        { topic, reason: reject.reason, detail: reject.detail },
        "pos/batch over MQTT_MAX_PACKET_KB dropped: set the broker's max_packet_size to the same limit so devices are refused instead",
      )
    else this.#log.debug({ topic, reason: reject.reason, detail: reject.detail }, 'telemetry dropped')
  }
}
