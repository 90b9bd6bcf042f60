import { describe, expect, it } from 'vitest'
import { CsvSyntaxError, parseCsv, writeCsv } from './csv.js'

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
    expect(fields('\uFEFFa,b\nc,d\r\ne,f\rg,h')).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f'], ['g', 'h']])
  })

  it('keeps empty fields, a trailing empty field and skips blank lines', () => {
    expect(fields('a,,c\n\n,\nx,\n')).toEqual([['a', '', 'c'], ['', ''], ['x', '']])
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
    const rows = [['id', 'name'], ['XY-0004', '江门场, "老街"'], ['XY-0005', 'two\nlines'], ['XY-0006', ' spaced ']]
    const text = writeCsv(rows)
    expect(text).toBe('id,name\r\nXY-0004,"江门场, ""老街"""\r\nXY-0005,"two\nlines"\r\nXY-0006, spaced \r\n')
    expect(fields(text)).toEqual(rows)
  })
})
