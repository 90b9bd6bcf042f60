import { describe, expect, it } from 'vitest'
import { strToU8, zipSync } from 'fflate'
import { ROSTER_COLUMNS } from '@rb/domain'
import { refusal } from '../../../../packages/domain/src/testing/refusal.js'
import { readTable, rosterTemplate, writeXlsx } from './spreadsheet.js'

describe('roster spreadsheets', () => {
  it('reads back the workbook it writes, with row numbers, escaped text and gaps', () => {
    const bytes = writeXlsx('名单', [['学号', '姓名 & <班>'], ['1001', '王"子涵'], [], ['', '李欣怡']])
    const t = readTable(bytes)
    expect(t.format).toBe('xlsx')
    expect(t.rows).toEqual([
      { line: 1, cells: ['学号', '姓名 & <班>'] },
      { line: 2, cells: ['1001', '王"子涵'] },
      { line: 3, cells: [] },
      { line: 4, cells: ['', '李欣怡'] },
    ])
  })

  it('reads what spreadsheet programs write: shared strings, rich text, numbers, skipped rows and columns', () => {
    const x = '<?xml version="1.0" encoding="UTF-8"?>'
    const bytes = zipSync({
      'xl/workbook.xml': strToU8(
        `${x}<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="7" r:id="rId3"/></sheets></workbook>`,
      ),
      'xl/_rels/workbook.xml.rels': strToU8(
        `${x}<Relationships><Relationship Id="rId3" Type="ws" Target="/xl/worksheets/sheet9.xml"/></Relationships>`,
      ),
      'xl/sharedStrings.xml': strToU8(
        `${x}<sst><si><t>学号</t></si><si><r><t>王</t></r><r><t xml:space="preserve">子涵</t></r><rPh><t>wang</t></rPh></si></sst>`,
      ),
      'xl/worksheets/sheet9.xml': strToU8(
        `${x}<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="b"><v>1</v></c></row><row r="5"><c r="B5" t="s"><v>1</v></c><c r="C5"><v>13812345678</v></c></row></sheetData></worksheet>`,
      ),
    })
    expect(readTable(bytes).rows).toEqual([
      { line: 1, cells: ['学号', '', 'TRUE'] },
      { line: 5, cells: ['', '王子涵', '13812345678'] },
    ])
  })

  it('writes a template of the roster columns, CSV and XLSX alike', () => {
    const xlsx = rosterTemplate('xlsx')
    const csv = rosterTemplate('csv')
    const header = ROSTER_COLUMNS.map((c) => c.zh)
    expect(readTable(xlsx.body as Uint8Array).rows[0]?.cells).toEqual(header)
    expect(readTable(strToU8(csv.body as string)).rows[0]?.cells).toEqual(header)
  })

  it('refuses files that are neither: another zip, a legacy binary, too large', () => {
    expect(refusal(() => readTable(zipSync({ 'a.txt': strToU8('x') }))).message).toMatch(/no workbook/)
    expect(
      refusal(() => readTable(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0xff, 0xfe]))).message,
    ).toMatch(/neither XLSX nor UTF-8/)
    expect(refusal(() => readTable(new Uint8Array(5 * 1024 * 1024))).code).toBe('PAYLOAD_TOO_LARGE')
    expect(refusal(() => readTable(strToU8('a,"b\n'))).details).toMatchObject({ errors: [{ line: 1 }] })
  })
})
