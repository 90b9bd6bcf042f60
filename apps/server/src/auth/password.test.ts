import { describe, expect, it } from 'vitest'
import { generatePassword, hashPassword, needsRehash, UNUSABLE_HASH, verifyPassword } from './password.js'

describe('password hashing (scrypt)', () => {
  it('encodes its parameters and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery')
    const b = await hashPassword('correct horse battery')
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse battery', a)).toBe(true)
    expect(await verifyPassword('correct horse batterY', a)).toBe(false)
    expect(await verifyPassword('', a)).toBe(false)
  })

  it('verifies a hash made with other parameters and asks for a re-hash when they were weaker', async () => {
    const weak = await hashPassword('village-bus-2026', { ln: 12, r: 8, p: 1 })
    expect(weak).toContain('$ln=12,')
    expect(await verifyPassword('village-bus-2026', weak)).toBe(true)
    expect(needsRehash(weak)).toBe(true)
    expect(needsRehash(await hashPassword('village-bus-2026'))).toBe(false)
  })

  it('treats the same text in composed and decomposed Unicode as one password', async () => {
    const h = await hashPassword('Café-叙永-2026')
    expect(await verifyPassword('Cafe\u0301-叙永-2026', h)).toBe(true)
  })

  it('refuses unreadable or tampered hashes instead of throwing (and never asks for huge memory)', async () => {
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false)
    expect(
      await verifyPassword(
        'x',
        '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ),
    ).toBe(false)
    expect(await verifyPassword('', UNUSABLE_HASH)).toBe(false)
    expect(needsRehash('garbage')).toBe(true)
  })

  it('generates 20-character passwords from an unambiguous alphabet', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = generatePassword()
      expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/)
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })
})
