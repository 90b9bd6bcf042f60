/**
 * The message catalogue is complete: every word the console shows goes through it, in both
 * languages. Chinese written anywhere else in the sources would be a label the English page keeps;
 * a catalogue entry whose Chinese still holds English words would be one the Chinese page keeps.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { errorText, has, t, useLang, word } from './index.js'
import { ZH } from './zh.js'

const SRC = new URL('..', import.meta.url).pathname
const CJK = /[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011]/

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path)
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : []
  })
}

/** The code of a file without its comments (Chinese in a comment is documentation, not a label). */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/(^|\s)\/\/.*$/, ''))
    .join('\n')
}

/** Words that stay as they are in Chinese text: names of formats, protocols and codes. */
const LATIN_OK = new Set([
  'GTFS',
  'CSV',
  'JSON',
  'GeoJSON',
  'LineString',
  'Feature',
  'GPX',
  'gpx',
  'JT',
  'T',
  'MQTT',
  'SOS',
  'WGS',
  'A4',
  'XY',
  'V001',
  'type',
  'coordinates',
  'calendar_dates',
  'zhang',
  'wei',
  'English',
  'TileJSON',
  'PMTiles',
  'XYZ',
  'GCJ',
  'CGCS2000',
  'URL',
  'km',
  'h',
  'min',
  'Tab',
  'Esc',
  'kg',
  'Excel',
  'xlsx',
  'UTF',
])

describe('the message catalogue', () => {
  afterEach(() => useLang('zh'))

  it('holds every Chinese word of the console: none is written in the code itself', () => {
    const offenders: string[] = []
    for (const file of sources(SRC)) {
      for (const [i, line] of code(readFileSync(file, 'utf8')).split('\n').entries()) {
        if (CJK.test(line)) offenders.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('has every key the code asks for', () => {
    const missing: string[] = []
    for (const file of sources(SRC)) {
      for (const m of code(readFileSync(file, 'utf8')).matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        const key = m[1]!.replace(/\\'/g, "'")
        if (!has(key)) missing.push(`${relative(SRC, file)}: ${key}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('gives each English key a Chinese text with the same slots, and no English word left in it', () => {
    const problems: string[] = []
    for (const [key, zh] of Object.entries(ZH) as [string, string][]) {
      if (CJK.test(key)) problems.push(`key in Chinese: ${key}`)
      if (!zh.trim()) problems.push(`empty: ${key}`)
      const slots = (s: string): string =>
        [...s.matchAll(/\{(\w+)\}/g)]
          .map((m) => m[1])
          .sort()
          .join(',')
      if (slots(key) !== slots(zh)) problems.push(`slots differ: ${key} → ${zh}`)
      const latin = zh.replace(/\{\w+\}/g, '').match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []
      const left = latin.filter((w) => !LATIN_OK.has(w))
      if (left.length) problems.push(`English left in the Chinese of "${key}": ${left.join(' ')}`)
    }
    expect(problems).toEqual([])
  })

  it('fills slots, speaks English counts in the singular, and words server values in both languages', () => {
    expect(t('{n} trips', { n: 3 })).toBe('3 个班次')
    useLang('en')
    expect(t('{n} trips', { n: 3 })).toBe('3 trips')
    expect(t('{n} trips', { n: 1 })).toBe('1 trip')
    expect(word('in_repair')).toBe('in repair')
    useLang('zh')
    expect(word('broken_manhole_cover')).toBe('井盖破损')
    // A value the catalogue does not know is shown as the server sent it, never dropped.
    expect(word('something_new')).toBe('something new')
    expect(errorText('NO_SUCH_CODE', 'the server said so')).toBe('the server said so')
  })
})
