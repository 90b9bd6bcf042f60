/**
 * The console's words: one catalogue, Chinese (the default) and English. Every label, status,
 * error and report heading is written in English in the code, `t('Trip board')`, and the
 * catalogue (zh.ts) gives its Chinese; the key type is the catalogue's, so a label without its
 * Chinese does not compile. `{n}`-style slots are filled from `vars`. The language is chosen once
 * per page (the account's choice, read at start); switching saves it on the account and reloads
 * the page, so no label keeps the other language.
 */
import { ZH } from './zh.js'

export type MessageKey = keyof typeof ZH

export type Lang = 'zh' | 'en'
export const LANGS: readonly Lang[] = ['zh', 'en']
export const isLang = (v: unknown): v is Lang => v === 'zh' || v === 'en'

const STORE_KEY = 'rb.console.lang'

/** Before sign-in the last language used on this browser; after, the account's. */
let current: Lang = initialLang()

function initialLang(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(STORE_KEY)
    return isLang(v) ? v : 'zh'
  } catch {
    return 'zh'
  }
}

export function lang(): Lang {
  return current
}

/** Sets the language of the words `t` gives from now on (the page re-renders itself). */
export function useLang(next: Lang): void {
  current = next
  try {
    globalThis.localStorage?.setItem(STORE_KEY, next)
  } catch {
    // private mode: the account still remembers it
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}, in_: Lang = current): string {
  let s: string = in_ === 'zh' ? (ZH[key] ?? key) : key
  // English counts: "1 trips" → "1 trip".
  if (in_ === 'en' && vars.n === 1) s = s.replace(/\{n\} (\w+?)s\b/, '{n} $1')
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))
}

/** Whether the catalogue has `key` (for words that come from the server, e.g. error codes). */
export function has(key: string): key is MessageKey {
  return key in ZH
}

/** A message for a server error code the console knows, else the server's own words. */
export function errorText(code: string, fallback: string): string {
  const key = `error ${code}`
  return has(key) ? t(key) : fallback
}

/** A word the server sends (a status, a kind) in the page's language, when the catalogue has it. */
export function word(value: string): string {
  const key = value.replaceAll('_', ' ')
  return has(key) ? t(key) : key
}

/** Each language named in itself: the switch offers the other one in its own words. */
export const LANG_NAMES: Record<Lang, string> = { zh: '中文', en: 'English' }
