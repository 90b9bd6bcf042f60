/**
 * A calendar's rule in words, for people: "农历每月逢一、四、七", "周一至周五，寒暑假除外" — in
 * Chinese or English. Pure; the console shows it in the calendar list and editor.
 */
import type { CalendarJson, CalendarRule } from './calendar.js'
import type { DateRange } from './school-term.js'

export type WordsLang = 'zh' | 'en'

const ZH_DIGIT = ['十', '一', '二', '三', '四', '五', '六', '七', '八', '九']
const ZH_WEEKDAY = ['', '一', '二', '三', '四', '五', '六', '日']
const EN_WEEKDAY = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** Runs of consecutive weekdays: [1,2,3,4,5] → "周一至周五", [2,4,6] → "周二、四、六". */
function weekdaysWords(days: readonly number[], lang: WordsLang): string {
  const d = [...new Set(days)].sort((a, b) => a - b)
  if (d.length === 7) return lang === 'zh' ? '每天' : 'every day'
  if (d.length === 0) return lang === 'zh' ? '无' : 'no day'
  const consecutive = d.length >= 3 && d.every((x, i) => i === 0 || x === d[i - 1]! + 1)
  if (lang === 'zh') {
    if (consecutive) return `周${ZH_WEEKDAY[d[0]!]}至周${ZH_WEEKDAY[d.at(-1)!]}`
    if (d.join() === '6,7') return '周末'
    return `周${d.map((x) => ZH_WEEKDAY[x]).join('、')}`
  }
  if (consecutive) return `${EN_WEEKDAY[d[0]!]}–${EN_WEEKDAY[d.at(-1)!]}`
  if (d.join() === '6,7') return 'weekends'
  return d.map((x) => EN_WEEKDAY[x]).join(', ')
}

function digitsWords(digits: readonly number[], lang: WordsLang): string {
  const d = [...digits].sort((a, b) => (a === 0 ? 10 : a) - (b === 0 ? 10 : b))
  if (lang === 'zh') return `逢${d.map((x) => ZH_DIGIT[x]).join('、')}`
  return `days ending in ${d.map((x) => (x === 0 ? '0' : String(x))).join(', ')}`
}

const range = (r: DateRange<string>, lang: WordsLang): string =>
  r.start === r.end ? r.start : lang === 'zh' ? `${r.start} 至 ${r.end}` : `${r.start} to ${r.end}`

function ruleWords(rule: CalendarRule<string>, lang: WordsLang): string {
  const zh = lang === 'zh'
  switch (rule.kind) {
    case 'weekdays':
      return weekdaysWords(rule.weekdays, lang)
    case 'dateRange':
      return range(rule, lang)
    case 'marketDays':
      return zh
        ? `${rule.calendar === 'lunar' ? '农历' : '公历'}每月${digitsWords(rule.digits, lang)}`
        : `${rule.calendar === 'lunar' ? 'lunar' : 'Gregorian'} ${digitsWords(rule.digits, lang)}`
    case 'dayCycle':
      return zh
        ? `每 ${rule.periodDays} 天一次（${rule.anchor} 起算）`
        : `every ${rule.periodDays} days (counted from ${rule.anchor})`
    case 'schoolDays': {
      const terms = rule.terms.map((t) => (t.label ? t.label : range(t, lang)))
      return zh
        ? `学期内周一至周五，寒暑假和法定假日除外${rule.makeUpWorkdays.length ? '，调休上课日照常' : ''}（${terms.join('、') || '未设学期'}）`
        : `Mon–Fri in term, not in school breaks or public holidays${rule.makeUpWorkdays.length ? ', make-up school days included' : ''} (${terms.join('; ') || 'no term set'})`
    }
    case 'all':
      return rule.rules.length === 0
        ? zh
          ? '每天'
          : 'every day'
        : rule.rules.map((r) => ruleWords(r, lang)).join(zh ? '，且' : ', and ')
    case 'any':
      return rule.rules.length === 0
        ? zh
          ? '只在加开日'
          : 'only on added dates'
        : rule.rules.map((r) => ruleWords(r, lang)).join(zh ? '，或' : ', or ')
    case 'not':
      return zh ? `除${ruleWords(rule.rule, lang)}以外` : `except ${ruleWords(rule.rule, lang)}`
  }
}

/** The whole calendar in one sentence: its rule, then how many dates were added and removed by hand. */
export function calendarWords(c: CalendarJson, lang: WordsLang = 'zh'): string {
  const parts = [ruleWords(c.rule, lang)]
  if (lang === 'zh') {
    if (c.added.length) parts.push(`另加开 ${c.added.length} 天`)
    if (c.removed.length) parts.push(`停开 ${c.removed.length} 天`)
    return parts.join('；')
  }
  if (c.added.length) parts.push(`plus ${c.added.length} added ${c.added.length === 1 ? 'day' : 'days'}`)
  if (c.removed.length) parts.push(`${c.removed.length} ${c.removed.length === 1 ? 'day' : 'days'} removed`)
  return parts.join('; ')
}
