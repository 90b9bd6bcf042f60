/**
 * A parcel rides the village bus: consigned at a township station, loaded by the driver onto a
 * bus driven over MQTT, followed by the tracker (its ETA on the tracking page is the engine's),
 * unloaded by the village keeper, collected with the pickup code from the SMS and the phone's last
 * four digits. Every status, every text in the outbox and every audit row is checked; scans out of
 * order, twice, at the wrong post point or with a wrong pickup code are refused and change nothing.
 * A cancelled trip moves its waiting parcels to the next trip with room and tells the keepers; an
 * over-full bus and an unknown post point are refused.
 */
import { randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { topics } from '@rb/protocol'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { at, makeParcelLine, R1_M, type ParcelLine } from '../support/parcel-line.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Staff {
  number: string
  status: string
  feeFen: number
  legs: { tripInstanceId: string; vehicleId: string | null; from: { code: string }; to: { code: string } }[]
  custody: {
    action: string
    fromStatus: string | null
    toStatus: string
    byName: string
    byRole: string
    place: string | null
    vehicleId: string | null
    lng: number | null
    lat: number | null
  }[]
  messages: { kind: string; recipient: string; recipientRole: string; body: string; sentTs: string | null }[]
}
interface Track {
  status: string
  recipient: string
  ride: { vehicleId: string; etaTs: string | null; scheduledTs: string; unloadAt: { code: string } } | null
  expectedTs: string | null
}

const SENDER = { name: '张秀英', phone: '13800000011' }
const RECIPIENT = { name: '李建国', phone: '139-1234-5678' }
/** 30 km/h before the station (in the past), 8 m/s after it (live). */
const PACE_MS = 1000 / 120
const LIVE_MS = 8

