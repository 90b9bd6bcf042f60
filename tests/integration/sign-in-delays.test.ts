/**
 * Failed sign-ins make the next attempt wait, longer each time, per user name and per address —
 * never a lock a stranger can put on someone else: the account's known addresses (where it signed
 * in before) skip its user name's wait, so the admin always gets in from the office.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, targets, TEST_ADMIN_PASSWORD, waitFor, type TestServer } from '../support/server.js'

type ErrorBody = { error: { code: string; message: string } }

describe.each(targets())('sign-in delays on $name', (target) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      TRUST_PROXY: '127.0.0.1',
      LOGIN_FREE_FAILURES: '3',
      LOGIN_DELAY_MAX_S: '600',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  const login = async (username: string, password: string, from: string) => {
    const res = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username, password }),
    })
    return {
      status: res.status,
      retryAfter: Number(res.headers.get('retry-after') ?? 0),
      body: (await res.json()) as ErrorBody,
    }
  }

  it('never keeps the admin out of an address it signed in from, whatever strangers try elsewhere', async () => {
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.1.1.1')).status).toBe(200)
    // A stranger guesses from many addresses (a fresh one each time, so no address wait applies).
    let refused = 0
    for (let i = 0; i < 12; i++) {
      const r = await login('admin', `guess-${i}`, `10.2.${i}.1`)
      if (r.status === 429) refused++
      else expect(r.status).toBe(401)
    }
    expect(refused).toBeGreaterThan(0)
    // From a new address, even the right password waits for the user name's delay…
    const stranger = await login('admin', TEST_ADMIN_PASSWORD, '10.2.99.1')
    expect(stranger.status).toBe(429)
    expect(stranger.body.error.code).toBe('RATE_LIMITED')
    expect(stranger.retryAfter).toBeGreaterThan(0)
    // …but the admin at the office signs in at once.
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.1.1.1')).status).toBe(200)
  })

  it('waits longer after each failure from one address, and lets the right password in once the wait is over', async () => {
    const from = '10.3.3.3'
    for (let i = 0; i < 3; i++) expect((await login(`nobody-${i}`, 'not-it', from)).status).toBe(401)
    const first = await login('someone', 'not-it', from)
    expect(first.status).toBe(429)
    expect(first.retryAfter).toBe(1)
    // Once the wait is over the attempt is checked (and fails again): the next wait is twice as long.
    await waitFor(async () => (await login('someone', 'not-it', from)).status === 401, 60_000, 200)
    const failedAt = Date.now()
    const second = await login('someone', 'not-it', from)
    expect(second.status).toBe(429)
    // 2 s from that failure, less whatever a busy machine took to ask again.
    if (Date.now() - failedAt < 1000) expect(second.retryAfter).toBe(2)
    else expect([1, 2]).toContain(second.retryAfter)
    // Not a lock: after the wait, the right password signs in (and clears the address's failures).
    await server.loginAs('dispatcher', { username: 'waited' })
    const ok = await waitFor(
      async () => {
        const r = await login('waited', 'test-user-Pa55phrase', from)
        return r.status === 200 ? r : null
      },
      60_000,
      250,
    )
    expect(ok.status).toBe(200)
    expect((await login('nobody-x', 'not-it', from)).status).toBe(401)
  })
})
