/**
 * Sub-packaged JT/T 808 messages (a blind-area 0x0704 upload in numbered packets), kept in the
 * database per terminal until whole or expired. Each packet is answered "received" only once it is
 * stored there, because the terminal may then delete it: a packet held in memory would be lost with
 * the connection, a restart, or a reconnect to another instance. The message is answered only when
 * all of it is stored — see the session.
 */
import { jt808Repo, type Queryable } from '@rb/db'
import { jt808 } from '@rb/protocol'

type Header = jt808.Jt808Header

export interface SubpackageLimits {
  /** A message not whole this long after its first packet is dropped, ms. */
  ttlMs: number
  /** Unfinished messages per terminal; the oldest goes beyond this. */
  maxPerTerminal: number
  /** Largest joined body, bytes. */
  maxBytes: number
  /** Most packets a message may declare. */
  maxPackets: number
}

export const DEFAULT_SUBPACKAGE_LIMITS: SubpackageLimits = {
  ttlMs: 86_400_000,
  maxPerTerminal: 8,
  maxBytes: 1024 * 1024,
  maxPackets: 4096,
}

export type SubpackageKey = jt808Repo.SubpackageKey

export type SubpackageOutcome =
  /** Stored; `missing` lists the packets still to come once the last one has been seen (ask for them with 0x8003). */
  | { status: 'pending'; key: SubpackageKey; missing: number[] | null }
  /** Every packet is stored: decode `body`; answer the packets of `answer` (serials) once it is handled, then `done(key)`. */
  | { status: 'complete'; key: SubpackageKey; header: Header; body: Uint8Array; answer: number[] }
  | { status: 'refused'; reason: string }

/** A message of a terminal that lacks packets although its last one came (asked for again after a reconnect). */
export interface Incomplete {
  firstSerial: number
  missing: number[]
}

export interface SubpackageStore {
  /** One packet of an authenticated terminal (`phone` canonical). */
  add(phone: string, frame: jt808.Jt808Frame): Promise<SubpackageOutcome>
  /** The message was handled: its packets go. */
  done(key: SubpackageKey): Promise<void>
  /** Unfinished messages of a terminal whose last packet came: what to ask for again. */
  incomplete(phone: string): Promise<Incomplete[]>
  /** Drops messages past their time; returns how many. */
  expire(): Promise<number>
}

export function createSubpackageStore(
  db: Queryable,
  limits: SubpackageLimits = DEFAULT_SUBPACKAGE_LIMITS,
  now: () => number = Date.now,
): SubpackageStore {
  return {
    async add(phone, frame) {
      const h = frame.header
      const sub = h.subpackage
      if (sub === null) throw new Error('not a sub-packaged frame')
      if (sub.total > limits.maxPackets)
        return { status: 'refused', reason: `${sub.total} packets is more than ${limits.maxPackets}` }
      if (sub.total === 1) {
        return {
          status: 'complete',
          key: { phone, msgId: h.msgId, firstSerial: h.serial },
          header: { ...h, subpackage: null },
          body: frame.body,
          answer: [h.serial],
        }
      }
      const key: SubpackageKey = { phone, msgId: h.msgId, firstSerial: jt808.firstSerialOf(h.serial, sub.index) }
      const at = now()
      await jt808Repo.expireSubpackages(db, at - limits.ttlMs, phone)
      const open = await jt808Repo.pendingSubpackages(db, phone)
      const others = open.filter((m) => m.msgId !== key.msgId || m.firstSerial !== key.firstSerial)
      for (const old of others.slice(0, Math.max(0, others.length - limits.maxPerTerminal + 1))) {
        await jt808Repo.deleteSubpackage(db, { phone, msgId: old.msgId, firstSerial: old.firstSerial })
      }
      await jt808Repo.storeSubpackagePiece(
        db,
        key,
        sub.total,
        { packet: sub.index, serial: h.serial, body: frame.body },
        at,
      )
      const pieces = await jt808Repo.subpackagePieces(db, key)
      const bytes = pieces.reduce((n, p) => n + p.body.length, 0)
      if (bytes > limits.maxBytes) {
        await jt808Repo.deleteSubpackage(db, key)
        return { status: 'refused', reason: `joined body would exceed ${limits.maxBytes} bytes` }
      }
      if (pieces.length < sub.total) {
        const last = pieces.some((p) => p.packet === sub.total)
        return {
          status: 'pending',
          key,
          missing: last
            ? jt808.missingPackets(
                pieces.map((p) => p.packet),
                sub.total,
              )
            : null,
        }
      }
      const body = jt808.joinPieces(pieces.map((p) => p.body))
      const lastSerial = pieces[pieces.length - 1]?.serial ?? h.serial
      return {
        status: 'complete',
        key,
        header: { ...h, serial: key.firstSerial, subpackage: null, bodyLength: body.length },
        body,
        answer: lastSerial === h.serial ? [h.serial] : [h.serial, lastSerial],
      }
    },
    done: (key) => jt808Repo.deleteSubpackage(db, key),
    async incomplete(phone) {
      const open = await jt808Repo.pendingSubpackages(db, phone)
      return open
        .filter((m) => m.packets.includes(m.total) && now() - m.firstReceivedTs <= limits.ttlMs)
        .map((m) => ({ firstSerial: m.firstSerial, missing: jt808.missingPackets(m.packets, m.total) }))
    },
    expire: () => jt808Repo.expireSubpackages(db, now() - limits.ttlMs),
  }
}
