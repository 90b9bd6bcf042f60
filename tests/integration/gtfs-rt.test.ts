/**
 * GTFS-Realtime while a bus drives a whole trip over MQTT (the setup of tracking.test.ts): the
 * protobuf feeds, decoded with the official bindings, name the trip, vehicle and stops exactly as
 * the static GTFS export does; the trip update predicts the stops ahead while the bus runs and is
 * gone once the trip is completed; a cancelled trip is CANCELED and announced to riders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import GtfsRealtimeBindings from 'gtfs-realtime-bindings'
import { strFromU8, unzipSync } from 'fflate'
import { serviceDayOf, serviceDayStartMs, type ServiceDate, type TripBoardRow } from '@rb/domain'
import { topics } from '@rb/protocol'
import { startServer, targets, waitFor, type TestServer } from '../support/server.js'

const { FeedMessage, TripDescriptor, VehiclePosition, Alert } = GtfsRealtimeBindings.transit_realtime
type Feed = InstanceType<typeof FeedMessage>

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.44, 28.1]
const STOPS_M = [0, 1000, 2000, 3000]
/** 30 km/h: a kilometre in two minutes. */
const SPEED_MS = 1000 / 120
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]

/** Rows of one file of a GTFS zip, as objects by header (the names here hold no commas or quotes). */
function csv(zip: Record<string, Uint8Array>, name: string): Record<string, string>[] {
  const [head, ...rows] = strFromU8(zip[name] as Uint8Array)
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(','))
  return rows.map((r) => Object.fromEntries((head as string[]).map((h, i) => [h, r[i] ?? ''])))
}

