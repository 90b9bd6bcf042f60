/**
 * The console's language, remembered per account: never chosen is null (the console starts in
 * Chinese); a choice is kept for that account only, across sessions; a bad value is refused with
 * the field named and changes nothing; no session, no preferences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { login, startServer, targets, TEST_USER_PASSWORD, type TestServer } from '../support/server.js'

interface Prefs {
  lang: 'zh' | 'en' | null
}
interface ErrorBody {
  error: { code: string; message: string }
}

describe.each(targets())('console preferences on $name', (target) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer(target.env)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('keeps each account its own language, across sign-ins', async () => {
    const a = await server.loginAs('dispatcher', { username: 'pref-a' })
    const b = await server.loginAs('operator', { username: 'pref-b' })
    expect((await server.apiJson<Prefs>('GET', '/api/me/preferences', undefined, a)).body).toEqual({ lang: null })

    const put = await server.apiJson<Prefs>('PUT', '/api/me/preferences', { lang: 'en' }, a)
    expect(put).toEqual({ status: 200, body: { lang: 'en' } })
    expect((await server.apiJson<Prefs>('GET', '/api/me/preferences', undefined, b)).body).toEqual({ lang: null })

    // A new session of the same account reads it back.
    const again = await login(server.baseUrl, 'pref-a', TEST_USER_PASSWORD)
    expect((await server.apiJson<Prefs>('GET', '/api/me/preferences', undefined, again)).body).toEqual({ lang: 'en' })

    expect((await server.apiJson<Prefs>('PUT', '/api/me/preferences', { lang: 'zh' }, again)).body).toEqual({
      lang: 'zh',
    })
    expect((await server.apiJson<Prefs>('GET', '/api/me/preferences', undefined, a)).body).toEqual({ lang: 'zh' })
  })

  it('refuses a language it does not have, naming the field, and keeps the one chosen', async () => {
    const a = await server.loginAs('dispatcher', { username: 'pref-c' })
    await server.apiJson('PUT', '/api/me/preferences', { lang: 'en' }, a)
    const bad = await server.apiJson<ErrorBody>('PUT', '/api/me/preferences', { lang: 'fr' }, a)
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_FAILED')
    expect(bad.body.error.message).toContain('lang')
    expect((await server.apiJson<Prefs>('GET', '/api/me/preferences', undefined, a)).body).toEqual({ lang: 'en' })
  })

  it('answers 401 without a session', async () => {
    expect((await fetch(`${server.baseUrl}/api/me/preferences`)).status).toBe(401)
  })
})
