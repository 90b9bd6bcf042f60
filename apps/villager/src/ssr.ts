/**
 * Server side of the page: the server (apps/server/src/routes/villager-page.ts) fills the built
 * index.html with the stop page rendered from the same views the script uses, and the data as
 * JSON, so a phone on weak 3G paints the next buses from the first response. Pure.
 */
import { escapeHtml, scriptJson } from './html.js'
import { t } from './i18n.js'
import type { BootData, Lang } from './model.js'
import { pageContext } from './views/context.js'
import { stopName, stopPage } from './views/stop.js'

export type {
  AheadData,
  BootData,
  CrewView,
  Hotline,
  Lang,
  MarketDayView,
  PlannedDeparture,
  ReminderView,
  RouteInfo,
  StopInfo,
  StopTimetable,
  TripStop,
  TripStopsView,
} from './model.js'
export { isLang } from './i18n.js'

export const PAGE_SLOT = '<!--rb:page-->'
export const BOOT_SLOT = '<!--rb:boot-->'
export const BOOT_ID = 'rb-boot'

export function renderDocument(
  template: string,
  boot: BootData,
  lang: Lang,
  now: number,
  opts: { large?: boolean } = {},
): string {
  pageContext.hotline = boot.ahead?.hotline ?? null
  pageContext.large = opts.large ?? false
  pageContext.canSpeak = false
  const page = stopPage(boot, lang, now, { online: true, updatedTs: boot.ts }).value
  const title = boot.stop
    ? `${stopName(boot.stop, lang)} ${boot.stop.code} · ${t(lang, 'title')}`
    : boot.code
      ? t(lang, 'notFoundTitle', { code: boot.code })
      : t(lang, 'enterCode')
  return template
    .replace(
      /<html lang="[^"]*"/,
      `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"${opts.large ? ' class="large"' : ''}`,
    )
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(title)}</title>`)
    .replace(PAGE_SLOT, () => page)
    .replace(BOOT_SLOT, () => `<script id="${BOOT_ID}" type="application/json">${scriptJson({ boot, lang })}</script>`)
}
