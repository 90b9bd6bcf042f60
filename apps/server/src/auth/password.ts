/**
 * Password hashing with scrypt (memory-hard, in node:crypto: no native dependency). The encoded
 * hash carries its parameters — `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` — so they can be raised
 * later: old hashes still verify and are re-hashed at the next successful sign-in.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. 15 → N = 32,768: 32 MiB and ~50–100 ms per hash. */
  ln: number
  r: number
  p: number
}

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 }
const KEY_LEN = 32
const SALT_LEN = 16

const scrypt = (password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> => {
  const N = 2 ** params.ln
  // Node refuses above 32 MiB by default; allow what the parameters need, with room.
  const opts: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 }
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

const b64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '')

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LEN)
  const key = await scrypt(password, salt, params)
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`
}

const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

interface Decoded {
  params: ScryptParams
  salt: Buffer
  key: Buffer
}

function decode(encoded: string): Decoded | null {
  const m = ENCODED.exec(encoded)
  if (!m) return null
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  // Bounds keep a tampered row from asking for gigabytes.
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return null
  return { params, salt: Buffer.from(m[4] ?? '', 'base64'), key: Buffer.from(m[5] ?? '', 'base64') }
}

/** True when `password` matches; false for a wrong password or a hash this code cannot read. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const d = decode(encoded)
  if (!d || d.key.length !== KEY_LEN) return false
  const key = await scrypt(password, d.salt, d.params)
  return timingSafeEqual(key, d.key)
}

/** True when the hash was made with weaker parameters than `params` (re-hash after sign-in). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_PARAMS): boolean {
  const d = decode(encoded)
  return !d || d.params.ln < params.ln || d.params.r < params.r || d.params.p < params.p
}

/** A hash no password matches: accounts that must not sign in, and equal work for unknown users. */
export const UNUSABLE_HASH = `$scrypt$ln=${DEFAULT_PARAMS.ln},r=${DEFAULT_PARAMS.r},p=${DEFAULT_PARAMS.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`

/** A password for people to type once and change: 20 characters from a 56-letter alphabet (~116 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(length * 2)
  let out = ''
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i] ?? 0
    // Rejection sampling keeps every letter equally likely.
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length]
  }
  return out.length === length ? out : generatePassword(length)
}
