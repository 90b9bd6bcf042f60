/**
 * Geofences through the real server and its MQTT intake: a bus crossing a fence raises enter and
 * exit events (stored, listed by fence and by vehicle); a fence with a speed limit raises an alert
 * when a bus goes faster inside it and clears it when it slows; GeoJSON imports; bad shapes are
 * refused naming the field and write nothing; only operators change fences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import type { LiveAlert } from '@rb/domain'
import { freshVehicleId, getJson, startServer, targets, waitFor, type TestServer } from '../support/server.js'

interface FenceEvent {
  vehicleId: string
  ts: number
  type: string
  fenceId: string
}

const ring: [number, number][] = [
  [105.44, 28.16],
  [105.45, 28.16],
  [105.45, 28.17],
  [105.44, 28.17],
  [105.44, 28.16],
]
const OUT: [number, number] = [105.43, 28.165]
const IN: [number, number] = [105.445, 28.165]

describe.each(targets())('geofences on $name', (target) => {
  let server: TestServer
  let device: MqttClient
  const vehicle = freshVehicleId('GF')
  let t = Date.now() - 60_000

  const send = async (p: [number, number], speed: number): Promise<void> => {
    t += 5000
    await device.publishAsync(
      `rb/v1/veh/${vehicle}/pos`,
      JSON.stringify({ ts: new Date(t).toISOString(), lat: p[1], lon: p[0], speed, heading: 90 }),
      { qos: 1 },
    )
  }

  beforeAll(async () => {
    server = await startServer(target.env)
    // An external broker delivers to the server's subscription only once it exists.
    await waitFor(
      async () => (await getJson<{ status: string }>(`${server.baseUrl}/api/health`)).body.status === 'ok',
      60_000,
      100,
    )
    device = await mqtt.connectAsync(server.mqttUrl, { clientId: `gf-${vehicle}` })
  })
  afterAll(async () => {
    await device?.endAsync()
    await server?.close()
  })

  it('raises enter and exit as a bus crosses a fence, and a speeding alert inside it, cleared when it slows', async () => {
    const op = await server.loginAs('operator')
    const put = await server.apiJson(
      'PUT',
      '/api/geofences/school-zone',
      {
        name: '叙永一中',
        category: 'school',
        shape: { kind: 'polygon', rings: [ring] },
        speedLimitKmh: 30,
        alertOnExit: false,
        routeKinds: [],
        dwellS: null,
        active: true,
      },
      op,
    )
    expect(put.status).toBe(200)

    await send(OUT, 30)
    await send(IN, 25)
    await send(IN, 48)
    await send(IN, 20)
    await send(OUT, 30)

    const events = await waitFor(
      async () => {
        const r = await server.apiJson<{ items: FenceEvent[] }>('GET', `/api/geofences/events?vehicle=${vehicle}`)
        return r.body.items.length >= 2 ? r.body.items : null
      },
      60_000,
      200,
    )
    expect(events.map((e) => [e.type, e.fenceId]).reverse()).toEqual([
      ['geofence_enter', 'school-zone'],
      ['geofence_exit', 'school-zone'],
    ])
    const byFence = await server.apiJson<{ items: FenceEvent[] }>('GET', '/api/geofences/events?fence=school-zone')
    expect(byFence.body.items.filter((e) => e.vehicleId === vehicle)).toHaveLength(2)

    const alert = await waitFor(
      async () => {
        const r = await server.apiJson<{ items: LiveAlert[] }>('GET', `/api/alerts?status=open&limit=500`)
        return (
          r.body.items.find((a) => a.type === 'geofence' && a.vehicleId === vehicle && a.state === 'cleared') ?? null
        )
      },
      60_000,
      200,
    )
    expect(alert.data).toMatchObject({ rule: 'speeding', fenceId: 'school-zone', speedKmh: 48, limitKmh: 30 })
    expect(alert.message).toContain('叙永一中')
  })

  it('imports GeoJSON, refuses a bad shape naming the field, and lets only operators change fences', async () => {
    const op = await server.loginAs('operator')
    const imported = await server.apiJson<{ items: { id: string; shape: { kind: string } }[] }>(
      'POST',
      '/api/geofences/import',
      {
        idPrefix: 'clinic',
        category: 'hospital',
        geojson: {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { name: '卫生院', radius: 300 },
              geometry: { type: 'Point', coordinates: [105.44, 28.16] },
            },
            { type: 'Feature', properties: { name: '塌方路段' }, geometry: { type: 'Polygon', coordinates: [ring] } },
          ],
        },
      },
      op,
    )
    expect(imported.status).toBe(200)
    expect(imported.body.items.map((f) => [f.id, f.shape.kind])).toEqual([
      ['clinic-1', 'circle'],
      ['clinic-2', 'polygon'],
    ])

    const bad = await server.apiJson<{ error: { code: string; details: { field: string } } }>(
      'POST',
      '/api/geofences/import',
      {
        idPrefix: 'bad',
        category: 'danger',
        geojson: {
          type: 'Polygon',
          coordinates: [
            [
              [105, 28],
              [106, 28],
            ],
          ],
        },
      },
      op,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.field).toBe('geojson.0.shape.rings')
    const all = await server.apiJson<{ items: { id: string }[] }>('GET', '/api/geofences')
    expect(all.body.items.map((f) => f.id)).not.toContain('bad-1')

    const dispatcher = await server.loginAs('dispatcher')
    expect((await server.apiJson('DELETE', '/api/geofences/clinic-1', undefined, dispatcher)).status).toBe(403)
    expect((await server.apiJson('DELETE', '/api/geofences/clinic-1', undefined, op)).status).toBe(204)
  })
})
