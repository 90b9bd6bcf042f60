/**
 * A bus that goes silent mid-trip, through the real server over MQTT: while it reports, the
 * arrivals API, the villager page's data and GTFS-Realtime give the same ETA; once its last fix is
 * older than the ETA grace none of them has an ETA — the arrivals and the page say "no live
 * position", with the timetable and the last fix's time, never "due now", and GTFS-RT withdraws
 * the trip update (consumers fall back to the timetable); silent longer, the trip board shows the
 * trip lost; its next fix brings all of it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import GtfsRealtimeBindings from 'gtfs-realtime-bindings'
import { serviceDayOf, serviceDayStartMs, type StopArrival, type TripBoardRow, type VehicleStateView } from '@rb/domain'
import { topics } from '@rb/protocol'
import { trackingRepo } from '@rb/db'
import { startServer, targets, waitFor, type TestServer } from '../support/server.js'
import { buildVillager } from '../../apps/villager/scripts/build.js'

const { FeedMessage } = GtfsRealtimeBindings.transit_realtime

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.44, 28.1]
const STOPS_M = [0, 1000, 2000, 3000]
/** 30 km/h: a kilometre in two minutes. */
const SPEED_MS = 1000 / 120
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]
/** Short enough to wait for, long enough for a busy box to look while the bus is live. */
const GRACE_S = 45
const LOST_S = 60

