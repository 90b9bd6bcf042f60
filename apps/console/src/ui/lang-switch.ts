/**
 * The language switch: Chinese by default, English on request. Signed in, the choice is saved on
 * the account (`PUT /api/me/preferences`) and the page reloads in it; before sign-in it is kept
 * on this browser only. The button names the other language in its own words.
 */
import { api } from '../api.js'
import { lang, LANG_NAMES, useLang, type Lang } from '../i18n/index.js'
import { h } from './dom.js'

export interface Preferences {
  lang: Lang | null
}

/** The account's saved language, if it chose one (else the browser's last, else Chinese). */
export async function loadPreferences(): Promise<void> {
  const p = await api.get<Preferences>('/api/me/preferences')
  if (p.lang) useLang(p.lang)
}

/** `rerender` redraws the page in the new language (the sign-in page); without it the account keeps the choice and the page reloads. */
export function langSwitch(rerender?: () => void): HTMLButtonElement {
  const other: Lang = lang() === 'zh' ? 'en' : 'zh'
  const b = h(
    'button',
    { type: 'button', class: 'quiet lang-switch', lang: other === 'zh' ? 'zh-CN' : 'en', dataset: { lang: other } },
    LANG_NAMES[other],
  )
  b.addEventListener('click', () => {
    useLang(other)
    if (rerender) return rerender()
    b.disabled = true
    void api.put('/api/me/preferences', { lang: other }).finally(() => location.reload())
  })
  return b
}
