/**
 * Reads RFC 4180 CSV as GTFS feeds and spreadsheets save it: quoted fields with embedded commas,
 * quotes and line breaks, CRLF or LF (or a lone CR) between records, an optional UTF-8 byte order
 * mark at the start. Each record keeps the line it starts on, so a problem is reported where the
 * sender sees it in a text editor.
 */

export interface CsvRecord {
  /** Physical line the record starts on, 1-based (the header is line 1 in a well-formed file). */
  line: number
  fields: string[]
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError'
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

const QUOTE = 34
const COMMA = 44
const LF = 10
const CR = 13

/** Parses CSV text into records; blank lines are skipped. Throws CsvSyntaxError on an unclosed quote. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let atFieldStart = true
  let line = 1
  let recordLine = 1
  let i = 0
  const n = src.length

  const endRecord = (): void => {
    fields.push(field)
    // A record that is one empty field is a blank line.
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields })
    fields = []
    field = ''
    atFieldStart = true
  }
  /** Consumes a line break at `i` (CRLF, LF or CR); returns whether there was one. */
  const lineBreak = (): boolean => {
    const c = src.charCodeAt(i)
    if (c === CR) {
      i += src.charCodeAt(i + 1) === LF ? 2 : 1
    } else if (c === LF) {
      i += 1
    } else {
      return false
    }
    line++
    return true
  }

  while (i < n) {
    if (atFieldStart && src.charCodeAt(i) === QUOTE) {
      atFieldStart = false
      const openedOn = line
      i++
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(openedOn, 'a quoted field is never closed')
        const c = src.charCodeAt(i)
        if (c === QUOTE) {
          if (src.charCodeAt(i + 1) === QUOTE) {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        if (c === CR || c === LF) {
          lineBreak()
          field += '\n'
          continue
        }
        field += src[i]
        i++
      }
      // Text after the closing quote (`"a"b`) is not RFC 4180; keep it rather than lose data.
      continue
    }
    const c = src.charCodeAt(i)
    if (c === COMMA) {
      fields.push(field)
      field = ''
      atFieldStart = true
      i++
    } else if (lineBreak()) {
      endRecord()
      recordLine = line
    } else {
      field += src[i]
      atFieldStart = false
      i++
    }
  }
  if (!atFieldStart || field !== '' || fields.length > 0) endRecord()
  return records
}
