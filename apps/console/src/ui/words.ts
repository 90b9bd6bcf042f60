/** Words for values the server sends that several views show (roles, …), in the page's language. */
import type { Role } from '@rb/domain'
import { t, word, type MessageKey } from '../i18n/index.js'

const ROLE_WORDS: Partial<Record<Role, MessageKey>> = {
  admin: 'admin',
  dispatcher: 'dispatcher',
  operator: 'operator',
  driver: 'driver',
  school: 'school',
}
export const roleLabel = (r: Role): string => {
  const key = ROLE_WORDS[r]
  return key ? t(key) : word(r)
}
