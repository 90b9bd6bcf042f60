/**
 * A dispatcher's text to a vehicle's driver, over every channel the vehicle may have: its JT/T 808
 * terminal's screen (0x8300) when one is connected, its MQTT downlink (`rb/v1/veh/{id}/cmd`), and
 * the driver page (socket event `driverMessage` to the room of the trip the vehicle runs or runs
 * next — the room the driver's page follows — and to `vehicle:{id}` for the console). Stored first
 * as an incident note, so the log holds it whatever reached the bus; the note then keeps which
 * channels took it.
 */
import {
  AppError,
  cleanText,
  MESSAGE_MAX_CHARS,
  serviceDayOf,
  type IncidentNote,
  type TrackingEngine,
} from '@rb/domain'
import { incidentsRepo, type Db } from '@rb/db'
import { jt808, topics, type DriverMessage, type DriverMessageCommand, type RoomName } from '@rb/protocol'
import type { PublishFn } from '../broker/downlink.js'
import type { DownlinkResult } from '../jt808/session.js'
import type { NetworkService } from '../network/service.js'
import type { AlertService } from './service.js'

export type Channel = 'jt808' | 'mqtt' | 'driver_page'

/**
 * `delivered`: the terminal confirmed it; `sent`: handed over (the broker took it, a page or
 * terminal was there); `not_reached`: the channel is not there (no terminal connected, no driver
 * page open, no broker); `failed`: it was refused or broke.
 */
export type ChannelStatus = 'delivered' | 'sent' | 'not_reached' | 'failed'

export interface ChannelResult {
  channel: Channel
  status: ChannelStatus
  detail: string
}

export interface MessageResult {
  /** The channels that took it (delivered or sent); empty when none could. */
  channels: Channel[]
  /** Every channel tried, with what became of it. */
  attempts: ChannelResult[]
  /** The incident note that keeps it. */
  note: IncidentNote
}

export interface MessageTerminals {
  isConnected(vehicleId: string): boolean
  sendText(vehicleId: string, text: string): Promise<DownlinkResult>
}

export interface MessengerDeps {
  db: Db
  alerts: AlertService
  publish: PublishFn | undefined
  terminals: MessageTerminals | undefined
  /** Emits to the rooms at once; answers those with a listener. */
  emit(rooms: RoomName[], message: DriverMessage): RoomName[]
  /** The trip instance the vehicle runs now, else the next one assigned to it today; null when none. */
  tripOf(vehicleId: string, now: number): Promise<string | null>
  log: { warn(obj: object, msg: string): void }
  now?: () => number
}

export interface Sender {
  username: string
  displayName: string
}

const tookIt = (r: ChannelResult): boolean => r.status === 'delivered' || r.status === 'sent'

export class DriverMessenger {
  readonly #d: MessengerDeps
  readonly #now: () => number

  constructor(deps: MessengerDeps) {
    this.#d = deps
    this.#now = deps.now ?? Date.now
  }

