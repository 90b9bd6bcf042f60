import { describe, expect, it } from 'vitest'
import { GeometryImportError, lineLengthM, parseGeometry } from './geometry-import.js'

const LINE = {
  type: 'LineString',
  coordinates: [
    [106.5, 29.5],
    [106.51, 29.5, 300],
    [106.52, 29.51],
  ],
}

describe('parseGeometry', () => {
  it('reads a LineString, a Feature, a FeatureCollection and a one-part MultiLineString (altitude dropped)', () => {
    const want = [
      [106.5, 29.5],
      [106.51, 29.5],
      [106.52, 29.51],
    ]
    expect(parseGeometry(JSON.stringify(LINE))).toEqual(want)
    expect(parseGeometry(JSON.stringify({ type: 'Feature', properties: {}, geometry: LINE }))).toEqual(want)
    expect(
      parseGeometry(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] } },
            { type: 'Feature', geometry: LINE },
          ],
        }),
      ),
    ).toEqual(want)
    expect(parseGeometry(JSON.stringify({ type: 'MultiLineString', coordinates: [LINE.coordinates] }))).toEqual(want)
  })

  it('reads a GPX track in point order, lon and lat in either attribute order, with a namespace prefix', () => {
    const gpx = `<?xml version="1.0"?><gpx><trk><trkseg><trkpt lat="29.5" lon="106.5"><ele>300</ele></trkpt><gpx:trkpt lon='106.51' lat='29.52'/></trkseg></trk></gpx>`
    expect(parseGeometry(gpx)).toEqual([
      [106.5, 29.5],
      [106.51, 29.52],
    ])
    expect(parseGeometry('<gpx><rte><rtept lat="1" lon="2"/><rtept lat="3" lon="4"/></rte></gpx>')).toEqual([
      [2, 1],
      [4, 3],
    ])
  })

  it('refuses what is not a usable line, saying why', () => {
    expect(() => parseGeometry('')).toThrow(/paste/)
    expect(() => parseGeometry('{oops')).toThrow(/not valid JSON/)
    expect(() => parseGeometry(JSON.stringify({ type: 'Point', coordinates: [1, 2] }))).toThrow(/Point is not a line/)
    expect(() => parseGeometry(JSON.stringify({ type: 'LineString', coordinates: [[1, 2]] }))).toThrow(
      /at least 2 points, found 1/,
    )
    expect(() =>
      parseGeometry(
        JSON.stringify({
          type: 'LineString',
          coordinates: [
            [1, 2],
            [200, 2],
          ],
        }),
      ),
    ).toThrow(/point 2 is not a longitude/)
    expect(() =>
      parseGeometry(
        JSON.stringify({
          type: 'LineString',
          coordinates: [
            [1, 2],
            ['a', 2],
          ],
        }),
      ),
    ).toThrow(GeometryImportError)
    expect(() =>
      parseGeometry(
        JSON.stringify({
          type: 'MultiLineString',
          coordinates: [
            [
              [1, 2],
              [2, 3],
            ],
            [
              [3, 4],
              [4, 5],
            ],
          ],
        }),
      ),
    ).toThrow(/2 parts/)
    expect(() => parseGeometry(JSON.stringify({ type: 'FeatureCollection', features: [] }))).toThrow(/no LineString/)
    expect(() => parseGeometry('<gpx></gpx>')).toThrow(/no track or route points/)
  })

  it('measures the line: 0.01° of latitude is about 1.11 km', () => {
    expect(
      lineLengthM([
        [106.5, 29.5],
        [106.5, 29.51],
      ]),
    ).toBeCloseTo(1111.95, 0)
    expect(lineLengthM([[106.5, 29.5]])).toBe(0)
  })
})
