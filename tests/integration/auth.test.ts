import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io as connectSocket, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '@rb/protocol'
import { startServer, targets, TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD, type TestServer } from '../support/server.js'

type ErrorBody = { error: { code: string; message: string } }

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>

describe.each(targets())('accounts and sessions on $name', (target) => {
  let server: TestServer

  beforeAll(async () => {
    // The failed sign-ins below come from an address of their own, so the waits they earn do not
    // fall on the other tests' sign-ins from 127.0.0.1 (failures count per address too).
    server = await startServer({ ...target.env, TRUST_PROXY: '127.0.0.1' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('signs in with a cookie (HttpOnly, SameSite=Lax), answers me, and signs out', async () => {
    const res = await post(server.baseUrl, '/api/auth/login', { username: 'admin', password: TEST_ADMIN_PASSWORD })
    expect(res.status).toBe(200)
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^rb_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/)
    const cookie = setCookie.split(';')[0] as string
    const me = await fetch(`${server.baseUrl}/api/auth/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } })

    const out = await fetch(`${server.baseUrl}/api/auth/logout`, { method: 'POST', headers: { cookie } })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/^rb_session=; Path=\/; Max-Age=0/)
    const after = await fetch(`${server.baseUrl}/api/auth/me`, { headers: { cookie } })
    expect(after.status).toBe(401)
    expect(((await after.json()) as ErrorBody).error.code).toBe('UNAUTHENTICATED')
  })

  it('gives scripts a bearer token instead of a cookie when asked', async () => {
    const res = await post(server.baseUrl, '/api/auth/login', {
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      bearer: true,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toBeNull()
    const { token } = (await res.json()) as { token: string }
    const me = await fetch(`${server.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toMatchObject({ user: { username: 'admin' } })
  })

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await post(server.baseUrl, '/api/auth/login', { username: 'admin', password: 'not-the-password' })
    const unknown = await post(server.baseUrl, '/api/auth/login', { username: 'nobody', password: 'not-the-password' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.json()).toEqual(await unknown.json())
  })

  it('makes the next attempt wait after too many failed sign-ins, even with the right password', async () => {
    await server.loginAs('dispatcher', { username: 'locked-out' })
    const elsewhere = { 'x-forwarded-for': '198.51.100.7' }
    for (let i = 0; i < 5; i++)
      expect(
        (await post(server.baseUrl, '/api/auth/login', { username: 'locked-out', password: `wrong-${i}` }, elsewhere))
          .status,
      ).toBe(401)
    const res = await post(
      server.baseUrl,
      '/api/auth/login',
      { username: 'locked-out', password: TEST_USER_PASSWORD },
      elsewhere,
    )
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(((await res.json()) as ErrorBody).error.code).toBe('RATE_LIMITED')
  })

  it('answers 401 without a session and 403 with the wrong role', async () => {
    const anon = await fetch(`${server.baseUrl}/api/vehicles/positions`)
    expect(anon.status).toBe(401)
    expect(((await anon.json()) as ErrorBody).error.code).toBe('UNAUTHENTICATED')

    const dispatcher = await server.loginAs('dispatcher')
    expect((await fetch(`${server.baseUrl}/api/vehicles/positions`, { headers: dispatcher.headers })).status).toBe(200)
    const write = await server.apiJson<ErrorBody>('PUT', '/api/operators/OP9', { name: 'x', phone: '1' }, dispatcher)
    expect(write.status).toBe(403)
    expect(write.body.error.code).toBe('FORBIDDEN')
    expect((await server.apiJson<ErrorBody>('GET', '/api/users', undefined, dispatcher)).status).toBe(403)

    const operator = await server.loginAs('operator')
    expect(
      (await server.apiJson('PUT', '/api/operators/OP9', { name: '叙永公交', phone: '0830-6222222' }, operator)).status,
    ).toBe(200)
    // Public reads stay public.
    expect((await fetch(`${server.baseUrl}/api/operators`)).status).toBe(200)
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
  })

  it('lets an admin create, change and disable accounts, and writes each change to the audit log', async () => {
    const created = await server.apiJson<{ user: { id: number; role: string }; password: string }>(
      'POST',
      '/api/users',
      { username: 'wang.li', displayName: '王丽', role: 'dispatcher' },
    )
    expect(created.status).toBe(201)
    expect(created.body.password).toMatch(/^[A-Za-z0-9]{20}$/)
    const id = created.body.user.id
    const first = await post(server.baseUrl, '/api/auth/login', {
      username: 'wang.li',
      password: created.body.password,
    })
    expect(first.status).toBe(200)
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string

    const promoted = await server.apiJson<{ role: string }>('PATCH', `/api/users/${id}`, { role: 'operator' })
    expect(promoted.body.role).toBe('operator')
    // A role change ends the account's sessions.
    expect((await fetch(`${server.baseUrl}/api/auth/me`, { headers: { cookie } })).status).toBe(401)

    expect((await server.apiJson('PATCH', `/api/users/${id}`, { disabled: true })).status).toBe(200)
    expect(
      (await post(server.baseUrl, '/api/auth/login', { username: 'wang.li', password: created.body.password })).status,
    ).toBe(401)

    const log = await server.apiJson<{
      items: {
        action: string
        username: string
        target: string
        before: { role?: string } | null
        after: { role?: string; disabled?: boolean }
      }[]
    }>('GET', `/api/audit?target=user:${id}`)
    expect(log.body.items.map((e) => e.action)).toEqual(['user.disable', 'user.update', 'user.create'])
    expect(log.body.items.every((e) => e.username === 'admin')).toBe(true)
    expect(log.body.items[1]).toMatchObject({ before: { role: 'dispatcher' }, after: { role: 'operator' } })
    expect(JSON.stringify(log.body.items)).not.toContain(created.body.password)
  })

  it('keeps the last admin: it cannot be demoted or disabled', async () => {
    const users = await server.apiJson<{ items: { id: number; username: string }[] }>('GET', '/api/users')
    const admin = users.body.items.find((u) => u.username === 'admin')
    const res = await server.apiJson<ErrorBody>('PATCH', `/api/users/${admin?.id}`, { disabled: true })
    expect(res.status).toBe(409)
  })

  it('refuses weak and published passwords for new accounts', async () => {
    for (const password of ['short', 'password123', 'demo-dispatcher', 'aaaaaaaaaaaa']) {
      const res = await server.apiJson<ErrorBody>('POST', '/api/users', {
        username: `weak-${password.length}`,
        displayName: 'x',
        role: 'operator',
        password,
      })
      expect(res.status, password).toBe(400)
    }
  })

  it('refuses a cookie-carrying write from another site, but not the same site or a bearer token', async () => {
    const admin = await server.loginAs('admin')
    const body = (username: string) =>
      JSON.stringify({ username, displayName: 'x', role: 'operator', password: TEST_USER_PASSWORD })
    const from = (origin: string, headers: Record<string, string>, username: string) =>
      fetch(`${server.baseUrl}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, ...headers },
        body: body(username),
      })
    const cross = await from('https://evil.example', admin.headers, 'csrf.one')
    expect(cross.status).toBe(403)
    expect(((await cross.json()) as ErrorBody).error.message).toMatch(/another site/)
    expect((await from(server.baseUrl, admin.headers, 'csrf.two')).status).toBe(201)
    expect((await from('https://evil.example', { authorization: `Bearer ${admin.token}` }, 'csrf.three')).status).toBe(
      201,
    )
  })

  it('strips unknown fields from request bodies', async () => {
    const res = await server.apiJson<{ user: Record<string, unknown> }>('POST', '/api/users', {
      username: 'extra.field',
      displayName: 'x',
      role: 'operator',
      password: TEST_USER_PASSWORD,
      isAdmin: true,
      role2: 'admin',
    })
    expect(res.status).toBe(201)
    expect(res.body.user.role).toBe('operator')
    expect(res.body.user).not.toHaveProperty('isAdmin')
  })
})

describe('live socket rooms', () => {
  let server: TestServer
  const sockets: LiveSocket[] = []
  const socket = async (opts: { token?: string; cookie?: string } = {}): Promise<LiveSocket> => {
    const s: LiveSocket = connectSocket(server.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      ...(opts.token ? { auth: { token: opts.token } } : {}),
      ...(opts.cookie ? { extraHeaders: { cookie: opts.cookie } } : {}),
    })
    sockets.push(s)
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve())
      s.once('connect_error', reject)
    })
    return s
  }
  const subscribe = (s: LiveSocket, rooms: string[]): Promise<SubscribeAck> =>
    new Promise((resolve) => s.emit('subscribe', rooms as never, (ack) => resolve(ack)))

  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    for (const s of sockets) s.close()
    await server?.close()
  })

  it('lets anyone into stop rooms and refuses the dispatcher rooms without a session', async () => {
    const anon = await socket()
    const ack = await subscribe(anon, ['stop:XY-0001', 'all', 'route:XY-R01', 'vehicle:XY-V001'])
    expect(ack.joined).toEqual(['stop:XY-0001'])
    expect(ack.refused.map((r) => r.room)).toEqual(['all', 'route:XY-R01', 'vehicle:XY-V001'])
    expect(ack.refused[0]?.reason).toMatch(/sign in/)
  })

  it('refuses a driver and an unknown token, and admits a dispatcher by cookie or by token', async () => {
    const driverAccount = await server.apiJson('PUT', '/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })
    expect(driverAccount.status).toBe(200)
    expect(
      (
        await server.apiJson('PUT', '/api/drivers/XY-D007', {
          name: '李师傅',
          phone: '13800000007',
          licenceClass: 'A1',
          serviceSince: '2010-01-01',
          pioneer: false,
          status: 'active',
        })
      ).status,
    ).toBe(200)
    const driver = await server.loginAs('driver', { driverCode: 'XY-D007' })
    expect((await subscribe(await socket({ token: driver.token }), ['all'])).refused[0]?.reason).toMatch(
      /you are driver/,
    )
    expect((await subscribe(await socket({ token: 'not-a-session' }), ['all'])).joined).toEqual([])

    const dispatcher = await server.loginAs('dispatcher')
    expect((await subscribe(await socket({ cookie: dispatcher.cookie }), ['all', 'vehicle:XY-V001'])).joined).toEqual([
      'all',
      'vehicle:XY-V001',
    ])
    expect((await subscribe(await socket({ token: dispatcher.token }), ['route:XY-R01'])).joined).toEqual([
      'route:XY-R01',
    ])
  })

  it('disconnects the sockets of a session that signs out', async () => {
    const res = await post(server.baseUrl, '/api/auth/login', {
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      bearer: true,
    })
    const { token } = (await res.json()) as { token: string }
    const s = await socket({ token })
    expect((await subscribe(s, ['all'])).joined).toEqual(['all'])
    const gone = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)))
    await post(server.baseUrl, '/api/auth/logout', {}, { authorization: `Bearer ${token}` })
    expect(await gone).toBe('io server disconnect')
  })
})

describe('automatic audit of writes', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('records a write by a signed-in account on a route that does not audit itself, without secrets', async () => {
    const operator = await server.loginAs('operator')
    expect(
      (
        await server.apiJson(
          'PUT',
          '/api/operators/OP7',
          { name: '古蔺公交', phone: '0830-7222222', password: 'not-a-field' },
          operator,
        )
      ).status,
    ).toBe(200)
    const log = await server.apiJson<{
      items: { action: string; username: string; target: string; after: Record<string, unknown> }[]
    }>('GET', '/api/audit?target=OP7')
    expect(log.body.items).toHaveLength(1)
    expect(log.body.items[0]).toMatchObject({
      action: 'http.PUT /api/operators/:id',
      username: 't-operator',
      target: 'OP7',
      after: { name: '古蔺公交' },
    })
    expect(JSON.stringify(log.body.items)).not.toContain('not-a-field')
    // A refused write is not an action.
    const dispatcher = await server.loginAs('dispatcher')
    expect((await server.apiJson('PUT', '/api/operators/OP7', { name: 'x', phone: '1' }, dispatcher)).status).toBe(403)
    expect((await server.apiJson<{ items: unknown[] }>('GET', '/api/audit?target=OP7')).body.items).toHaveLength(1)
  })
})
