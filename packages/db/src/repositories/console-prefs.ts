/** What the console remembers per account (migration 014): the language it is shown in. */
import type { Queryable } from '../port.js'

export type ConsoleLang = 'zh' | 'en'

export interface ConsolePrefs {
  lang: ConsoleLang | null
}

export async function getPrefs(q: Queryable, userId: number): Promise<ConsolePrefs> {
  const r = await q.query<{ lang: ConsoleLang | null }>('SELECT lang FROM app_user_pref WHERE user_id = $1', [userId])
  return { lang: r.rows[0]?.lang ?? null }
}

export async function setLang(q: Queryable, userId: number, lang: ConsoleLang | null): Promise<void> {
  await q.query(
    `INSERT INTO app_user_pref (user_id, lang, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id) DO UPDATE SET lang = EXCLUDED.lang, updated_at = EXCLUDED.updated_at`,
    [userId, lang],
  )
}
