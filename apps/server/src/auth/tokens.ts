/** Opaque bearer secrets (session tokens, device secrets): 256 random bits, stored as SHA-256. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const newToken = (): string => randomBytes(32).toString('base64url')

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex')

/** Compares a presented secret with a stored SHA-256 hex hash in constant time. */
export function matchesHash(secret: string, storedHex: string): boolean {
  const a = Buffer.from(tokenHash(secret), 'hex')
  const b = Buffer.from(storedHex, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