  async send(
    vehicleId: string,
    rawText: string,
    alertId: string | null,
    from: Sender,
    audit?: (note: IncidentNote, took: Channel[]) => Promise<void>,
  ): Promise<MessageResult> {
    const text = cleanText(rawText, { field: 'text', maxChars: MESSAGE_MAX_CHARS, required: true }) as string
    const subject = await this.#d.alerts.subject({ vehicleId, alertId })
    const about = alertId ? (await this.#d.alerts.get(alertId)).vehicleId : null
    if (about && about !== vehicleId)
      throw new AppError('VALIDATION_FAILED', `alert ${alertId} is about vehicle ${about}, not ${vehicleId}`, {
        field: 'alertId',
      })
    const now = this.#now()
    const tripInstanceId = (await this.#d.tripOf(vehicleId, now)) ?? subject.tripInstanceId
    const note = await incidentsRepo.insertIncidentNote(this.#d.db, {
      ts: now,
      vehicleId,
      tripInstanceId,
      alertId: subject.alertId,
      kind: 'message',
      by: from.username,
      text,
    })
    const message: DriverMessage = {
      id: note.id,
      vehicleId,
      tripInstanceId,
      alertId: subject.alertId,
      ts: now,
      text,
      from: from.displayName,
    }
    const page = this.#page(message)
    const attempts = [...(await Promise.all([this.#jt808(vehicleId, text), this.#mqtt(message)])), page]
    const channels = attempts.filter(tookIt).map((c) => c.channel)
    const data = { channels, attempts }
    // The message went out: a failure to note the outcome must not turn it into an error.
    await incidentsRepo
      .setIncidentData(this.#d.db, note.id, data)
      .catch((err: Error) => this.#d.log.warn({ err: err.message, noteId: note.id }, 'message channels not noted'))
    await audit?.(note, channels)
    return { channels, attempts, note: { ...note, data } }
  }

  async #jt808(vehicleId: string, text: string): Promise<ChannelResult> {
    const t = this.#d.terminals
    if (!t) return { channel: 'jt808', status: 'not_reached', detail: 'the JT/T 808 gateway is off' }
    if (!t.isConnected(vehicleId))
      return { channel: 'jt808', status: 'not_reached', detail: 'no JT/T 808 terminal connected for this vehicle' }
    try {
      const r = await t.sendText(vehicleId, text)
      if (!r.replied)
        return { channel: 'jt808', status: 'sent', detail: 'sent to the terminal; it did not answer in time' }
      if (r.result === jt808.REPLY_RESULT.success)
        return { channel: 'jt808', status: 'delivered', detail: 'the terminal confirmed it' }
      return {
        channel: 'jt808',
        status: 'failed',
        detail: `the terminal answered result ${r.result ?? '?'} (0 success, 1 failure, 2 message error, 3 not supported)`,
      }
    } catch (err) {
      // A character outside GBK cannot go on the terminal's screen; the other channels still carry it.
      return { channel: 'jt808', status: 'failed', detail: (err as Error).message }
    }
  }

  async #mqtt(m: DriverMessage): Promise<ChannelResult> {
    const publish = this.#d.publish
    const topic = topics.command(m.vehicleId)
    if (!publish) return { channel: 'mqtt', status: 'not_reached', detail: 'no MQTT broker' }
    const cmd: DriverMessageCommand = {
      type: 'message',
      ts: m.ts,
      id: m.id,
      text: m.text,
      from: m.from,
      alertId: m.alertId,
      tripInstanceId: m.tripInstanceId,
    }
    try {
      await publish(topic, JSON.stringify(cmd))
      return { channel: 'mqtt', status: 'sent', detail: `published on ${topic} (QoS 1)` }
    } catch (err) {
      return { channel: 'mqtt', status: 'failed', detail: `not published on ${topic}: ${(err as Error).message}` }
    }
  }

  #page(m: DriverMessage): ChannelResult {
    const trip: RoomName | null = m.tripInstanceId ? `trip:${m.tripInstanceId}` : null
    const heard = this.#d.emit(trip ? [trip, `vehicle:${m.vehicleId}`] : [`vehicle:${m.vehicleId}`], m)
    if (!trip)
      return {
        channel: 'driver_page',
        status: 'not_reached',
        detail: 'the vehicle runs no trip today: no driver page follows it',
      }
    if (!heard.includes(trip))
      return { channel: 'driver_page', status: 'not_reached', detail: `no driver page open on ${m.tripInstanceId}` }
    return { channel: 'driver_page', status: 'sent', detail: `shown on the driver page of ${m.tripInstanceId}` }
  }
}

/** The trip a vehicle runs now (the engine's), else the next one of today's assigned to it that has not ended. */
export function tripOfVehicle(
  engine: Pick<TrackingEngine, 'state'>,
  network: Pick<NetworkService, 'instancesOn'>,
): MessengerDeps['tripOf'] {
  return async (vehicleId, now) => {
    const running = engine.state(vehicleId)?.tripInstanceId
    if (running) return running
    const ahead = (await network.instancesOn(serviceDayOf(now)))
      .filter(
        (i) =>
          i.vehicleId === vehicleId && i.status !== 'cancelled' && (i.stops.at(-1)?.arrivalTs ?? i.departureTs) >= now,
      )
      .sort((a, b) => a.departureTs - b.departureTs)
    return ahead[0]?.id ?? null
  }
}
