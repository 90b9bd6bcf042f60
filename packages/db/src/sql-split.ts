/**
 * Splits a SQL script into statements on top-level semicolons, respecting quotes, dollar-quoted
 * bodies and comments. Needed because the port's `query` runs one statement at a time.
 */
export function splitSqlStatements(script: string): string[] {
  const out: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  while (i < n) {
    const c = script[i]
    const next = script[i + 1]
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (c === "'" || c === '"') {
      let j = i + 1
      while (j < n) {
        if (script[j] === c) {
          if (script[j + 1] === c)
            j += 2 // doubled quote escapes itself
          else break
        } else j++
      }
      i = j + 1
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length)
        i = end === -1 ? n : end + tag[0].length
      } else i++
    } else if (c === ';') {
      out.push(script.slice(start, i))
      start = i + 1
      i++
    } else i++
  }
  out.push(script.slice(start))
  return out.map((s) => s.trim()).filter((s) => s.replace(/--[^\n]*\n?/g, '').trim().length > 0)
}