describe.each(targets())('GTFS-Realtime feeds on $name', (target) => {
  let server: TestServer
  let pub: MqttClient
  // Unique per run: a real broker keeps retained state between runs.
  const vehicleId = `RT-V${String(10_000 + Math.floor(Math.random() * 89_999))}`
  // Set once the server runs: the trip left three minutes ago, so the drive below reaches half-way
  // now (its ETAs stand: its last fix is fresh); its last stop is due in three minutes.
  let departureTs = 0
  let date = '' as ServiceDate
  let ymd = ''
  let instanceId = ''
  // A slow trip a minute earlier, still under way by the timetable, that the dispatcher cancels.
  let cancelledId = ''
  const codes: string[] = []

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'RT' })
    departureTs = Math.round((Date.now() - 185_000) / 1000) * 1000
    date = serviceDayOf(departureTs)
    ymd = date.replaceAll('-', '')
    const departureS = (departureTs - serviceDayStartMs(date)) / 1000
    instanceId = `RT-R01-T_${ymd}`
    cancelledId = `RT-R01-C_${ymd}`
    const put = async (path: string, body: unknown, method = 'PUT') => {
      const r = await server.apiJson<{ code?: string }>(method, path, body)
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    await put('/api/operators/OP1', { name: '叙永公交', phone: null })
    await put('/api/townships/RT-T01', { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
    for (const m of STOPS_M)
      codes.push(
        (
          await put(
            '/api/stops',
            { name: `站${m}`, nameEn: `Stop ${m}`, townshipId: 'RT-T01', point: at(m), installedOn: '2026-01-01' },
            'POST',
          )
        ).code as string,
      )
    await put('/api/routes/RT-R01', {
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
    const trip = {
      routeId: 'RT-R01',
      calendarId: 'daily',
      direction: 0,
      headsign: '终点',
      seats: 19,
      bookingPolicy: 'none',
      minRiders: 0,
      bookingCutoffMin: 0,
    }
    await put('/api/schedule/trips/RT-R01-T', {
      ...trip,
      departureS,
      stopOffsetsS: STOPS_M.map((m) => Math.round(m / SPEED_MS)),
    })
    await put('/api/schedule/trips/RT-R01-C', {
      ...trip,
      departureS: departureS - 60,
      stopOffsetsS: [0, 1200, 2400, 3600],
    })
    await put(`/api/vehicles/${vehicleId}`, {
      plate: '川E·T0002',
      seats: 19,
      operatorId: 'OP1',
      model: '宇通',
      status: 'active',
    })
    await put('/api/drivers/RT-D001', {
      name: '王建国',
      phone: '13812345678',
      licenceClass: 'A1',
      serviceSince: '2008-05-01',
      pioneer: true,
      status: 'active',
    })
    await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId, driverId: 'RT-D001' })
    await put(`/api/trip-instances/${cancelledId}/cancel`, { reason: '道路塌方' }, 'POST')
    // Assignments and cancellations do not reload the tracking engine by themselves: reload it, so
    // the run below does not hang on which request came last.
    await server.app.rb.tracking.reloadNetwork()
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev` })
  })

  afterAll(async () => {
    await pub?.endAsync()
    await server?.close()
  })

  /** Fixes every 5 s: waiting a minute at the first stop, then 30 km/h along the line (the timetable's pace). */
  async function drive(fromM: number, toM: number): Promise<number> {
    let last = 0
    for (let t = departureTs - 60_000; ; t += 5000) {
      const m = t < departureTs ? 0 : Math.min(3000, ((t - departureTs) / 1000) * SPEED_MS)
      if (m >= fromM && m <= toM) {
        await pub.publishAsync(
          topics.position(vehicleId),
          JSON.stringify({ ts: t, lat: at(m)[1], lon: at(m)[0], speed: t < departureTs ? 0 : 30, heading: 0 }),
          { qos: 1 },
        )
        last = t
      }
      if (m >= toM) return last
    }
  }

  /** A feed as a consumer reads it: public (no session), protobuf, decoded with the official bindings. */
  async function feed(name: 'vehicle-positions' | 'trip-updates' | 'alerts'): Promise<Feed> {
    const res = await fetch(`${server.baseUrl}/gtfs-rt/${name}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-protobuf')
    const msg = FeedMessage.decode(new Uint8Array(await res.arrayBuffer()))
    expect(msg.header.gtfsRealtimeVersion).toBe('2.0')
    expect(msg.header.incrementality).toBe(GtfsRealtimeBindings.transit_realtime.FeedHeader.Incrementality.FULL_DATASET)
    expect(Math.abs(Number(msg.header.timestamp) - Date.now() / 1000)).toBeLessThan(60)
    return msg
  }

  it("shows the running bus on its trip and predicts the stops ahead, with the static feed's ids", async () => {
    const lastTs = await drive(0, 1500)
    const vp = await waitFor(async () => {
      const e = (await feed('vehicle-positions')).entity.find((x) => x.vehicle?.vehicle?.id === vehicleId)
      return e?.vehicle && e.vehicle.stopId === codes[2] ? e.vehicle : null
    })
    expect(vp.trip).toMatchObject({
      tripId: 'RT-R01-T',
      routeId: 'RT-R01',
      startDate: ymd,
      scheduleRelationship: TripDescriptor.ScheduleRelationship.SCHEDULED,
    })
    expect(vp.vehicle).toMatchObject({ id: vehicleId, label: `${vehicleId} RT-D001`, licensePlate: '川E·T0002' })
    expect(vp).toMatchObject({ currentStopSequence: 3, currentStatus: VehiclePosition.VehicleStopStatus.IN_TRANSIT_TO })
    expect(Number(vp.timestamp)).toBe(lastTs / 1000)
    expect(vp.position?.latitude).toBeCloseTo(at(1500)[1], 4)
    expect(vp.position?.speed).toBeCloseTo(SPEED_MS, 1)
    expect(vp.position?.bearing).toBe(0)

    const tu = (await feed('trip-updates')).entity
    const running = tu.find((e) => e.id === instanceId)?.tripUpdate
    expect(running?.trip).toMatchObject({
      tripId: 'RT-R01-T',
      startDate: ymd,
      scheduleRelationship: TripDescriptor.ScheduleRelationship.SCHEDULED,
    })
    expect(running?.vehicle?.id).toBe(vehicleId)
    expect((running?.stopTimeUpdate ?? []).map((u) => `${u.stopSequence}:${u.stopId}`)).toEqual([
      `3:${codes[2]}`,
      `4:${codes[3]}`,
    ])
    for (const u of running?.stopTimeUpdate ?? []) {
      const scheduled = departureTs / 1000 + STOPS_M[(u.stopSequence ?? 1) - 1]! / SPEED_MS
      expect(Math.abs(Number(u.arrival?.time) - scheduled)).toBeLessThan(30)
      expect(u.arrival?.delay).toBe(Number(u.arrival?.time) - scheduled)
    }
    const cancelled = tu.find((e) => e.id === cancelledId)?.tripUpdate
    expect(cancelled?.trip).toMatchObject({
      tripId: 'RT-R01-C',
      startDate: ymd,
      scheduleRelationship: TripDescriptor.ScheduleRelationship.CANCELED,
    })
    expect(cancelled?.stopTimeUpdate).toEqual([])

    // A consumer joins these to the static feed: the trip, its stops and their sequence numbers are there.
    const zip = unzipSync(
      new Uint8Array(await (await fetch(`${server.baseUrl}/api/gtfs/export?from=${date}&to=${date}`)).arrayBuffer()),
    )
    expect(csv(zip, 'trips.txt').find((t) => t.trip_id === 'RT-R01-T')).toMatchObject({ route_id: 'RT-R01' })
    const stopTimes = csv(zip, 'stop_times.txt').filter((s) => s.trip_id === 'RT-R01-T')
    for (const u of running?.stopTimeUpdate ?? [])
      expect(stopTimes.find((s) => s.stop_id === u.stopId)?.stop_sequence).toBe(String(u.stopSequence))
    expect(csv(zip, 'calendar_dates.txt').some((c) => c.date === ymd)).toBe(true)
    expect(csv(zip, 'stops.txt').map((s) => s.stop_id)).toEqual(expect.arrayContaining(codes))

    // The same feed as JSON for people.
    const json = (await (await fetch(`${server.baseUrl}/gtfs-rt/trip-updates?format=json`)).json()) as {
      entity: { id: string; tripUpdate: { trip: { scheduleRelationship: string } } }[]
    }
    expect(json.entity.find((e) => e.id === cancelledId)?.tripUpdate.trip.scheduleRelationship).toBe('CANCELED')
    expect(json.entity.find((e) => e.id === instanceId)?.tripUpdate.trip.scheduleRelationship).toBe('SCHEDULED')
  })

  it('announces the cancellation to riders in Chinese and English; the running trip has no alert', async () => {
    const alerts = (await feed('alerts')).entity
    expect(alerts.map((e) => e.id)).toEqual([`cancelled:${cancelledId}`])
    const a = alerts[0]?.alert
    expect(a?.effect).toBe(Alert.Effect.NO_SERVICE)
    expect(a?.informedEntity?.[0]).toMatchObject({ routeId: 'RT-R01', trip: { tripId: 'RT-R01-C', startDate: ymd } })
    const text = (lang: string) => a?.descriptionText?.translation?.find((t) => t.language === lang)?.text
    expect(text('zh')).toContain('原因：道路塌方')
    expect(text('en')).toContain('from Stop 0 to Stop 3')
    expect(a?.headerText?.translation?.find((t) => t.language === 'en')?.text).toMatch(
      /^Test Line: the \d\d:\d\d trip is cancelled$/,
    )
  })

  it('has no trip update for the completed trip, and the bus leaves the vehicle feed when its trip ends', async () => {
    // The rest of the trip, up to three minutes ahead of the clock (within MAX_FUTURE_SKEW_S).
    await drive(1500, 3000)
    const end = departureTs + (3000 / SPEED_MS) * 1000
    for (const dt of [30_000, 61_000, 75_000])
      await pub.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts: end + dt, lat: at(3000)[1], lon: at(3000)[0], speed: 0, heading: 0 }),
        { qos: 1 },
      )
    await waitFor(async () => {
      const board = await server.apiJson<{ items: TripBoardRow[] }>('GET', `/api/trips/today?date=${date}`)
      return board.body.items.find((i) => i.instanceId === instanceId)?.status === 'completed'
    })
    const tu = (await feed('trip-updates')).entity.map((e) => e.id)
    expect(tu).not.toContain(instanceId)
    expect(tu).toContain(cancelledId)
    await waitFor(
      async () => !(await feed('vehicle-positions')).entity.some((e) => e.vehicle?.vehicle?.id === vehicleId),
      60_000,
    )
  })

  it('refuses an unknown format, and the feeds are in the API document', async () => {
    const res = await fetch(`${server.baseUrl}/gtfs-rt/alerts?format=xml`)
    expect(res.status).toBe(400)
    const doc = (await (await fetch(`${server.baseUrl}/docs/json`)).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/gtfs-rt/vehicle-positions', '/gtfs-rt/trip-updates', '/gtfs-rt/alerts']),
    )
  })
})
