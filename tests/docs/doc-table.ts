/**
 * Reading the tables of docs/*.md, for the tests that keep documents and code in step: the rows
 * of the first table under a heading (or of the file), as trimmed cells.
 */
import { readFileSync } from 'node:fs'

export function readDoc(name: string): string {
  return readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')
}

/** The rows of the table whose header row starts with `firstHeader` (header and rule rows left out). */
export function tableRows(markdown: string, firstHeader: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => l.startsWith('|') && cells(l)[0] === firstHeader)
  if (start < 0) throw new Error(`no table with a "${firstHeader}" column`)
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(cells(line))
  }
  return rows
}

function cells(line: string): string[] {
  // Split on pipes outside backticks (a cell may show `a|b`).
  const out: string[] = []
  let cell = ''
  let code = false
  for (const ch of line.trim().slice(1, -1)) {
    if (ch === '`') code = !code
    if (ch === '|' && !code) {
      out.push(cell.trim())
      cell = ''
    } else cell += ch
  }
  out.push(cell.trim())
  return out
}

/** The names in backticks of a cell, in order. */
export function codesIn(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)
}
