/**
 * Phones without a browser and "tell me when it comes", against the real server (embedded, and
 * PostgreSQL + Mosquitto when TEST_DATABASE_URL / TEST_MQTT_URL are set): inbound SMS asks for
 * the next buses at a sign, sets a reminder, cancels a booking made from that phone and the
 * phone's reminders, is logged and rate-limited per phone; the reminder's one text is written
 * exactly once as a bus driven over MQTT comes within two stops, and never again as it arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { topics } from '@rb/protocol'
import { startServer, targets, waitFor, type TestServer } from '../support/server.js'

const ORIGIN: [number, number] = [105.44, 28.1]
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / 111_195]
const NAMES = ['场镇', '石坝村', '中学', '水尾村', '卫生院']
const STOP_M = [0, 300, 600, 900, 1200]
/** 30 km/h */
const PACE_MS = 30 / 3.6
const SECRET = 'test-sms-secret-0123'

interface Outbox {
  kind: string
  recipient: string
  body: string
}

for (const target of targets()) {
  describe(`inbound SMS and reminders (${target.name})`, () => {
    let server: TestServer
    let pub: MqttClient
    const codes: string[] = []
    const vehicleId = `SM-V${String(Date.now() % 1000).padStart(3, '0')}`
    let tripA: string
    let tripB: string
    const here = (): string => codes[3] as string

    const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
      const r = await server.apiJson<{ code?: string }>(method, path, body)
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    }
    const sms = (from: string, text: string, secret: string | null = SECRET) =>
      fetch(`${server.baseUrl}/api/sms/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-sms-secret': secret }) },
        body: JSON.stringify({ from, text, receivedAt: new Date().toISOString() }),
      })
    const answer = async (from: string, text: string) => {
      const res = await sms(from, text)
      expect(res.status).toBe(200)
      return (await res.json()) as { id: number; command: string; outcome: string; reply: string | null }
    }
    const outbox = async (phone: string): Promise<Outbox[]> =>
      (
        await server.app.rb.db.query<Outbox>(
          'SELECT kind, recipient, body FROM notification_outbox WHERE recipient = $1 ORDER BY id',
          [phone],
        )
      ).rows
    const fix = (ts: number, m: number, speedKmh: number) =>
      JSON.stringify({ ts, lat: at(m)[1], lon: at(m)[0], speed: speedKmh, heading: 0 })
    const arrival = async () => {
      const r = await fetch(`${server.baseUrl}/api/stops/${here()}/arrivals`)
      const body = (await r.json()) as {
        arrivals: { tripInstanceId: string; stopsAway: number | null; status: string }[]
      }
      return body.arrivals.find((a) => a.tripInstanceId === tripA)
    }

    beforeAll(async () => {
      // Reminders are checked every second here; the test also runs the check itself.
      server = await startServer({
        COUNTY_PREFIX: 'SM',
        SMS_INBOUND_SECRET: SECRET,
        SMS_INBOUND_PER_HOUR: '6',
        REMINDER_CHECK_S: '1',
        ...target.env,
      })
      await put('/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })
      await put('/api/townships/SM-T01', { name: '水尾镇', nameEn: 'Shuiwei', center: ORIGIN })
      for (const [i, name] of NAMES.entries())
        codes.push(
          (
            await put(
              '/api/stops',
              { name, nameEn: name, townshipId: 'SM-T01', point: at(STOP_M[i] as number), installedOn: '2026-01-01' },
              'POST',
            )
          ).code as string,
        )
      await put('/api/routes/SM-R01', {
        name: '场镇—卫生院 就医车',
        nameEn: 'Town–Health Centre',
        kind: 'medical',
        operatorId: 'OP1',
        geometry: [at(0), at(1200)],
        stopCodes: codes,
        speedLimitKmh: 120,
      })
      await put('/api/calendars/daily', {
        name: '每天',
        rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
      })
      // Trip A was due to leave a minute ago; its bus still waits at the first stop. Trip B leaves in 40 minutes (bookable).
      const depA = Math.round((Date.now() - 60_000) / 1000) * 1000
      const depB = Math.round((Date.now() + 40 * 60_000) / 1000) * 1000
      tripA = `SM-R01-A_${serviceDayOf(depA).replaceAll('-', '')}`
      tripB = `SM-R01-B_${serviceDayOf(depB).replaceAll('-', '')}`
      const offsets = STOP_M.map((m) => Math.round(m / PACE_MS))
      const trip = (id: string, dep: number, over: Record<string, unknown>) =>
        put(`/api/schedule/trips/${id}`, {
          routeId: 'SM-R01',
          calendarId: 'daily',
          direction: 0,
          headsign: '卫生院',
          departureS: (dep - serviceDayStartMs(serviceDayOf(dep))) / 1000,
          stopOffsetsS: offsets,
          seats: 19,
          minRiders: 0,
          ...over,
        })
      await trip('SM-R01-A', depA, { bookingPolicy: 'none', bookingCutoffMin: 0 })
      await trip('SM-R01-B', depB, { bookingPolicy: 'optional', bookingCutoffMin: 10 })
      await put(`/api/vehicles/${vehicleId}`, {
        plate: '川E·SMS01',
        seats: 19,
        operatorId: 'OP1',
        model: '宇通',
        status: 'active',
      })
      await put(`/api/trip-instances/${tripA}/assignment`, { vehicleId, driverId: null })
      pub = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev-${target.name}` })
      for (let t = depA - 60_000; t <= Date.now(); t += 5000)
        await pub.publishAsync(topics.position(vehicleId), fix(t, 0, 0), { qos: 1 })
    })

    afterAll(async () => {
      await pub?.endAsync()
      await server?.close()
    })

    it('takes texts only with the shared secret and a sender', async () => {
      expect((await sms('13900000001', '0004', null)).status).toBe(401)
      expect((await sms('13900000001', '0004', 'wrong-secret-0000000')).status).toBe(401)
      const bad = await fetch(`${server.baseUrl}/api/sms/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sms-secret': SECRET },
        body: JSON.stringify({ text: '0004' }),
      })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED')
    })

    it('answers "0004" with the next departures at that sign and where the first bus is', async () => {
      const phone = '13900000002'
      await waitFor(async () => (await arrival()) !== undefined, 60_000, 200)
      const a = await answer(phone, here().slice(3))
      expect(a).toMatchObject({ command: 'query', outcome: 'answered' })
      expect(a.reply).toMatch(/^【乡村公交】水尾村（SM-0004）下一班车：\d\d:\d\d 场镇—卫生院 就医车 开往卫生院：/)
      expect(a.reply).toContain('川E·SMS01')
      expect(a.reply).toContain('回复"提醒 0004"')
      // The same as XY-style code, typed in lower case.
      expect((await answer(phone, here().toLowerCase())).outcome).toBe('answered')
      expect((await answer(phone, '9999')).reply).toContain('没有找到站牌 SM-9999')
      expect((await answer(phone, '你好')).reply).toContain('发站牌编号')
      await waitFor(async () => (await outbox(phone)).length === 4, 60_000)
      expect((await outbox(phone)).map((m) => m.kind)).toEqual(['sms_reply', 'sms_reply', 'sms_reply', 'sms_reply'])
    })

    it('cancels a booking made from that phone by "取消 <code>", and nobody else\'s', async () => {
      const phone = '13900000003'
      const booked = await fetch(`${server.baseUrl}/api/bookings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `bk-sms-${target.name.replace(/[^A-Za-z0-9]/g, '')}-1`,
        },
        body: JSON.stringify({
          tripInstanceId: tripB,
          boardStop: here(),
          alightStop: codes[4],
          seats: 1,
          name: '李秀英',
          phone,
        }),
      })
      expect(booked.status).toBe(201)
      const { code } = (await booked.json()) as { code: string }
      const other = await answer('13900000099', `取消 ${code}`)
      expect(other).toMatchObject({ command: 'cancel_booking', outcome: 'booking_not_found' })
      expect(other.reply).toContain('没有找到')
      const mine = await answer(phone, `取消 ${code.toLowerCase()}`)
      expect(mine).toMatchObject({ command: 'cancel_booking', outcome: 'booking_cancelled', reply: null })
      const list = await server.apiJson<{ items: { code: string; status: string; cancelReason: string | null }[] }>(
        'GET',
        `/api/trip-instances/${tripB}/bookings`,
      )
      expect(list.body.items.find((b) => b.code === code)).toMatchObject({
        status: 'cancelled',
        cancelReason: '短信取消',
      })
      // Its cancellation text is the answer.
      expect((await outbox(phone)).map((m) => m.kind)).toEqual(['booked', 'cancelled'])
      expect((await answer(phone, `取消 ${code}`)).outcome).toBe('already_cancelled')
    })

    it('books for family: the rider on the booking, both phones texted, the booker looks it up and cancels by SMS', async () => {
      const rider = '13900000011'
      const booker = '13900000012'
      const booked = await fetch(`${server.baseUrl}/api/bookings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `bk-sms-${target.name.replace(/[^A-Za-z0-9]/g, '')}-family`,
        },
        body: JSON.stringify({
          tripInstanceId: tripB,
          boardStop: here(),
          alightStop: codes[4],
          seats: 1,
          name: '王奶奶',
          phone: rider,
          bookedBy: { name: '王小明', phone: booker },
        }),
      })
      expect(booked.status).toBe(201)
      const view = (await booked.json()) as { code: string; name: string; phoneMasked: string }
      expect(view).toMatchObject({ name: '王奶奶', phoneMasked: '139****0011' })
      const list = await server.apiJson<{ items: { code: string; name: string; phone: string }[] }>(
        'GET',
        `/api/trip-instances/${tripB}/bookings`,
      )
      expect(list.body.items.find((b) => b.code === view.code)).toMatchObject({ name: '王奶奶', phone: rider })
      expect((await outbox(rider)).map((m) => m.kind)).toEqual(['booked'])
      expect((await outbox(booker)).map((m) => m.kind)).toEqual(['booked'])
      expect((await outbox(booker))[0]?.body).toBe((await outbox(rider))[0]?.body)
      // The booker's phone finds it; a stranger's does not.
      expect((await fetch(`${server.baseUrl}/api/bookings/lookup?code=${view.code}&phone=${booker}`)).status).toBe(200)
      expect((await fetch(`${server.baseUrl}/api/bookings/lookup?code=${view.code}&phone=13900000013`)).status).toBe(
        404,
      )
      expect((await answer(booker, `取消 ${view.code}`)).outcome).toBe('booking_cancelled')
      expect((await outbox(rider)).map((m) => m.kind)).toEqual(['booked', 'cancelled'])
      expect((await outbox(booker)).map((m) => m.kind)).toEqual(['booked', 'cancelled'])
      // A bad booker phone is named as such.
      const bad = await fetch(`${server.baseUrl}/api/bookings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `bk-sms-${target.name.replace(/[^A-Za-z0-9]/g, '')}-family-bad`,
        },
        body: JSON.stringify({
          tripInstanceId: tripB,
          boardStop: here(),
          alightStop: codes[4],
          seats: 1,
          name: '王奶奶',
          phone: rider,
          bookedBy: { name: '王小明', phone: '12ab34' },
        }),
      })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { details: { field: string } } }).error.details.field).toBe(
        'bookedBy.phone',
      )
    })

    it('"提醒 0004" sets a reminder and "取消提醒" drops it', async () => {
      const phone = '13900000004'
      const set = await answer(phone, `提醒 ${here()}`)
      expect(set).toMatchObject({ command: 'remind', outcome: 'reminder_set' })
      expect(set.reply).toMatch(/开往卫生院的班车离水尾村还有2站时，短信告诉您/)
      const dropped = await answer(phone, '取消提醒')
      expect(dropped).toMatchObject({
        command: 'cancel_reminders',
        outcome: 'reminders_cancelled',
        reply: '【乡村公交】已取消1个到站提醒。',
      })
      expect(
        (
          await server.app.rb.db.query<{ state: string; channel: string }>(
            'SELECT state, channel FROM stop_reminder WHERE phone = $1',
            [phone],
          )
        ).rows,
      ).toEqual([{ state: 'cancelled', channel: 'sms' }])
    })

    it('logs every text and answers at most the hourly limit per phone', async () => {
      const phone = '13900000005'
      const outcomes: string[] = []
      for (let i = 0; i < 8; i++) outcomes.push((await answer(phone, '帮助')).outcome)
      expect(outcomes).toEqual(['help', 'help', 'help', 'help', 'help', 'help', 'rate_limited', 'rate_limited'])
      const logged = (
        await server.app.rb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sms_inbound WHERE sender = $1', [
          phone,
        ])
      ).rows[0]?.n
      expect(logged).toBe(8)
      expect((await outbox(phone)).length).toBe(6)
    })

    it('texts "bus is 2 stops away" exactly once as the bus approaches', async () => {
      const phone = '13900000006'
      // The page's reminder: the bus is at the first stop, three stops before this one. It has been
      // waiting there while the other tests ran, reporting as a terminal does (on a busy box that can
      // be longer than the grace after which a silent bus has no live position).
      await waitFor(
        async () => {
          await pub.publishAsync(topics.position(vehicleId), fix(Date.now(), 0, 0), { qos: 1 })
          return (await arrival())?.stopsAway === 3
        },
        60_000,
        500,
      )
      const res = await fetch(`${server.baseUrl}/api/reminders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tripInstanceId: tripA, stopCode: here(), phone }),
      })
      expect(res.status).toBe(201)
      const r = (await res.json()) as { token: string; state: string; stopsBefore: number; phoneMasked: string }
      expect(r).toMatchObject({ state: 'active', stopsBefore: 2, phoneMasked: '139****0006' })
      expect(await server.app.rb.villager.reminders.runOnce(Date.now())).toEqual({ sent: 0, cancelled: 0, expired: 0 })
      expect(await outbox(phone)).toEqual([])

      // Drive on to the stop at 108 km/h, a fix every half second; count the reminder's texts all the way.
      const counts = new Set<number>()
      let m = 0
      while (m < STOP_M[3]!) {
        m = Math.min(STOP_M[3]!, m + 15)
        await pub.publishAsync(topics.position(vehicleId), fix(Date.now(), m, 108), { qos: 1 })
        await new Promise((resolve) => setTimeout(resolve, 500))
        const a = await arrival()
        const n = (await outbox(phone)).length
        counts.add(n)
        // Nothing before the bus is two stops away.
        if (a && a.stopsAway !== null && a.stopsAway > 2) expect(n).toBe(0)
      }
      for (let i = 0; i < 4; i++) {
        await pub.publishAsync(topics.position(vehicleId), fix(Date.now(), STOP_M[3]!, 0), { qos: 1 })
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      await waitFor(async () => (await arrival())?.status === 'at_stop', 60_000, 200)
      await server.app.rb.villager.reminders.runOnce(Date.now())
      const texts = await outbox(phone)
      expect(texts).toHaveLength(1)
      expect(texts[0]).toMatchObject({ kind: 'reminder', recipient: phone })
      expect(texts[0]?.body).toMatch(
        /^【乡村公交】车快到了：\d\d:\d\d开往卫生院的班车（川E·SMS01）离水尾村还有2站，约\d+分钟，请到站等候。$/,
      )
      expect(counts).toEqual(new Set([0, 1]))
      expect(
        ((await (await fetch(`${server.baseUrl}/api/reminders/${r.token}`)).json()) as { state: string }).state,
      ).toBe('sent')
      // The sender delivered it through the notifier (log adapter here).
      await waitFor(
        async () =>
          (
            await server.app.rb.db.query<{ sent: boolean }>(
              "SELECT sent_at IS NOT NULL AS sent FROM notification_outbox WHERE recipient = $1 AND kind = 'reminder'",
              [phone],
            )
          ).rows[0]?.sent,
        60_000,
        200,
      )
      // A cancel after it went answers it unchanged.
      const after = await fetch(`${server.baseUrl}/api/reminders/${r.token}/cancel`, { method: 'POST' })
      expect(((await after.json()) as { state: string }).state).toBe('sent')
    })

    it('refuses a reminder for a phone over its limit, a bad phone, and an unknown token', async () => {
      const body = (phone: string) => JSON.stringify({ tripInstanceId: tripB, stopCode: here(), phone })
      const post = (phone: string) =>
        fetch(`${server.baseUrl}/api/reminders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(phone),
        })
      for (let i = 0; i < 3; i++) expect((await post('13900000007')).status).toBe(201)
      const over = await post('13900000007')
      expect(over.status).toBe(429)
      expect(((await over.json()) as { error: { details: { field: string } } }).error.details.field).toBe('phone')
      const bad = await post('12ab')
      expect(bad.status).toBe(400)
      expect((await fetch(`${server.baseUrl}/api/reminders/rm-${'0'.repeat(32)}`)).status).toBe(404)
    })
  })
}
