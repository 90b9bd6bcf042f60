import { describe, expect, it } from 'vitest'
import { CsvSyntaxError, csvField, parseCsv, toCsv, unguardFormula, writeCsv } from './index.js'

const fields = (text: string) => parseCsv(text).map((r) => r.fields)

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'id,name\r\n1,"Stagecoach, ""Hotel""\r\nCasino"\r\n2,plain\r\n'
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Stagecoach, "Hotel"\nCasino'] },
      { line: 4, fields: ['2', 'plain'] },
    ])
  })

  it('drops a byte order mark at the start and accepts LF, CRLF and lone CR', () => {
    expect(fields('\uFEFFa,b\nc,d\r\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ])
  })

  it('keeps empty fields, a trailing empty field and skips blank lines', () => {
    expect(fields('a,,c\n\n,\nx,\n')).toEqual([
      ['a', '', 'c'],
      ['', ''],
      ['x', ''],
    ])
    expect(fields('')).toEqual([])
  })

  it('reads a quoted empty field and a quote inside an unquoted field as text', () => {
    expect(fields('"",5" sign\n')).toEqual([['', '5" sign']])
  })

  it('names the line where an unclosed quote opened', () => {
    const error = (() => {
      try {
        parseCsv('a\nb\n"c,d\ne\n')
      } catch (err) {
        return err
      }
    })()
    expect(error).toBeInstanceOf(CsvSyntaxError)
    expect(error).toMatchObject({ line: 3 })
  })
})

describe('writeCsv', () => {
  it('quotes only what needs it and reads back the same', () => {
    const rows = [
      ['id', 'name'],
      ['XY-0004', '江门场, "老街"'],
      ['XY-0005', 'two\nlines'],
      ['XY-0006', ' spaced '],
    ]
    const text = writeCsv(rows)
    expect(text).toBe('id,name\r\nXY-0004,"江门场, ""老街"""\r\nXY-0005,"two\nlines"\r\nXY-0006," spaced "\r\n')
    expect(fields(text)).toEqual(rows)
  })
})

describe('spreadsheet CSV', () => {
  it('quotes commas, quotes, line breaks and edge spaces; doubles quotes', () => {
    expect(csvField('赶场1路')).toBe('赶场1路')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(' pad')).toBe('" pad"')
    expect(csvField(null)).toBe('')
    expect(csvField(-1.5)).toBe('-1.5')
    expect(csvField(Number.NaN)).toBe('')
    expect(csvField(true)).toBe('true')
  })
  it('defuses formulas in text fields', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvField('-3')).toBe("'-3")
    expect(csvField('@x')).toBe("'@x")
    expect(csvField('-105.4', {})).toBe('-105.4')
    expect(writeCsv([['=1', '-2']])).toBe('=1,-2\r\n')
    expect(['=SUM(A1)', '-3', '@x', "'quoted"].map((v) => unguardFormula(csvField(v)))).toEqual([
      '=SUM(A1)',
      '-3',
      '@x',
      "'quoted",
    ])
  })
  it('a file: BOM, header, CRLF after every line', () => {
    const cols = [
      { header: 'name', value: (r: { n: string; v: number | null }) => r.n },
      { header: 'value', value: (r: { n: string; v: number | null }) => r.v },
    ]
    expect(
      toCsv(cols, [
        { n: '石坝, 村', v: 1 },
        { n: 'x', v: null },
      ]),
    ).toBe('\uFEFFname,value\r\n"石坝, 村",1\r\nx,\r\n')
    expect(toCsv(cols, [])).toBe('\uFEFFname,value\r\n')
  })
})
