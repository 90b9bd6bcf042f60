/** Reading the console's state from the page (through its `window.rbConsole` debug handle). */
import type { Page } from 'playwright-core'
import { startServer, TEST_ADMIN_PASSWORD, waitFor, type TestServer } from '../../support/server.js'

/** Vehicle id → [lng, lat] of the FeatureCollection the console last gave the map. */
export async function drawnVehicles(page: Page): Promise<Record<string, [number, number]>> {
  return page.evaluate(() => {
    const c = (
      globalThis as unknown as {
        rbConsole: {
          map: {
            lastCollection: { features: { properties: { id: string }; geometry: { coordinates: [number, number] } }[] }
          }
        }
      }
    ).rbConsole
    return Object.fromEntries(c.map.lastCollection.features.map((f) => [f.properties.id, f.geometry.coordinates]))
  })
}

/** Vehicle ids the map itself holds in the vehicles source (what the GPU draws from). */
export async function sourceVehicleIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const c = (
      globalThis as unknown as {
        rbConsole: { map: { map: { querySourceFeatures(id: string): { properties: { id: string } }[] } } }
      }
    ).rbConsole
    return [...new Set(c.map.map.querySourceFeatures('vehicles').map((f) => f.properties.id))].sort()
  })
}

/** Starts the server with the demo county and a short simulated scenario (buses moving now). */
export async function startDemoServer(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startServer({ DEMO_DATA: 'auto', ...env })
  server.app.rb.sim.setTargets({ apiUrl: server.baseUrl, mqttUrl: server.mqttUrl })
  return server
}

/** Starts the school-morning scenario at 60× and waits until its buses report. */
export async function runScenario(server: TestServer, scenario = 'school-morning', speed = 60): Promise<void> {
  const r = await server.apiJson('POST', '/api/sim/start', { scenario, speed })
  if (r.status !== 202) throw new Error(`could not start ${scenario}: ${r.status} ${JSON.stringify(r.body)}`)
  await waitFor(
    async () => (await server.apiJson<{ items: unknown[] }>('GET', '/api/vehicles/positions')).body.items.length > 0,
    60_000,
    250,
  )
}

export const ADMIN = { username: 'admin', password: TEST_ADMIN_PASSWORD }