describe.each(targets())('parcels on the village bus on $name', (target) => {
  let server: TestServer
  let line: ParcelLine
  let pub: MqttClient
  let dispatcher: RoleSession
  let trip1: string
  let number: string
  const vehicleId = `PX-V${String(randomInt(10_000, 99_999))}`
  const call = <T>(method: string, path: string, body?: unknown, as?: RoleSession) =>
    server.apiJson<T & ErrorBody>(method, path, body, as)
  const send = (ts: number, m: number, speed: number) =>
    pub.publishAsync(
      topics.position(vehicleId),
      JSON.stringify({ ts, lat: at(m)[1], lon: at(m)[0], speed, heading: 0 }),
      { qos: 1 },
    )
  const staff = async (n: string) => (await call<Staff>('GET', `/api/parcels/${n}`, undefined, dispatcher)).body
  const track = async (n: string) => (await fetch(`${server.baseUrl}/api/parcels/${n}/track`)).json() as Promise<Track>

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'PX' })
    line = await makeParcelLine(server, 'PX', vehicleId)
    dispatcher = await server.loginAs('dispatcher')
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev` })
  })
  afterAll(async () => {
    await pub?.endAsync()
    await server?.close()
  })

  it('refuses an unknown post point, a parcel too heavy for its size, and a bad phone, storing nothing', async () => {
    const base = {
      fromPoint: line.station,
      toPoint: line.village,
      sender: SENDER,
      recipient: RECIPIENT,
      sizeClass: 'S',
      weightKg: 1.2,
    }
    const unknown = await call('POST', '/api/parcels', { ...base, toPoint: 'PX-9999' }, line.keeperStation)
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({ code: 'POST_POINT_NOT_FOUND', details: { field: 'toPoint' } })
    const heavy = await call('POST', '/api/parcels', { ...base, weightKg: 4 }, line.keeperStation)
    expect(heavy.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'weightKg' } })
    const phone = await call(
      'POST',
      '/api/parcels',
      { ...base, recipient: { name: '李', phone: '139-12ab-5678' } },
      line.keeperStation,
    )
    expect(phone.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'recipient.phone' } })
    // A village keeper takes parcels at their own post point only.
    const elsewhere = await call('POST', '/api/parcels', base, line.keeperVillage)
    expect(elsewhere.status).toBe(403)
    expect((await call<{ items: unknown[] }>('GET', '/api/parcels', undefined, dispatcher)).body.items).toEqual([])
  })

  it('runs a parcel from the township station to the village post point through a bus trip', async () => {
    // The bus left the depot a little early and waits at the station; the timetable has it there in a minute.
    const c = Date.now()
    trip1 = await line.trip1('PX-R1-T1', c - 90_000, [0, 150, 150 + Math.round(400 / LIVE_MS)])
    expect(
      (await call('PUT', `/api/trip-instances/${trip1}/assignment`, { vehicleId, driverId: line.driverId })).status,
    ).toBe(200)
    for (let t = c - 150_000; t < c - 140_000; t += 5000) await send(t, 0, 0)
    for (let t = c - 140_000; t <= c - 20_000; t += 5000)
      await send(t, Math.min(1000, ((t - (c - 140_000)) / 1000) * PACE_MS), 30)
    await send(Date.now(), 1000, 0)
    await waitFor(
      async () =>
        ((
          await call<{ state: { progressM: number | null } }>(
            'GET',
            `/api/vehicles/${vehicleId}/state`,
            undefined,
            dispatcher,
          )
        ).body.state.progressM ?? 0) >= 995,
      60_000,
      200,
    )

    // Consigned at the station: number, fee, the first trip with room; two texts; the audit row.
    const consigned = await call<Staff & { labelUrl: string }>(
      'POST',
      '/api/parcels',
      {
        fromPoint: line.station,
        toPoint: line.village,
        sender: SENDER,
        recipient: RECIPIENT,
        sizeClass: 'S',
        weightKg: 1.2,
      },
      line.keeperStation,
    )
    expect(consigned.status, JSON.stringify(consigned.body)).toBe(201)
    number = consigned.body.number
    expect(number).toMatch(/^PX-P-\d{8}-0001$/)
    expect(consigned.body).toMatchObject({
      status: 'accepted',
      feeFen: 300,
      legs: [{ tripInstanceId: trip1, from: { code: line.station }, to: { code: line.village } }],
    })
    expect((await track(number)).status).toBe('accepted')

    // The driver scans the label's QR (its tracking address) at the station: loaded on the bus, where the bus is.
    const scan = (body: Record<string, unknown>, as: RoleSession) =>
      call<{ status: string }>('POST', '/api/parcels/scan', body, as)
    const loaded = await scan({ code: `${server.baseUrl}/p/${number}`, action: 'load' }, line.driver)
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(200)
    expect(loaded.body.status).toBe('loaded')
    // The same label again, and a hand-over out of order: refused with the reason, nothing changes.
    const twice = await scan({ code: number, action: 'load' }, line.driver)
    expect(twice.status).toBe(409)
    expect(twice.body.error).toMatchObject({ code: 'PARCEL_SCANNED_TWICE', details: { reason: 'twice' } })
    const early = await scan(
      { code: number, action: 'collect', pickupCode: '000000', phoneLast4: '5678' },
      line.keeperVillage,
    )
    expect(early.body.error).toMatchObject({ code: 'PARCEL_OUT_OF_ORDER' })
    const wrongPlace = await scan({ code: number, action: 'unload' }, line.keeperStation)
    expect(wrongPlace.body.error).toMatchObject({
      code: 'PARCEL_WRONG_PLACE',
      details: { expectedPlace: line.village },
    })

    // The bus drives on; while it rides, the tracking page shows the bus and the tracker's ETA at the village.
    const driving = (async () => {
      const start = Date.now()
      for (;;) {
        const m = Math.min(R1_M[2] as number, 1000 + ((Date.now() - start) / 1000) * LIVE_MS)
        await send(Date.now(), m, m >= (R1_M[2] as number) ? 0 : 29)
        if (m >= (R1_M[2] as number)) return
        await new Promise((r) => setTimeout(r, 2000))
      }
    })()
    const riding = await waitFor(
      async () => {
        const t = await track(number)
        return t.ride?.etaTs ? t : null
      },
      60_000,
      500,
    )
    expect(riding).toMatchObject({
      status: 'loaded',
      recipient: '李**',
      ride: { vehicleId, unloadAt: { code: line.village } },
    })
    // The same prediction the engine gives for the bus (the village is the route's terminus).
    const state = await call<{ state: { tripInstanceId: string }; etas: { stopCode: string; etaTs: number }[] }>(
      'GET',
      `/api/vehicles/${vehicleId}/state`,
      undefined,
      dispatcher,
    )
    expect(state.body.state.tripInstanceId).toBe(trip1)
    const engineEta = state.body.etas.find((e) => e.stopCode === line.village)?.etaTs
    expect(engineEta).toBeDefined()
    expect(Math.abs(Date.parse(riding.ride?.etaTs ?? '') - (engineEta ?? 0))).toBeLessThan(30_000)
    const page = await fetch(`${server.baseUrl}/p/${number}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(new RegExp(`运输中[\\s\\S]*${vehicleId}[\\s\\S]*预计到达石坝村邮站`))
    await driving

    // At the village post point the keeper unloads it: arrived, the recipient gets the pickup code.
    const arrived = await scan({ code: number, action: 'unload' }, line.keeperVillage)
    expect(arrived.body.status).toBe('arrived')
    const texts = (await staff(number)).messages
    const pickupText = texts.find((m) => m.kind === 'parcel_arrived')?.body ?? ''
    const pickupCode = /取件码(\d{6})/.exec(pickupText)?.[1]
    expect(pickupCode).toBeDefined()

    // A wrong code (or phone digits) is refused and changes nothing.
    const before = await staff(number)
    const wrong = await scan(
      {
        code: number,
        action: 'collect',
        pickupCode: pickupCode === '111111' ? '222222' : '111111',
        phoneLast4: '5678',
      },
      line.keeperVillage,
    )
    expect(wrong.status).toBe(403)
    expect(wrong.body.error).toMatchObject({ code: 'PICKUP_CODE_WRONG' })
    const wrongDigits = await scan(
      { code: number, action: 'collect', pickupCode, phoneLast4: '0000' },
      line.keeperVillage,
    )
    expect(wrongDigits.body.error?.code).toBe('PICKUP_CODE_WRONG')
    const after = await staff(number)
    expect(after.status).toBe('arrived')
    expect(after.custody).toHaveLength(before.custody.length)
    // Returning it before its hold days are over is refused too.
    expect((await scan({ code: number, action: 'return' }, line.keeperVillage)).body.error?.code).toBe(
      'PARCEL_NOT_OVERDUE',
    )

    const collected = await scan(
      { code: number, action: 'collect', pickupCode, phoneLast4: '5678' },
      line.keeperVillage,
    )
    expect(collected.body.status).toBe('collected')

    // Every step: who, where, when; the driver's scan carries the bus's position at the station.
    const done = await staff(number)
    expect(done.custody.map((e) => `${e.action}:${e.fromStatus ?? '-'}>${e.toStatus}:${e.byRole}`)).toEqual([
      'accept:->accepted:station',
      'load:accepted>loaded:driver',
      'unload:loaded>arrived:station',
      'collect:arrived>collected:station',
    ])
    const load = done.custody[1]
    expect(load).toMatchObject({ place: line.station, vehicleId, byName: line.driver.user.username })
    expect(Math.abs((load?.lat ?? 0) - at(1000)[1])).toBeLessThan(0.0005)
    // The texts, in order, to whom; all delivered by the notifier.
    expect(done.messages.map((m) => `${m.kind}→${m.recipientRole}`)).toEqual([
      'parcel_accepted→sender',
      'parcel_accepted→recipient',
      'parcel_loaded→recipient',
      'parcel_due→keeper',
      'parcel_arrived→recipient',
      'parcel_collected→sender',
    ])
    expect(done.messages.find((m) => m.kind === 'parcel_due')?.recipient).toBe('13900000001')
    expect(done.messages[0]?.body).toContain(`/p/${number}`)
    await waitFor(async () => (await staff(number)).messages.every((m) => m.sentTs !== null), 60_000, 200)
    // The audit log has every custody step.
    const audit = await server.apiJson<{ items: { action: string; username: string }[] }>(
      'GET',
      `/api/audit?target=${encodeURIComponent(`parcel:${number}`)}`,
    )
    expect(audit.body.items.map((a) => a.action).reverse()).toEqual([
      'parcel.accept',
      'parcel.load',
      'parcel.unload',
      'parcel.collect',
    ])
    expect((await track(number)).status).toBe('collected')
  })

  it('moves the parcels of a cancelled trip to the next trip with room and tells the keepers', async () => {
    // Route 2 runs station → village 2 three times a day; the parcel is put on the first by hand.
    const options = await call<{ items: { legs: { tripInstanceId: string }[]; fits: boolean }[] }>(
      'GET',
      `/api/parcels/options?from=${line.station}&to=${line.village2}&sizeClass=M&weightKg=5`,
      undefined,
      line.keeperStation,
    )
    expect(options.status).toBe(200)
    const [first, second] = options.body.items.map((o) => o.legs[0]?.tripInstanceId as string)
    expect(first && second).toBeTruthy()
    const p = await call<Staff>(
      'POST',
      '/api/parcels',
      {
        fromPoint: line.station,
        toPoint: line.village2,
        sender: SENDER,
        recipient: { name: '罗春梅', phone: '13700000022' },
        sizeClass: 'M',
        weightKg: 5,
        tripInstanceId: first,
      },
      line.keeperStation,
    )
    expect(p.status, JSON.stringify(p.body)).toBe(201)
    expect(p.body.legs.map((l) => l.tripInstanceId)).toEqual([first])

    const cancelled = await call('POST', `/api/trip-instances/${first}/cancel`, { reason: '塌方' }, dispatcher)
    expect(cancelled.status).toBe(200)
    const moved = await waitFor(async () => {
      const s = await staff(p.body.number)
      return s.legs[0]?.tripInstanceId !== first ? s : null
    })
    expect(moved.legs.map((l) => l.tripInstanceId)).toEqual([second])
    expect(moved.status).toBe('accepted')
    expect(moved.custody.at(-1)).toMatchObject({ action: 'reroute', toStatus: 'accepted', place: line.station })
    const told = moved.messages.filter((m) => m.kind === 'parcel_moved')
    expect(told.map((m) => `${m.recipientRole}:${m.recipient}`).sort()).toEqual([
      'keeper:08306277772',
      'keeper:13900000002',
      'recipient:13700000022',
    ])
    expect(told[0]?.body).toContain('塌方'.length > 0 ? first : '')
    // A load onto the cancelled trip is no longer possible: the parcel waits for the new one.
    expect(
      (
        await call<{ items: { number: string }[] }>(
          'GET',
          `/api/trip-instances/${first}/parcels`,
          undefined,
          dispatcher,
        )
      ).body,
    ).toMatchObject({ counts: { total: 0 } })
  })

  it('keeps a bus to its parcel room: the parcel that does not fit is refused, nothing stored', async () => {
    // The third trip of route 2 on a day it carries nothing yet: the test before may have moved a
    // parcel onto today's (which trip is "next" depends on the hour the suite runs).
    const candidates = (
      await call<{ items: { legs: { tripInstanceId: string }[] }[] }>(
        'GET',
        `/api/parcels/options?from=${line.station}&to=${line.village2}&sizeClass=S&weightKg=1`,
        undefined,
        dispatcher,
      )
    ).body.items
      .map((o) => o.legs[0]?.tripInstanceId)
      .filter((id): id is string => id?.startsWith(`${line.route2Trips[2]}_`) ?? false)
    let trip: string | undefined
    for (const id of candidates) {
      const carried = await call<{ counts: { total: number } }>(
        'GET',
        `/api/trip-instances/${id}/parcels`,
        undefined,
        dispatcher,
      )
      if (carried.body.counts.total === 0) {
        trip = id
        break
      }
    }
    if (!trip) throw new Error(`no empty instance of ${line.route2Trips[2]} among ${candidates.join(', ')}`)
    // Another bus, with room for one large parcel (4 slots).
    const small = `PX-V${String(randomInt(10_000, 99_999))}`
    expect(
      (
        await call('PUT', `/api/vehicles/${small}`, {
          plate: '川E·P0002',
          seats: 12,
          operatorId: 'OP1',
          model: '五菱',
          status: 'active',
        })
      ).status,
    ).toBe(200)
    expect(
      (await call('PUT', `/api/trip-instances/${trip}/assignment`, { vehicleId: small, driverId: null }, dispatcher))
        .status,
    ).toBe(200)
    expect((await call('PUT', `/api/parcel-capacity/${small}`, { slots: 4, kg: 30 })).status).toBe(200)
    const big = {
      fromPoint: line.station,
      toPoint: line.village2,
      sender: SENDER,
      recipient: RECIPIENT,
      sizeClass: 'L',
      weightKg: 12,
      tripInstanceId: trip,
    }
    expect((await call('POST', '/api/parcels', big, dispatcher)).status).toBe(201)
    const full = await call('POST', '/api/parcels', { ...big, sizeClass: 'S', weightKg: 1 }, dispatcher)
    expect(full.status).toBe(409)
    expect(full.body.error.code).toBe('PARCEL_OVER_CAPACITY')
    const onTrip = await call<{
      counts: { total: number }
      stops: { stopCode: string; load: unknown[]; unload: unknown[] }[]
    }>('GET', `/api/trip-instances/${trip}/parcels`, undefined, dispatcher)
    expect(onTrip.body.counts.total).toBe(1)
    expect(onTrip.body.stops.map((s) => `${s.stopCode}:${s.load.length}/${s.unload.length}`)).toEqual([
      `${line.station}:1/0`,
      `${line.village2}:0/1`,
    ])
    // The driver of another trip may not read this one's parcels; the keeper sees what is due.
    expect((await call('GET', `/api/trip-instances/${trip}/parcels`, undefined, line.driver)).status).toBe(403)
    const due = await call<{ dueIn: { number: string }[]; toSend: unknown[] }>(
      'GET',
      '/api/keeper/parcels',
      undefined,
      line.keeperVillage2,
    )
    expect(due.body.dueIn.length).toBe(2)
    expect(
      (await call('GET', `/api/keeper/parcels?point=${line.village}`, undefined, line.keeperVillage2)).status,
    ).toBe(403)
  })

  it('reports the month by route and post point, also as CSV', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
    const r = await call<{
      total: { parcels: number; revenueFen: number }
      byRoute: { key: string; parcels: number; collected: number; avgDoorToDoorS: number | null }[]
      byPostPoint: { key: string; parcels: number; received: number }[]
    }>('GET', `/api/parcels/report?month=${month}`, undefined, dispatcher)
    expect(r.status).toBe(200)
    expect(r.body.total.parcels).toBe(3)
    const r1 = r.body.byRoute.find((x) => x.key === 'PX-R1')
    expect(r1).toMatchObject({ parcels: 1, collected: 1 })
    expect(r1?.avgDoorToDoorS).toBeGreaterThan(0)
    expect(r.body.byPostPoint.find((x) => x.key === line.village)).toMatchObject({ parcels: 0, received: 1 })
    const csv = await server.api(`/api/parcels/report?month=${month}&format=csv`)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const bytes = new Uint8Array(await csv.arrayBuffer())
    // A byte-order mark first, so a spreadsheet reads the Chinese names right.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1)
    expect(text.split('\r\n')[0]).toBe(
      'month,by,key,name,parcels,received,weight_kg,revenue_yuan,collected,avg_door_to_door_h',
    )
    expect(text).toContain(`${month},route,PX-R1,场镇—石坝,1,,1.2,3.00,1,`)
    expect((await call('GET', '/api/parcels/report?month=2026-13', undefined, dispatcher)).body.error).toMatchObject({
      details: { field: 'month' },
    })
  })
})
