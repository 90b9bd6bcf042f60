import { gunzipSync, gzipSync } from 'node:zlib'
import { PMTiles, TileType, zxyToTileId, type RangeResponse, type Source } from 'pmtiles'
import { describe, expect, it } from 'vitest'
import { tileId, writeArchive } from './pmtiles-writer.js'
import { vectorArchive } from './vector-archive.js'

/** An archive in memory, read by the reference reader the console uses. */
class BufferSource implements Source {
  readonly reads: [number, number][] = []
  constructor(private readonly buf: Buffer) {}
  getKey(): string {
    return 'memory'
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    this.reads.push([offset, length])
    const part = this.buf.subarray(offset, offset + length)
    return { data: part.buffer.slice(part.byteOffset, part.byteOffset + part.length) as ArrayBuffer }
  }
}

describe('tileId', () => {
  it('is the reference reader’s Hilbert tile id for every tile to zoom 6 and deep ones', () => {
    for (let z = 0; z <= 6; z++)
      for (let x = 0; x < 2 ** z; x++)
        for (let y = 0; y < 2 ** z; y++) expect(tileId(z, x, y)).toBe(zxyToTileId(z, x, y))
    for (const [z, x, y] of [
      [13, 6498, 3405],
      [18, 207_613, 109_870],
      [22, 3_321_000, 1_757_000],
    ] as const)
      expect(tileId(z, x, y)).toBe(zxyToTileId(z, x, y))
  })

  it('refuses a tile outside its zoom', () => {
    expect(() => tileId(3, 8, 0)).toThrow(/outside/)
    expect(() => tileId(27, 0, 0)).toThrow(/zoom/)
  })
})

describe('writeArchive', () => {
  const tile = (s: string): Uint8Array => gzipSync(Buffer.from(s))
  const tiles = [
    { z: 2, x: 3, y: 1, data: tile('c') },
    { z: 0, x: 0, y: 0, data: tile('root') },
    { z: 2, x: 0, y: 0, data: tile('same') },
    { z: 2, x: 0, y: 1, data: tile('same') },
    { z: 1, x: 1, y: 0, data: tile('b') },
  ]
  const archive = writeArchive(tiles, {
    tileType: 'mvt',
    tileCompression: 'gzip',
    bounds: [105, 27.8, 105.9, 28.4],
    center: [105.44, 28.16, 9],
    metadata: { name: 'test' },
  })

  it('is read back tile for tile by the reference reader', async () => {
    const p = new PMTiles(new BufferSource(archive))
    const h = await p.getHeader()
    expect(h).toMatchObject({
      specVersion: 3,
      minZoom: 0,
      maxZoom: 2,
      tileType: TileType.Mvt,
      minLon: 105,
      minLat: 27.8,
      maxLon: 105.9,
      maxLat: 28.4,
      centerZoom: 9,
      centerLon: 105.44,
      centerLat: 28.16,
      clustered: true,
    })
    for (const t of tiles) {
      const got = await p.getZxy(t.z, t.x, t.y)
      expect(Buffer.from(got!.data).toString()).toBe(gunzipSync(t.data).toString())
    }
    expect(await p.getZxy(2, 1, 1)).toBeUndefined()
    expect(await p.getMetadata()).toEqual({ name: 'test' })
  })

  it('stores a repeated tile once', () => {
    const p = archive.readBigUInt64LE(88)
    expect(Number(p)).toBe(4)
    expect(Number(archive.readBigUInt64LE(72))).toBe(5)
  })
})

describe('vectorArchive', () => {
  it('cuts GeoJSON layers into vector tiles at each zoom', async () => {
    const road: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { class: 'secondary' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [105.4, 28.15],
              [105.48, 28.18],
            ],
          },
        },
      ],
    }
    const place: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { class: 'village', name: '杉山村' },
          geometry: { type: 'Point', coordinates: [105.44, 28.16] },
        },
      ],
    }
    const archive = vectorArchive(
      { transportation: road, place },
      { minZoom: 8, maxZoom: 12, name: 'n', attribution: 'a' },
    )
    const p = new PMTiles(new BufferSource(archive))
    const h = await p.getHeader()
    expect([h.minZoom, h.maxZoom]).toEqual([8, 12])
    const x = Math.floor(((105.44 + 180) / 360) * 2 ** 12)
    const lat = (28.16 * Math.PI) / 180
    const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * 2 ** 12)
    const data = Buffer.from((await p.getZxy(12, x, y))!.data)
    // Layer names, keys and string values are plain bytes in a vector tile.
    for (const word of ['transportation', 'place', 'class', 'secondary', '杉山村'])
      expect(data.includes(Buffer.from(word))).toBe(true)
    const meta = (await p.getMetadata()) as { vector_layers: { id: string; fields: Record<string, string> }[] }
    expect(meta.vector_layers.map((l) => l.id)).toEqual(['transportation', 'place'])
    expect(meta.vector_layers[1]?.fields).toEqual({ class: 'String', name: 'String' })
  })
})
