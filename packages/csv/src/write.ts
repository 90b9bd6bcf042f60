/**
 * Writes RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, a quote, a line break
 * or leading/trailing spaces (quotes doubled). For spreadsheets (`toCsv`, report downloads and
 * templates) the file starts with a UTF-8 byte-order mark (Excel then reads Chinese text
 * correctly) and a text field starting with = + - @ is prefixed with ' so a spreadsheet does not
 * run it as a formula (`unguardFormula` takes it off when such a file comes back). Data for other
 * programs (GTFS) is written as is.
 */

export const CSV_BOM = '\uFEFF'

export type CsvValue = string | number | boolean | null

export interface CsvWriteOptions {
  /** Start with a byte-order mark and defuse formula-like text: for files opened in a spreadsheet. */
  spreadsheet?: boolean
}

export interface CsvColumn<R> {
  header: string
  value: (row: R) => CsvValue
}

const FORMULA = /^[=+\-@\t\r]/
const GUARDED = /^'[=+\-@]/
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

/** One field: numbers as JS prints them (non-finite as empty), null as empty. */
export function csvField(v: CsvValue, opts: CsvWriteOptions = { spreadsheet: true }): string {
  if (v === null) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  const text = opts.spreadsheet && FORMULA.test(v) ? `'${v}` : v
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The whole file from rows of fields, each line ended by CRLF. */
export function writeCsv(rows: readonly (readonly CsvValue[])[], opts: CsvWriteOptions = {}): string {
  const body = rows.map((row) => `${row.map((v) => csvField(v, opts)).join(',')}\r\n`).join('')
  return opts.spreadsheet ? CSV_BOM + body : body
}

/** A spreadsheet file from columns: BOM, header row, one line per row. */
export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  return writeCsv([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))], {
    spreadsheet: true,
  })
}

/** A cell read back from a spreadsheet file this module wrote: the formula guard taken off. */
export function unguardFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell
}
