import { describe, expect, it } from 'vitest'
import { readCookie, sessionCookie, tokenFrom } from './cookie.js'

describe('session token sources', () => {
  it('reads rb_session among other cookies, and ignores look-alikes', () => {
    expect(readCookie('a=1; rb_session=abc; b=2', 'rb_session')).toBe('abc')
    expect(readCookie('xrb_session=abc; rb_session_old=d', 'rb_session')).toBeUndefined()
    expect(readCookie(undefined, 'rb_session')).toBeUndefined()
    expect(readCookie('rb_session=%E0%A4%A', 'rb_session')).toBeUndefined()
  })

  it('prefers the bearer header over the cookie', () => {
    expect(tokenFrom({ authorization: 'Bearer tok1', cookie: 'rb_session=tok2' })).toBe('tok1')
    expect(tokenFrom({ authorization: 'Basic dXNlcg==', cookie: 'rb_session=tok2' })).toBe('tok2')
    expect(tokenFrom({ authorization: 'Bearer ', cookie: undefined })).toBeUndefined()
  })

  it('marks the cookie Secure only for https deployments', () => {
    expect(sessionCookie('t', 60, { secure: false })).toBe('rb_session=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax')
    expect(sessionCookie('t', 60, { secure: true })).toBe(
      'rb_session=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    )
  })
})
