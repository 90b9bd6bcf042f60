/**
 * Reads a CSV file as spreadsheets save it (RFC 4180: quoted fields with doubled quotes and line
 * breaks inside; CRLF or LF; a UTF-8 byte-order mark). Each record keeps the line it starts on,
 * so a problem is reported where the school sees it in a text editor. A leading ' that the CSV
 * writer adds before a formula-like value is taken off again.
 */

export interface TableRow {
  /** 1-based line of the file where the record starts. */
  line: number
  cells: string[]
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

export function readCsv(text: string): TableRow[] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text
  const rows: TableRow[] = []
  let line = 1
  let i = 0
  while (i < s.length) {
    const start = line
    const cells: string[] = []
    for (;;) {
      let cell = ''
      if (s[i] === '"') {
        i++
        for (;;) {
          if (i >= s.length) throw new CsvSyntaxError(start, `a quoted field opened on line ${start} is never closed`)
          const ch = s[i] as string
          if (ch === '"') {
            if (s[i + 1] === '"') {
              cell += '"'
              i += 2
              continue
            }
            i++
            break
          }
          if (ch === '\n') line++
          cell += ch
          i++
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') throw new CsvSyntaxError(line, `text after a closing quote on line ${line}`)
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') cell += s[i++]
      }
      cells.push(/^'[=+\-@]/.test(cell) ? cell.slice(1) : cell)
      if (s[i] === ',') {
        i++
        continue
      }
      break
    }
    if (s[i] === '\r') i++
    if (s[i] === '\n') i++
    rows.push({ line: start, cells })
    line++
  }
  return rows
}
