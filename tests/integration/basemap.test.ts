/**
 * The basemap the server serves: the demo county's generated archive (preset `demo`, chosen by
 * `auto` when the demo is loaded) and a county's own file (BASEMAP_FILE), both read the way the
 * console reads them — the pmtiles reader over HTTP range requests — and the console's
 * configuration naming them. A bad range is refused with its code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FetchSource, PMTiles } from 'pmtiles'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoArchive } from '../../apps/server/src/basemap/index.js'
import { startServer, targets, type TestServer } from '../support/server.js'

interface ConsoleConfig {
  basemap: { preset: string; raster: { tiles?: string[]; url?: string }[]; pmtiles: string | null; gcj02: boolean }
}

/** The tile of zoom z over a point. */
const tileAt = (z: number, [lng, lat]: [number, number]): [number, number, number] => {
  const r = (lat * Math.PI) / 180
  return [
    z,
    Math.floor(((lng + 180) / 360) * 2 ** z),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z),
  ]
}
const SEAT: [number, number] = [105.44, 28.16]

describe('the demo county basemap (embedded)', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'auto', SIM_VEHICLES: '0' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('is the preset auto picks for the demo county, served by the server itself', async () => {
    const config = await server.apiJson<ConsoleConfig>('GET', '/api/console/config')
    expect(config.body.basemap).toMatchObject({
      preset: 'demo',
      pmtiles: '/basemap/demo.pmtiles',
      raster: [],
      gcj02: false,
    })
  })

  it('is read over range requests by the pmtiles reader: roads, rivers, contours and village names over the county seat', async () => {
    const archive = new PMTiles(new FetchSource(`${server.baseUrl}/basemap/demo.pmtiles`))
    const header = await archive.getHeader()
    expect([header.minZoom, header.maxZoom]).toEqual([5, 12])
    expect(header.minLon).toBeLessThan(105.1)
    expect(header.maxLat).toBeGreaterThan(28.36)
    const tile = await archive.getZxy(...tileAt(11, SEAT))
    const bytes = Buffer.from(tile!.data)
    for (const word of ['transportation', 'waterway', 'contour', 'hillshade', 'place', '永宁河'])
      expect(bytes.includes(Buffer.from(word)), word).toBe(true)
    const meta = (await archive.getMetadata()) as { vector_layers: { id: string }[] }
    expect(meta.vector_layers.map((l) => l.id).sort()).toEqual([
      'contour',
      'hillshade',
      'landcover',
      'landuse',
      'mountain_peak',
      'place',
      'transportation',
      'waterway',
    ])
  })

  it('answers ranges with 206 and the part asked for, and refuses one beyond the end', async () => {
    const whole = demoArchive()
    const part = await fetch(`${server.baseUrl}/basemap/demo.pmtiles`, { headers: { range: 'bytes=0-126' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 0-126/${whole.length}`)
    expect(part.headers.get('accept-ranges')).toBe('bytes')
    expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.subarray(0, 127))
    const tail = await fetch(`${server.baseUrl}/basemap/demo.pmtiles`, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 10))
    const beyond = await fetch(`${server.baseUrl}/basemap/demo.pmtiles`, {
      headers: { range: `bytes=${whole.length}-` },
    })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`)
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE')
    const all = await fetch(`${server.baseUrl}/basemap/demo.pmtiles`)
    expect(all.status).toBe(200)
    expect(Number(all.headers.get('content-length'))).toBe(whole.length)
  })
})

describe.each(targets())('a county basemap file on $name', (target) => {
  let server: TestServer
  let plain: TestServer
  const dir = mkdtempSync(join(tmpdir(), 'rb-basemap-'))
  const file = join(dir, 'county.pmtiles')

  beforeAll(async () => {
    writeFileSync(file, demoArchive())
    server = await startServer({ ...target.env, BASEMAP_FILE: file })
    plain = await startServer({ ...target.env, DATA_DIR: 'memory' })
  })
  afterAll(async () => {
    await server?.close()
    await plain?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is served at /basemap/county.pmtiles with ranges, and named in the console configuration', async () => {
    expect((await server.apiJson<ConsoleConfig>('GET', '/api/console/config')).body.basemap).toMatchObject({
      preset: 'pmtiles',
      pmtiles: '/basemap/county.pmtiles',
    })
    const archive = new PMTiles(new FetchSource(`${server.baseUrl}/basemap/county.pmtiles`))
    expect((await archive.getHeader()).maxZoom).toBe(12)
    expect(await archive.getZxy(...tileAt(12, SEAT))).toBeDefined()
    const part = await fetch(`${server.baseUrl}/basemap/county.pmtiles`, { headers: { range: 'bytes=0-6' } })
    expect(part.status).toBe(206)
    expect(await part.text()).toBe('PMTiles')
    // No demo archive where the demo preset is not in use.
    expect((await fetch(`${server.baseUrl}/basemap/demo.pmtiles`)).status).toBe(404)
  })

  it('auto is a plain map for a county without the demo and with no basemap set', async () => {
    expect((await plain.apiJson<ConsoleConfig>('GET', '/api/console/config')).body.basemap).toMatchObject({
      preset: 'none',
      pmtiles: null,
      raster: [],
    })
    expect((await fetch(`${plain.baseUrl}/basemap/county.pmtiles`)).status).toBe(404)
  })
})
