/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Chinese text correctly),
 * CRLF line ends (RFC 4180), a header row, and a field quoted when it holds a comma, a quote, a
 * line break or leading/trailing spaces (quotes doubled). A text field starting with = + - @ is
 * prefixed with ' so a spreadsheet does not run it as a formula.
 */

export const CSV_BOM = '\uFEFF'

export interface CsvColumn<R> {
  header: string
  value: (row: R) => string | number | boolean | null
}

const FORMULA = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

/** One field: numbers as JS prints them, null as empty. */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  const text = FORMULA.test(v) ? `'${v}` : v
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The whole file: BOM, header row, one line per row, each line ended by CRLF. */
export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  const lines = [columns.map((c) => csvField(c.header)), ...rows.map((r) => columns.map((c) => csvField(c.value(r))))]
  return CSV_BOM + lines.map((l) => `${l.join(',')}\r\n`).join('')
}
