/**
 * Limits what one MQTT connection of the embedded broker may make the server hold, before the
 * bytes reach aedes' packet parser (which would otherwise buffer a packet of any declared length,
 * up to 256 MB, waiting for it to arrive). The guard follows packet boundaries in the byte stream
 * and refuses a packet as soon as its fixed header declares more than the limit:
 *
 * - before the CONNACK: at most `beforeSignIn` bytes in all (the CONNECT and anything pipelined),
 * - after it: at most `maxPacket` bytes per packet.
 *
 * Pure state machine: bytes in, a verdict out; the broker closes the connection on a refusal.
 */

export interface PacketLimits {
  /** Largest packet once the client is signed in (CONNACK sent), bytes. */
  maxPacket: number
  /** Everything a client may send before its CONNACK, bytes. */
  beforeSignIn: number
}

export interface Refusal {
  reason: 'packet_too_large' | 'too_much_before_sign_in' | 'malformed_length'
  /** MQTT control packet type (1 CONNECT, 3 PUBLISH, …). */
  packetType: number
  /** The size the packet declared (fixed header included), bytes. */
  declared: number
  limit: number
  /** For a PUBLISH whose topic was in the bytes seen: its topic. */
  topic?: string
}

type State = 'type' | 'length' | 'body'

export class PacketGuard {
  readonly #limits: PacketLimits
  #state: State = 'type'
  #type = 0
  #length = 0
  #multiplier = 1
  #lengthBytes = 0
  /** Bytes of the current packet's body still to come. */
  #remaining = 0
  /** Bytes seen before the CONNACK. */
  #early = 0

  constructor(limits: PacketLimits) {
    this.#limits = limits
  }

  /** Looks at the next bytes of the stream; a refusal means the connection must close now. */
  push(chunk: Uint8Array, signedIn: boolean): Refusal | null {
    if (!signedIn) {
      this.#early += chunk.length
      if (this.#early > this.#limits.beforeSignIn) {
        return {
          reason: 'too_much_before_sign_in',
          packetType: this.#type,
          declared: this.#early,
          limit: this.#limits.beforeSignIn,
        }
      }
    }
    let i = 0
    while (i < chunk.length) {
      switch (this.#state) {
        case 'type':
          this.#type = (chunk[i++] as number) >> 4
          this.#length = 0
          this.#multiplier = 1
          this.#lengthBytes = 0
          this.#state = 'length'
          break
        case 'length': {
          const b = chunk[i++] as number
          this.#length += (b & 0x7f) * this.#multiplier
          this.#multiplier *= 128
          this.#lengthBytes++
          if (b & 0x80) {
            if (this.#lengthBytes === 4)
              return {
                reason: 'malformed_length',
                packetType: this.#type,
                declared: this.#length,
                limit: this.#limits.maxPacket,
              }
            break
          }
          const declared = 1 + this.#lengthBytes + this.#length
          const limit = signedIn ? this.#limits.maxPacket : this.#limits.beforeSignIn
          if (declared > limit) {
            const refusal: Refusal = {
              reason: signedIn ? 'packet_too_large' : 'too_much_before_sign_in',
              packetType: this.#type,
              declared,
              limit,
            }
            const topic = this.#type === 3 ? topicAt(chunk, i) : undefined
            return topic === undefined ? refusal : { ...refusal, topic }
          }
          this.#remaining = this.#length
          this.#state = this.#remaining === 0 ? 'type' : 'body'
          break
        }
        case 'body': {
          const take = Math.min(this.#remaining, chunk.length - i)
          i += take
          this.#remaining -= take
          if (this.#remaining === 0) this.#state = 'type'
          break
        }
      }
    }
    return null
  }
}

/** A PUBLISH's topic name (UTF-8 with a 2-byte length) when it lies within `chunk` from `at`. */
function topicAt(chunk: Uint8Array, at: number): string | undefined {
  if (at + 2 > chunk.length) return undefined
  const n = ((chunk[at] as number) << 8) | (chunk[at + 1] as number)
  if (n === 0 || at + 2 + n > chunk.length || n > 256) return undefined
  return new TextDecoder().decode(chunk.subarray(at + 2, at + 2 + n))
}
