/**
 * Device sign-in for the embedded broker (DEVICE_AUTH): a device signs in with user name = its
 * vehicle id and password = that vehicle's device secret, then may publish only its own uplink
 * topics (`rb/v1/veh/{own id}/pos | pos/batch | status | event`) and subscribe only to its own
 * `rb/v1/veh/{own id}/cmd`. Its client id is bound to the vehicle (`clientIdBelongsTo`): the
 * vehicle id, or the vehicle id and a suffix such as `.tbox`, so no device can take over or block
 * another vehicle's session. The Mosquitto equivalent is in infra/mosquitto/.
 */
import type { Client, PublishPacket, Subscription } from 'aedes'
import { clientIdBelongsTo, isVehicleId, parseUplinkTopic, topics } from '@rb/protocol'
import { accountsRepo, type Queryable } from '@rb/db'
import { matchesHash, newToken } from '../auth/tokens.js'

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }

/** aedes' CONNACK codes (its enum is const, which isolated modules cannot import). */
const IDENTIFIER_REJECTED = 2
const BAD_USERNAME_OR_PASSWORD = 4

const VEHICLE = Symbol('vehicleId')
type DeviceClient = Client & { [VEHICLE]?: string }

const authError = (message: string, returnCode: number): Error & { returnCode: number } =>
  Object.assign(new Error(message), { returnCode })

export class DeviceAuth {
  readonly #db: Queryable
  readonly #log: Log
  /** Secrets the server hands its own simulated fleets: any vehicle id, while the run lasts. */
  readonly #runSecrets = new Set<string>()

  constructor(db: Queryable, log: Log) {
    this.#db = db
    this.#log = log
  }

  /** A secret for a simulated fleet the server runs itself; revoke when the run ends. */
  issueRunSecret(): { secret: string; revoke: () => void } {
    const secret = newToken()
    this.#runSecrets.add(secret)
    return { secret, revoke: () => void this.#runSecrets.delete(secret) }
  }

  async #secretMatches(vehicleId: string, password: string): Promise<boolean> {
    if (this.#runSecrets.has(password)) return true
    const hash = await accountsRepo.findDeviceSecretHash(this.#db, vehicleId)
    return hash !== null && matchesHash(password, hash)
  }

  /** aedes `authenticate`. */
  authenticate = (
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: (Error & { returnCode: number }) | null, success: boolean | null) => void,
  ): void => {
    const vehicleId = username ?? ''
    const refuse = (reason: string, code = BAD_USERNAME_OR_PASSWORD): void => {
      this.#log.warn(
        { clientId: client.id.slice(0, 64), username: vehicleId.slice(0, 64), reason },
        'mqtt device refused',
      )
      done(authError(reason, code), false)
    }
    if (!isVehicleId(vehicleId) || !password || password.length > 200)
      return refuse('user name must be the vehicle id and password its device secret')
    // Checked before the secret: a client id of another vehicle is refused whoever asks.
    if (!clientIdBelongsTo(client.id, vehicleId))
      return refuse(
        `client id must be the vehicle id ${vehicleId} or start with it and a separator such as "."`,
        IDENTIFIER_REJECTED,
      )
    this.#secretMatches(vehicleId, password.toString('utf8')).then(
      (ok) => {
        if (!ok) return refuse('wrong vehicle id or device secret')
        ;(client as DeviceClient)[VEHICLE] = vehicleId
        done(null, true)
      },
      (err: Error) => {
        this.#log.warn({ clientId: client.id, err: err.message }, 'mqtt device check failed (database)')
        done(authError('server unavailable', 3), false)
      },
    )
  }

  /** The vehicle a client signed in as; undefined before sign-in. */
  vehicleOf(client: Client): string | undefined {
    return (client as DeviceClient)[VEHICLE]
  }

  /** Whether a signed-in client may publish on `topic` (its own uplink topics only). */
  mayPublish(client: Client | null, packet: PublishPacket): boolean {
    if (!client) return true
    const own = (client as DeviceClient)[VEHICLE]
    return own !== undefined && parseUplinkTopic(packet.topic)?.vehicleId === own
  }

  /** aedes `authorizeSubscribe`: only the device's own command topic; others are refused (SUBACK 0x80). */
  authorizeSubscribe = (
    client: Client,
    sub: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const own = (client as DeviceClient)[VEHICLE]
    if (own !== undefined && sub.topic === topics.command(own)) return done(null, sub)
    this.#log.warn({ clientId: client.id, topic: sub.topic.slice(0, 120) }, 'mqtt subscription refused')
    done(null, null)
  }
}
