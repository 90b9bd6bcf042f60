/**
 * What comes in as text and photos is checked before anything is stored: NUL characters and
 * lone surrogates are refused with 400 naming the field (also on a resend with the same key),
 * other control characters are removed, a multipart body cut off mid-part is 400, and photos are
 * decoded — a PNG whose data is not zlib and a 49-megapixel canvas are refused, what is kept is
 * re-encoded.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { bookingRepo } from '@rb/db'
import { fixture } from '../../apps/server/src/reports/testdata/fixtures.js'
import { startServer, targets, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
type Res<T> = { status: number; body: T }

const key = (): string => `k-${randomBytes(8).toString('hex')}`

/** One PNG chunk with its length and CRC. */
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body) >>> 0)
  return Buffer.concat([len, body, crc])
}

/** A well-formed PNG container (grey, 8 bit) around the given IDAT bytes. */
function png(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

describe.each(targets())('text and photo input on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let stopCode: string

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
  }
  const report = (body: Record<string, unknown>, idem = key()) =>
    call<ErrorBody & { id: string }>('POST', `/api/stops/${stopCode}/reports`, body, { 'idempotency-key': idem })

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'IH',
      TRUST_PROXY: '127.0.0.1',
      REPORT_RATE_LIMIT: '0',
      REPORT_PHOTO_STORE: 'db',
    })
    net = await bookingNetwork(server, 'IH')
    stopCode = net.stops[1] as string
  })
  afterAll(async () => {
    await server?.close()
  })

  it('refuses a NUL in a booking name with 400 naming the field, and strips control characters from one', async () => {
    const trip = await net.trip('IH-A', dayFromNow(3))
    const base = {
      tripInstanceId: trip,
      boardStop: net.stops[0],
      alightStop: net.stops[2],
      seats: 1,
      phone: '13912345678',
    }
    const nul = await call<ErrorBody>(
      'POST',
      '/api/bookings',
      { ...base, name: '王\u0000芳' },
      { 'idempotency-key': key() },
    )
    expect(nul.status).toBe(400)
    expect(nul.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } })
    expect(nul.body.error.message).toMatch(/NUL/)

    const ok = await call<{ code: string; name: string }>(
      'POST',
      '/api/bookings',
      { ...base, name: '王\u0001芳\u001b[31m' },
      { 'idempotency-key': key() },
    )
    expect(ok.status).toBe(201)
    expect(ok.body.name).toBe('王芳[31m')
    const stored = await bookingRepo.bookingByCode(server.app.rb.db, ok.body.code)
    expect(stored?.name).toBe('王芳[31m')
  })

  it('refuses a NUL or a lone surrogate in a stop name with 400, in the query string too', async () => {
    const made = await server.apiJson<ErrorBody>('POST', '/api/stops', {
      name: '石坝\u0000村',
      nameEn: 'Shiba',
      townshipId: 'IH-T01',
      point: [105.44, 28.1],
      installedOn: '2026-01-01',
    })
    expect(made.status).toBe(400)
    expect(made.body.error.details).toEqual({ field: 'name' })
    const put = await server.apiJson<ErrorBody>('PATCH', `/api/stops/${stopCode}`, { name: '石坝\ud800村' })
    expect(put.status).toBe(400)
    expect(put.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } })
    expect(put.body.error.message).toMatch(/surrogate/)
    const query = await call<ErrorBody>('GET', `/api/bookings/lookup?code=ABCDEF&phone=139%00`)
    expect(query.status).toBe(400)
    expect(query.body.error.details).toEqual({ field: 'phone' })
    expect((await call<{ name: string }>('GET', `/api/stops/${stopCode}`)).body.name).toBe('石坝村')
  })

  it('refuses a lone surrogate in a report note with 400 every time, and the same key then takes a clean report', async () => {
    const idem = key()
    for (let i = 0; i < 2; i++) {
      const bad = await report({ category: 'damaged', note: '牌子\udc00坏了' }, idem)
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'note' } })
    }
    const good = await report({ category: 'damaged', note: '牌子\u0007坏了' }, idem)
    expect(good.status).toBe(201)
    const stored = await server.app.rb.db.query<{ note: string }>('SELECT note FROM report WHERE id = $1', [
      good.body.id,
    ])
    expect(stored.rows[0]?.note).toBe('牌子坏了')
  })

  it('answers 400 to a multipart report cut off mid-part, and checks its text fields the same way', async () => {
    const boundary = `----rb${randomBytes(6).toString('hex')}`
    const part = (name: string, value: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    const whole = Buffer.from(`${part('category', 'damaged')}${part('note', '倒了')}--${boundary}--\r\n`)
    const send = (body: Buffer) =>
      fetch(`${server.baseUrl}/api/stops/${stopCode}/reports`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'idempotency-key': key() },
        body,
      })
    const cut = whole.subarray(0, whole.indexOf('倒了') + 3)
    const res = await send(cut)
    expect(res.status).toBe(400)
    expect(((await res.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED')
    const nul = await send(Buffer.from(`${part('category', 'damaged')}${part('note', 'a\u0000b')}--${boundary}--\r\n`))
    expect(nul.status).toBe(400)
    expect(((await nul.json()) as ErrorBody).error.details).toEqual({ field: 'note' })
    expect((await send(whole)).status).toBe(201)
  })

  it('decodes photos: a PNG whose data is not zlib and a 49-megapixel canvas are refused; a good one is re-encoded', async () => {
    const before = (await server.app.rb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_photo')).rows[0]
      ?.n
    const notZlib = png(64, 48, randomBytes(600))
    const bad = await report({ category: 'damaged', photo: notZlib.toString('base64') })
    expect(bad.status).toBe(415)
    expect(bad.body.error).toMatchObject({ code: 'UNSUPPORTED_PHOTO', details: { reason: 'undecodable' } })

    const side = 7000
    const huge = png(side, side, deflateSync(Buffer.alloc(side * (side + 1)), { level: 9 }))
    expect(huge.length).toBeLessThan(2 * 1024 * 1024)
    const big = await report({ category: 'damaged', photo: huge.toString('base64') })
    expect(big.status).toBe(415)
    expect(big.body.error).toMatchObject({ code: 'UNSUPPORTED_PHOTO', details: { reason: 'dimensions' } })
    expect(
      (await server.app.rb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_photo')).rows[0]?.n,
    ).toBe(before)

    const good = await report({ category: 'damaged', photo: fixture('photo.png').toString('base64') })
    expect(good.status).toBe(201)
    const row = await server.app.rb.db.query<{ data: Uint8Array; width: number; height: number }>(
      'SELECT width, height, data FROM report_photo WHERE report_id = $1',
      [good.body.id],
    )
    const stored = Buffer.from(row.rows[0]?.data ?? [])
    expect(row.rows[0]).toMatchObject({ width: 48, height: 32 })
    expect(stored.equals(fixture('photo.png'))).toBe(false)
    const meta = await sharp(stored).metadata()
    expect(meta).toMatchObject({ format: 'png', width: 48, height: 32 })
  })
})
