/** docs/errors.md lists every error code of packages/domain/src/errors.ts with its status, and no other. */
import { describe, expect, it } from 'vitest'
import { ERRORS } from '@rb/domain'
import { codesIn, readDoc, tableRows } from './doc-table.js'

describe('docs/errors.md', () => {
  const rows = tableRows(readDoc('errors.md'), 'code')
  const documented = new Map(rows.map((r) => [codesIn(r[0] ?? '')[0], Number(r[1])]))

  it('has every error code with its HTTP status', () => {
    const missing = Object.entries(ERRORS).filter(([code, status]) => documented.get(code) !== status)
    expect(
      missing.map(([code, status]) => `${code} ${status}`),
      'codes missing from docs/errors.md or shown with another status',
    ).toEqual([])
  })

  it('lists no code the server no longer has', () => {
    expect([...documented.keys()].filter((code) => !(code !== undefined && code in ERRORS))).toEqual([])
  })

  it('says when each one is given', () => {
    expect(rows.filter((r) => !r[2]).map((r) => r[0])).toEqual([])
  })
})
