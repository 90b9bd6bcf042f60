import { describe, expect, it } from 'vitest'
import { auditBody } from './auto-audit.js'

describe('auditBody', () => {
  it('keeps small JSON bodies and redacts secrets at any depth', () => {
    expect(
      auditBody({ name: 'x', password: 'p', nested: { deviceSecret: 's', list: [{ apiToken: 't', ok: 1 }] } }),
    ).toEqual({
      name: 'x',
      password: '[redacted]',
      nested: { deviceSecret: '[redacted]', list: [{ apiToken: '[redacted]', ok: 1 }] },
    })
  })

  it('summarises uploads and large bodies instead of storing them', () => {
    expect(auditBody(Buffer.alloc(1234))).toEqual({ bytes: 1234 })
    expect(auditBody({ geometry: Array.from({ length: 2000 }, (_, i) => [i, i]) })).toMatchObject({ truncated: true })
    expect(auditBody(undefined)).toBeNull()
  })
})
