/**
 * Markup as strings, so the server renders the same page the script does (first paint in one
 * request on weak 3G). Interpolated values are escaped unless they are `Html` made by `html`.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string)

type Part = Html | string | number | null | undefined | false | readonly Part[]

function part(v: Part): string {
  if (v === null || v === undefined || v === false) return ''
  if (v instanceof Html) return v.value
  if (Array.isArray(v)) return (v as readonly Part[]).map(part).join('')
  return escapeHtml(String(v))
}

/** `html\`<b>${name}</b>\`` — `name` is escaped; nested `html` and arrays of it are not. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '')
  return new Html(out)
}

/** JSON safe inside a <script> element. */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
