/**
 * Roster spreadsheets: CSV (UTF-8, as `readCsv` reads it) and XLSX. An XLSX file is a zip of XML
 * parts (ECMA-376); fflate unzips and zips it, and the first worksheet's cells are read here —
 * shared strings, inline strings, numbers, booleans — with their row numbers, so an error names
 * the row the school sees in its spreadsheet program. The template is written the same way.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { AppError, CsvSyntaxError, readCsv, ROSTER_COLUMNS, toCsv, type TableRow } from '@rb/domain'

export type SheetFormat = 'csv' | 'xlsx'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** Largest roster file taken. */
export const ROSTER_MAX_BYTES = 4 * 1024 * 1024
/** Largest unzipped part of an XLSX file (a zip bomb stops here). */
const MAX_PART_BYTES = 32 * 1024 * 1024

const isZip = (b: Uint8Array): boolean =>
  b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04

/** The table of a roster file, CSV or XLSX (told apart by content, not name). */
export function readTable(bytes: Uint8Array): { format: SheetFormat; rows: TableRow[] } {
  if (bytes.length > ROSTER_MAX_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `a roster file may be at most ${ROSTER_MAX_BYTES / 1024 / 1024} MiB`)
  if (isZip(bytes)) return { format: 'xlsx', rows: readXlsx(bytes) }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      'the file is neither XLSX nor UTF-8 text: save it as "CSV UTF-8" or as an Excel workbook (.xlsx)',
      { field: 'file' },
    )
  }
  try {
    return { format: 'csv', rows: readCsv(text) }
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new AppError('VALIDATION_FAILED', `line ${err.line}: ${err.message}`, {
        field: 'file',
        errors: [{ line: err.line, field: null, message: err.message }],
      })
    throw err
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const decodeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16))
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)))
    return ENTITIES[e] ?? m
  })
const escapeXml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' } as Record<string, string>)[c]};`)

/** The text of every `<t>` inside (rich text runs joined; phonetic runs left out). */
const textOf = (xml: string): string =>
  [...xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>|<t\b[^>]*\/>/g)]
    .map((m) => decodeXml(m[1] ?? ''))
    .join('')

/** Column letters to a 0-based index: A → 0, AA → 26. */
const columnIndex = (letters: string): number => [...letters].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0) - 1

function readXlsx(bytes: Uint8Array): TableRow[] {
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, {
      filter: (f) =>
        f.originalSize <= MAX_PART_BYTES &&
        (f.name === 'xl/workbook.xml' ||
          f.name === 'xl/_rels/workbook.xml.rels' ||
          f.name === 'xl/sharedStrings.xml' ||
          f.name.startsWith('xl/worksheets/')),
    })
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `the XLSX file cannot be opened: ${(err as Error).message}`, {
      field: 'file',
    })
  }
  const part = (name: string): string | null => (files[name] ? strFromU8(files[name]) : null)
  const workbook = part('xl/workbook.xml')
  const rels = part('xl/_rels/workbook.xml.rels')
  if (!workbook || !rels)
    throw new AppError(
      'VALIDATION_FAILED',
      'the XLSX file has no workbook: save it again from the spreadsheet program',
      { field: 'file' },
    )
  // The first sheet in the workbook's order, through its relationship.
  const firstSheet =
    /<sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1] ?? /<sheet\b[^>]*\bid="([^"]+)"/.exec(workbook)?.[1]
  const target = firstSheet
    ? (new RegExp(`<Relationship\\b[^>]*\\bId="${firstSheet}"[^>]*\\bTarget="([^"]+)"`).exec(rels)?.[1] ??
      new RegExp(`<Relationship\\b[^>]*\\bTarget="([^"]+)"[^>]*\\bId="${firstSheet}"`).exec(rels)?.[1])
    : undefined
  const sheetPath = target
    ? target.startsWith('/')
      ? target.slice(1)
      : `xl/${target.replace(/^\.\//, '')}`
    : undefined
  const sheet = sheetPath ? part(sheetPath) : null
  if (!sheet) throw new AppError('VALIDATION_FAILED', 'the XLSX file has no worksheet', { field: 'file' })
  const shared = [...(part('xl/sharedStrings.xml') ?? '').matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>|<si\b[^>]*\/>/g)].map(
    (m) => textOf(m[1] ?? ''),
  )

  const rows: TableRow[] = []
  for (const rm of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const line = Number(/\br="(\d+)"/.exec(rm[1] ?? '')?.[1] ?? rows.length + 1)
    const cells: string[] = []
    let next = 0
    for (const cm of (rm[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = cm[1] ?? ''
      const body = cm[2] ?? ''
      const ref = /\br="([A-Z]+)\d+"/.exec(attrs)?.[1]
      const col = ref ? columnIndex(ref) : next
      next = col + 1
      const type = /\bt="([^"]+)"/.exec(attrs)?.[1] ?? 'n'
      const v = /<v\b[^>]*>([\s\S]*?)<\/v>/.exec(body)?.[1]
      let value = ''
      if (type === 's') value = shared[Number(v)] ?? ''
      else if (type === 'inlineStr') value = textOf(body)
      else if (type === 'b') value = v === '1' ? 'TRUE' : v === '0' ? 'FALSE' : ''
      else if (v !== undefined) value = decodeXml(v)
      while (cells.length < col) cells.push('')
      cells[col] = value
    }
    rows.push({ line, cells })
  }
  return rows
}

const colName = (i: number): string =>
  (i >= 26 ? colName(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26))

/** A one-sheet workbook of text cells (inline strings: no shared-strings part needed). */
export function writeXlsx(sheetName: string, rows: readonly (readonly string[])[]): Uint8Array {
  const sheetRows = rows
    .map(
      (cells, r) =>
        `<row r="${r + 1}">${cells.map((c, i) => `<c r="${colName(i)}${r + 1}" t="inlineStr"${r === 0 ? ' s="1"' : ''}><is><t xml:space="preserve">${escapeXml(c)}</t></is></c>`).join('')}</row>`,
    )
    .join('')
  const widths = (rows[0] ?? [])
    .map((_, i) => `<col min="${i + 1}" max="${i + 1}" width="14" customWidth="1"/>`)
    .join('')
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    ),
    '_rels/.rels': strToU8(
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `${xml}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${escapeXml(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    ),
    'xl/styles.xml': strToU8(
      `${xml}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `${xml}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>${widths}</cols><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  }
  return zipSync(files)
}

/** The roster template: the header row, and one example row a school overwrites. */
export function rosterTemplate(
  format: SheetFormat,
  example: Record<string, string> = {},
): { body: Uint8Array | string; type: string; filename: string } {
  const header = ROSTER_COLUMNS.map((c) => c.zh)
  const sample = ROSTER_COLUMNS.map((c) => example[c.key] ?? c.example)
  if (format === 'xlsx')
    return { body: writeXlsx('名单 Roster', [header, sample]), type: XLSX_TYPE, filename: 'roster-template.xlsx' }
  const csv = toCsv(
    ROSTER_COLUMNS.map((c, i) => ({ header: c.zh, value: (r: string[]) => r[i] ?? '' })),
    [sample],
  )
  return { body: csv, type: 'text/csv; charset=utf-8', filename: 'roster-template.csv' }
}