describe.each(targets())('a bus silent mid-trip on $name', (target) => {
  let server: TestServer
  let pub: MqttClient
  const vehicleId = `SB-V${String(10_000 + Math.floor(Math.random() * 89_999))}`
  let departureTs = 0
  let instanceId = ''
  let lastTs = 0
  const codes: string[] = []

  beforeAll(async () => {
    // The stop page's data is read from the built page (skipped when the build is fresh).
    await buildVillager({ quiet: true })
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'SB',
      ETA_GRACE_S: String(GRACE_S),
      TRIP_LOST_AFTER_S: String(LOST_S),
      TRACKING_TICK_MS: '200',
      ROSTER_AUTO: 'off',
    })
    const put = async (path: string, body: unknown, method = 'PUT') => {
      const r = await server.apiJson<{ code?: string }>(method, path, body)
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    await put('/api/operators/OP1', { name: '叙永公交', phone: null })
    await put('/api/townships/SB-T01', { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
    for (const m of STOPS_M)
      codes.push(
        (
          await put(
            '/api/stops',
            { name: `站${m}`, nameEn: `Stop ${m}`, townshipId: 'SB-T01', point: at(m), installedOn: '2026-01-01' },
            'POST',
          )
        ).code as string,
      )
    await put('/api/routes/SB-R01', {
      name: '测试线',
      nameEn: 'Test Line',
      kind: 'regular',
      operatorId: 'OP1',
      geometry: [at(0), at(3000)],
      stopCodes: codes,
    })
    await put('/api/calendars/daily', {
      name: '每天',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
    })
    // The trip left a little over two minutes ago, on the timetable's pace: the bus is at 1,100 m now.
    departureTs = Math.round((Date.now() - 135_000) / 1000) * 1000
    const date = serviceDayOf(departureTs)
    instanceId = `SB-R01-T_${date.replaceAll('-', '')}`
    await put('/api/schedule/trips/SB-R01-T', {
      routeId: 'SB-R01',
      calendarId: 'daily',
      direction: 0,
      headsign: '终点',
      seats: 19,
      bookingPolicy: 'none',
      minRiders: 0,
      bookingCutoffMin: 0,
      departureS: (departureTs - serviceDayStartMs(date)) / 1000,
      stopOffsetsS: STOPS_M.map((m) => Math.round(m / SPEED_MS)),
    })
    await put(`/api/vehicles/${vehicleId}`, {
      plate: '川E·S0001',
      seats: 19,
      operatorId: 'OP1',
      model: '宇通',
      status: 'active',
    })
    await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId, driverId: null })
    await server.app.rb.tracking.reloadNetwork()
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev` })
    // A minute at the first stop, then 30 km/h up to a fix of a moment ago; then nothing.
    const until = Date.now() - 1000
    for (let t = departureTs - 60_000; t <= until; t += 5000) {
      const m = t < departureTs ? 0 : ((t - departureTs) / 1000) * SPEED_MS
      await pub.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts: t, lat: at(m)[1], lon: at(m)[0], speed: t < departureTs ? 0 : 30, heading: 0 }),
        { qos: 1 },
      )
      lastTs = t
    }
  })

  afterAll(async () => {
    await pub?.endAsync()
    await server?.close()
  })

  /** The departure of the trip at the third stop (2,000 m), as the arrivals API gives it. */
  const arrival = async (): Promise<StopArrival | undefined> => {
    const r = await server.apiJson<{ arrivals: StopArrival[] }>('GET', `/api/stops/${codes[2]}/arrivals`)
    return r.body.arrivals.find((a) => a.tripInstanceId === instanceId)
  }
  /** The same departure in the data the stop page is painted from (and its HTML). */
  const page = async (): Promise<{ row: StopArrival | undefined; html: string }> => {
    const html = await (await fetch(`${server.baseUrl}/s/${codes[2]}`)).text()
    const json = /<script id="rb-boot" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1]
    expect(json, 'the stop page carries its data').toBeDefined()
    const boot = JSON.parse(json as string) as { boot: { arrivals: StopArrival[] } }
    return { row: boot.boot.arrivals.find((a) => a.tripInstanceId === instanceId), html }
  }
  /** The trip update's predicted arrival at the third stop, seconds; null when the feed has no update for the trip. */
  const rtArrivalS = async (): Promise<number | null> => {
    const res = await fetch(`${server.baseUrl}/gtfs-rt/trip-updates`)
    const feed = FeedMessage.decode(new Uint8Array(await res.arrayBuffer()))
    const update = feed.entity.find((e) => e.id === instanceId)?.tripUpdate
    if (!update) return null
    return Number(update.stopTimeUpdate?.find((u) => u.stopId === codes[2])?.arrival?.time ?? NaN)
  }

  it('while it reports, the arrivals, the stop page and GTFS-RT give one ETA and say how fresh the bus is', async () => {
    const live = await waitFor(async () => {
      const a = await arrival()
      return a?.status === 'on_the_way' && a.lastFixTs === lastTs ? a : null
    })
    expect(live).toMatchObject({ vehicleId, stopsAway: 0, online: true, freshness: 'live' })
    expect(live.etaTs).toBeGreaterThan(Date.now())
    const { row } = await page()
    expect(row).toMatchObject({ status: 'on_the_way', etaTs: live.etaTs, lastFixTs: lastTs, freshness: 'live' })
    expect(await rtArrivalS()).toBe(Math.floor((live.etaTs as number) / 1000))
    // Its departure from the first stop is start history: when this route's buses leave (it left on time).
    const starts = await waitFor(async () => {
      const rows = await trackingRepo.loadStartStats(server.app.rb.db, departureTs - 3600_000)
      return rows.find((r) => r.kind === 'route' && r.routeId === 'SB-R01') ?? null
    })
    expect(starts).toMatchObject({ direction: 0, n: 1 })
    expect(Math.abs(starts.delayS)).toBeLessThan(10)
  })

  it(
    'silent past the grace: no ETA anywhere — the timetable and the last fix instead, never "due now"',
    async () => {
      const stale = await waitFor(
        async () => {
          const a = await arrival()
          return a?.status === 'no_position' ? a : null
        },
        (GRACE_S + 60) * 1000,
        500,
      )
      expect(Date.now() - lastTs).toBeGreaterThan(GRACE_S * 1000)
      expect(stale).toMatchObject({
        etaTs: null,
        lastFixTs: lastTs,
        freshness: 'stale',
        vehicleId,
        stopsAway: 0,
        scheduledTs: departureTs + 240_000,
      })
      const { row, html } = await page()
      expect(row).toMatchObject({
        status: 'no_position',
        etaTs: null,
        lastFixTs: lastTs,
        freshness: 'stale',
        scheduledTs: stale.scheduledTs,
      })
      expect(html).toContain('暂无实时位置')
      expect(html).toMatch(/计划 \d\d:\d\d · 最后位置/)
      expect(html).not.toContain('即将到站')
      expect(await rtArrivalS()).toBeNull()
      const state = await server.apiJson<{ state: VehicleStateView; etas: unknown[] }>(
        'GET',
        `/api/vehicles/${vehicleId}/state`,
      )
      expect(state.body.state).toMatchObject({
        freshness: 'stale',
        tripInstanceId: instanceId,
        nextStop: { etaTs: null },
      })
      expect(state.body.etas).toEqual([])
    },
    (GRACE_S + 90) * 1000,
  )

  it(
    'silent longer, the trip is lost on the board; its next fix brings the live ETA back everywhere',
    async () => {
      const board = async (): Promise<TripBoardRow | undefined> =>
        (await server.apiJson<{ items: TripBoardRow[] }>('GET', '/api/trips/today')).body.items.find(
          (r) => r.instanceId === instanceId,
        )
      const lost = await waitFor(
        async () => {
          const r = await board()
          return r?.status === 'lost' ? r : null
        },
        (LOST_S + 60) * 1000,
        500,
      )
      expect(lost).toMatchObject({ vehicleId, lastFixTs: lastTs })
      // Back: it drove on meanwhile, a little slower than the timetable.
      const t = Date.now() - 500
      const m = 1100 + ((t - lastTs) / 1000) * SPEED_MS * 0.5
      await pub.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts: t, lat: at(m)[1], lon: at(m)[0], speed: 30, heading: 0 }),
        { qos: 1 },
      )
      const back = await waitFor(async () => {
        const a = await arrival()
        return a?.freshness === 'live' && a.lastFixTs === t ? a : null
      })
      expect(back.etaTs).not.toBeNull()
      expect((await page()).row).toMatchObject({ freshness: 'live', lastFixTs: t })
      expect(await waitFor(() => rtArrivalS(), 60_000)).toBeGreaterThan(0)
      expect(await waitFor(async () => ((await board())?.status === 'in_progress' ? true : null), 60_000)).toBe(true)
    },
    (LOST_S + 90) * 1000,
  )
})
