import { describe, expect, it } from 'vitest'
import { noticePage, noticesLink, pinned, surveyPage, when, type DriverNotice, type DriverSurvey } from './views.js'

const T0 = Date.parse('2026-12-07T00:30:00Z')
const makeNotice = (over: Partial<DriverNotice> = {}): DriverNotice => ({
  id: 7,
  title: '冬季<防滑>',
  body: '第一段\n第二段',
  link: 'https://example.org/a?x=1&y=2',
  createdByName: '调度',
  createdTs: T0,
  readTs: null,
  ...over,
})
const makeSurvey = (over: Partial<DriverSurvey> = {}): DriverSurvey => ({
  id: 3,
  title: '驾驶员调查',
  intro: null,
  closesTs: T0 + 86_400_000,
  answered: false,
  questions: [
    { id: 'q1', kind: 'single', text: '哪条线', options: ['甲', '乙'], required: true },
    { id: 'q2', kind: 'rating', text: '满意度', options: [], required: true },
    { id: 'q3', kind: 'text', text: '建议', options: [], required: false },
  ],
  ...over,
})

describe('notices on the driver page', () => {
  it('badges the unread count and pins unread notices and unanswered surveys, escaped', () => {
    expect(noticesLink('zh', 0)).not.toContain('unread-badge')
    expect(noticesLink('zh', 2)).toContain('data-unread="2"')
    const html = pinned(
      'zh',
      [makeNotice(), makeNotice({ id: 8, readTs: T0 })],
      [makeSurvey(), makeSurvey({ id: 4, answered: true })],
    )
    expect(html).toContain('data-notice="7"')
    expect(html).not.toContain('data-notice="8"')
    expect(html).toContain('data-survey="3"')
    expect(html).not.toContain('data-survey="4"')
    expect(html).toContain('冬季&lt;防滑&gt;')
    expect(pinned('zh', [makeNotice({ readTs: T0 })], [])).toBe('')
  })

  it('shows a notice whole, its paragraphs, its link and when it was read (China time)', () => {
    expect(when(T0)).toBe('12-07 08:30')
    const html = noticePage('en', makeNotice({ readTs: T0 + 60_000 }))
    expect(html).toContain('<p>第一段</p><p>第二段</p>')
    expect(html).toContain('href="https://example.org/a?x=1&amp;y=2"')
    expect(html).toContain('Read 12-07 08:31')
  })

  it('draws a survey form with one input per question, and what happened after sending', () => {
    const form = surveyPage('zh', makeSurvey(), {
      busy: false,
      error: '请回答这一题',
      errorField: 'answers/q2',
      done: false,
    })
    expect(form.match(/type="radio" name="q1"/g)).toHaveLength(2)
    expect(form.match(/type="radio" name="q2"/g)).toHaveLength(5)
    expect(form).toContain('<textarea name="q3"')
    expect(form).toMatch(/data-question="q2">[\s\S]*请回答这一题/)
    expect(surveyPage('zh', makeSurvey(), { busy: false, error: null, errorField: null, done: true })).toContain(
      '已提交',
    )
    expect(
      surveyPage('zh', makeSurvey({ answered: true }), { busy: false, error: null, errorField: null, done: false }),
    ).toContain('已经填写过')
  })
})
