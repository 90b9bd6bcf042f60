/** A feed as tables of rows: the zip read, each known file parsed as CSV with its header. */
import { CsvSyntaxError, parseCsv } from '@rb/csv'
import { GtfsError } from './errors.js'
import { parseNonNegativeInt } from './values.js'
import { readZip } from './zip.js'

/** The files this module reads; others (fares, transfers, levels …) are left alone. */
export const KNOWN_FILES = [
  'agency.txt',
  'stops.txt',
  'routes.txt',
  'trips.txt',
  'stop_times.txt',
  'calendar.txt',
  'calendar_dates.txt',
  'shapes.txt',
  'frequencies.txt',
  'feed_info.txt',
  'translations.txt',
] as const
export type FeedFile = (typeof KNOWN_FILES)[number]

export class Row {
  constructor(
    /** Physical line of the record in its file; the header is line 1. */
    readonly line: number,
    private readonly values: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
  ) {}

  /** The value of a column, trimmed; '' when the column or the value is absent. */
  get(column: string): string {
    const i = this.index.get(column)
    return i === undefined ? '' : (this.values[i] ?? '').trim()
  }
}

export interface Table {
  file: FeedFile
  columns: readonly string[]
  rows: readonly Row[]
}

export interface Feed {
  tables: ReadonlyMap<FeedFile, Table>
  /** Things that are not errors but a person may want to fix (short rows, unknown columns …). */
  warnings: string[]
}

/** Unzips and parses a feed. Throws BAD_ZIP for an unreadable archive, BAD_VALUE for broken CSV or text. */
export function readFeed(zip: Uint8Array): Feed {
  const { files, warnings } = readZip(zip)
  const tables = new Map<FeedFile, Table>()
  for (const file of KNOWN_FILES) {
    const text = files.get(file)
    if (text !== undefined) tables.set(file, parseTable(file, text, warnings))
  }
  return { tables, warnings }
}

function parseTable(file: FeedFile, text: string, warnings: string[]): Table {
  let records
  try {
    records = parseCsv(text)
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new GtfsError('BAD_VALUE', err.message, { file, line: err.line })
    throw err
  }
  const [header, ...body] = records
  if (!header) return { file, columns: [], rows: [] }
  const columns = header.fields.map((name) => name.trim())
  const index = new Map<string, number>()
  columns.forEach((name, i) => {
    if (index.has(name)) warnings.push(`${file}: the column ${name} appears twice; the first one is used`)
    else index.set(name, i)
  })
  const short = body.filter((record) => record.fields.length < columns.length)
  const long = body.filter((record) => record.fields.length > columns.length)
  if (short[0])
    warnings.push(
      `${file}: ${short.length} rows have fewer fields than the header (first at line ${short[0].line}); the missing ones are read as empty`,
    )
  if (long[0])
    warnings.push(
      `${file}: ${long.length} rows have more fields than the header (first at line ${long[0].line}); the extra ones are ignored`,
    )
  return { file, columns, rows: body.map((record) => new Row(record.line, record.fields, index)) }
}

/** Items grouped by key, groups in order of first appearance (Map.groupBy needs Node 21). */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}

/** Stop times grouped by trip id, each group in stop_sequence order (rows with a bad sequence left out). */
export function stopTimesByTrip(stopTimes: readonly Row[]): Map<string, Row[]> {
  const sequenced = stopTimes.filter((row) => parseNonNegativeInt(row.get('stop_sequence')) !== undefined)
  const byTrip = groupBy(sequenced, (row) => row.get('trip_id'))
  const seq = (row: Row): number => Number(row.get('stop_sequence'))
  for (const list of byTrip.values()) list.sort((a, b) => seq(a) - seq(b))
  return byTrip
}
