/**
 * Reads a roster CSV file as spreadsheets save it (the one CSV reader, `@rb/csv`), with the line
 * each record starts on so a problem is reported where the school sees it in a text editor. A
 * leading ' that the CSV writer adds before a formula-like value is taken off again.
 */
import { parseCsv, unguardFormula } from '@rb/csv'

export { CsvSyntaxError } from '@rb/csv'

export interface TableRow {
  /** 1-based line of the file where the record starts. */
  line: number
  cells: string[]
}

export function readCsv(text: string): TableRow[] {
  return parseCsv(text).map((r) => ({ line: r.line, cells: r.fields.map(unguardFormula) }))
}
