import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { REJECT_REASONS } from '@rb/protocol'

/** Prometheus metrics of one server instance (its own registry: tests run several in one process). */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const m = {
    registry,
    messagesReceived: new Counter({
      name: 'rb_ingest_messages_received_total',
      help: 'Uplink MQTT messages received, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    pointsReceived: new Counter({
      name: 'rb_ingest_points_received_total',
      help: 'Positions received (valid or not)',
      registers: [registry],
    }),
    pointsAccepted: new Counter({
      name: 'rb_ingest_points_accepted_total',
      help: 'Positions that passed validation',
      registers: [registry],
    }),
    pointsStored: new Counter({
      name: 'rb_ingest_points_stored_total',
      help: 'Positions written to the database (new rows)',
      registers: [registry],
    }),
    pointsDuplicate: new Counter({
      name: 'rb_ingest_points_duplicate_total',
      help: 'Positions already stored (resends), skipped',
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'rb_ingest_dropped_total',
      help: 'Messages or points dropped, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    eventsStored: new Counter({
      name: 'rb_ingest_events_stored_total',
      help: 'Vehicle events written',
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'rb_ingest_batch_seconds',
      help: 'Time to write one batch (one transaction)',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'rb_ingest_batch_points',
      help: 'Points per written batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000],
      registers: [registry],
    }),
    bufferDepth: new Gauge({
      name: 'rb_ingest_buffer_depth',
      help: 'Points accepted but not yet written',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'rb_ingest_dead_lettered_total',
      help: 'Points and events the database refused, kept in ingest_dead_letter',
      registers: [registry],
    }),
    writeErrors: new Counter({
      name: 'rb_ingest_write_errors_total',
      help: 'Failed batch writes (retried)',
      registers: [registry],
    }),
    stageErrors: new Counter({
      name: 'rb_pipeline_stage_errors_total',
      help: 'Errors in a pipeline stage (the next position still flows)',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
    liveEmits: new Counter({
      name: 'rb_live_emits_total',
      help: 'socket.io emits (one per room per tick)',
      registers: [registry],
    }),
    liveSockets: new Gauge({ name: 'rb_live_sockets', help: 'Connected socket.io clients', registers: [registry] }),
    jt808Connections: new Gauge({
      name: 'rb_jt808_connections',
      help: 'Open JT/T 808 terminal connections',
      registers: [registry],
    }),
    jt808Frames: new Counter({
      name: 'rb_jt808_frames_received_total',
      help: 'JT/T 808 frames with a good header and check code, by message id',
      labelNames: ['msg_id'] as const,
      registers: [registry],
    }),
    jt808Malformed: new Counter({
      name: 'rb_jt808_frames_malformed_total',
      help: 'JT/T 808 frames or bytes dropped, by reason (codec error code, GARBAGE, OVERSIZE, SUBPACKAGE)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    jt808Replies: new Counter({
      name: 'rb_jt808_replies_sent_total',
      help: 'Replies sent to JT/T 808 terminals, by message id and result',
      labelNames: ['msg_id', 'result'] as const,
      registers: [registry],
    }),
    jt808Positions: new Counter({
      name: 'rb_jt808_positions_total',
      help: 'JT/T 808 location reports: accepted into the pipeline, rejected by the codec (no fix), refused (not authenticated)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    jt808Alarms: new Counter({
      name: 'rb_jt808_alarms_total',
      help: 'JT/T 808 alarm flags newly raised, by flag',
      labelNames: ['alarm'] as const,
      registers: [registry],
    }),
    jt808Downlinks: new Counter({
      name: 'rb_jt808_downlinks_total',
      help: 'Messages sent down to JT/T 808 terminals, by message id and outcome',
      labelNames: ['msg_id', 'outcome'] as const,
      registers: [registry],
    }),
    jt808HandlerErrors: new Counter({
      name: 'rb_jt808_handler_errors_total',
      help: 'Unexpected errors while handling a JT/T 808 message (logged; the connection goes on)',
      labelNames: ['msg_id'] as const,
      registers: [registry],
    }),
    jt808Subpackages: new Counter({
      name: 'rb_jt808_subpackages_total',
      help: 'Packets of sub-packaged JT/T 808 messages: stored (kept in the database until the message is whole), completed messages, resend requests sent (0x8003), expired messages',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    mqttRefused: new Counter({
      name: 'rb_mqtt_refused_total',
      help: 'Embedded broker connections closed for what they sent, by reason (packet_too_large, too_much_before_sign_in, malformed_length)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    mqttConnections: new Gauge({
      name: 'rb_mqtt_connections',
      help: 'Open connections to the embedded broker (signed in or not)',
      registers: [registry],
    }),
    mqttSessionsLost: new Counter({
      name: 'rb_mqtt_sessions_lost_total',
      help: 'Reconnects to the external broker that found the ingest session gone (sessionPresent=false): messages it had queued are lost',
      registers: [registry],
    }),
  }
  for (const reason of REJECT_REASONS) m.dropped.inc({ reason }, 0)
  return m
}

export type Metrics = ReturnType<typeof createMetrics>
