import { describe, expect, it } from 'vitest'
import { basemapSpec, COUNTY_ARCHIVE_PATH, DEMO_ARCHIVE_PATH, type BasemapSettings } from './presets.js'

const settings = (over: Partial<BasemapSettings> = {}): BasemapSettings => ({
  basemap: 'auto',
  basemapUrl: undefined,
  basemapFile: undefined,
  tiandituKey: undefined,
  basemapAttribution: '',
  basemapGcj02: false,
  basemapMaxZoom: 18,
  ...over,
})
const KEY = '0123456789abcdef0123456789abcdef'

describe('basemapSpec', () => {
  it('auto: the demo county’s own archive when the demo is loaded, else a plain map', () => {
    expect(basemapSpec(settings(), true)).toMatchObject({
      preset: 'demo',
      pmtiles: DEMO_ARCHIVE_PATH,
      raster: [],
      gcj02: false,
    })
    expect(basemapSpec(settings(), false)).toMatchObject({ preset: 'none', pmtiles: null, raster: [] })
  })

  it('auto: a URL template is xyz, a file is pmtiles, whatever the county', () => {
    expect(basemapSpec(settings({ basemapUrl: 'https://t.example.org/{z}/{x}/{y}.png' }), true)).toMatchObject({
      preset: 'xyz',
      raster: [{ tiles: ['https://t.example.org/{z}/{x}/{y}.png'] }],
    })
    expect(basemapSpec(settings({ basemapFile: '/srv/county.pmtiles' }), true)).toMatchObject({
      preset: 'pmtiles',
      pmtiles: COUNTY_ARCHIVE_PATH,
    })
  })

  it('tianditu: the map and its annotations on eight hosts with the county’s key, unshifted (CGCS2000)', () => {
    const spec = basemapSpec(settings({ basemap: 'tianditu', tiandituKey: KEY }), false)
    expect(spec.gcj02).toBe(false)
    expect(spec.raster).toHaveLength(2)
    expect(spec.raster[0]?.tiles).toHaveLength(8)
    expect(spec.raster[0]?.tiles?.[3]).toBe(`https://t3.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=${KEY}`)
    expect(spec.raster[1]?.tiles?.[0]).toContain('T=cva_w')
    const imagery = basemapSpec(settings({ basemap: 'tianditu-imagery', tiandituKey: KEY }), false)
    expect(imagery.raster.map((r) => r.tiles?.[0]?.match(/T=(\w+)/)?.[1])).toEqual(['img_w', 'cia_w'])
    expect(spec.attribution).toContain('天地图')
  })

  it('amap: GCJ-02 tiles, so the console shifts what it draws', () => {
    const spec = basemapSpec(settings({ basemap: 'amap' }), true)
    expect(spec).toMatchObject({ preset: 'amap', gcj02: true })
    expect(spec.raster[0]?.tiles?.[0]).toMatch(
      /^https:\/\/webrd01\.is\.autonavi\.com\/appmaptile\?.*style=8&x=\{x\}&y=\{y\}&z=\{z\}$/,
    )
    expect(basemapSpec(settings({ basemap: 'amap-imagery' }), true).raster).toHaveLength(2)
  })

  it('tilejson and pmtiles URLs are passed on; BASEMAP_GCJ02 applies to them', () => {
    expect(
      basemapSpec(
        settings({ basemap: 'tilejson', basemapUrl: 'https://t.example.org/tiles.json', basemapGcj02: true }),
        false,
      ),
    ).toMatchObject({ raster: [{ url: 'https://t.example.org/tiles.json' }], gcj02: true })
    expect(
      basemapSpec(settings({ basemap: 'pmtiles', basemapUrl: 'https://t.example.org/county.pmtiles' }), false),
    ).toMatchObject({ pmtiles: 'https://t.example.org/county.pmtiles', raster: [] })
  })

  it('none stays none, even for the demo county', () => {
    expect(basemapSpec(settings({ basemap: 'none' }), true)).toMatchObject({
      preset: 'none',
      pmtiles: null,
      raster: [],
    })
  })
})
