import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import { cleanNotice, reminderDue, terminalText } from './notices.js'
import {
  answerCell,
  assertOpen,
  cleanAnswers,
  cleanSurvey,
  surveyPhase,
  tallySurvey,
  type SurveyInput,
} from './surveys.js'

const T0 = Date.parse('2026-12-07T01:00:00Z')
const H = 3_600_000

const makeSurvey = (over: Partial<SurveyInput> = {}): SurveyInput => ({
  title: '班车满意度',
  audience: 'villagers',
  opensTs: T0,
  closesTs: T0 + 24 * H,
  questions: [
    { kind: 'single', text: '您多久坐一次班车？', options: ['每天', '每周', '很少'] },
    { kind: 'multiple', text: '您希望改进什么？', options: ['班次', '准点', '票价'], required: false },
    { kind: 'rating', text: '总体满意度' },
    { kind: 'text', text: '还有什么建议？', required: false },
  ],
  ...over,
})

describe('notices', () => {
  it('cleans a notice and checks its audience, link and reminder hours', () => {
    const n = cleanNotice({
      title: ' 冬季防滑 ',
      body: '山路结冰，请减速慢行。',
      link: 'https://example.org/a',
      audience: 'drivers',
      driverIds: ['XY-D001', 'XY-D001', ' XY-D002 '],
      remindAfterH: 4,
    })
    expect(n).toEqual({
      title: '冬季防滑',
      body: '山路结冰，请减速慢行。',
      link: 'https://example.org/a',
      audience: 'drivers',
      operatorId: null,
      driverIds: ['XY-D001', 'XY-D002'],
      remindAfterH: 4,
    })
    expect(refusal(() => cleanNotice({ title: 'x', body: 'y', audience: 'drivers', driverIds: [] }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'driverIds' },
    })
    expect(refusal(() => cleanNotice({ title: 'x', body: 'y', audience: 'operator' }))).toMatchObject({
      details: { field: 'operatorId' },
    })
    expect(
      refusal(() => cleanNotice({ title: 'x', body: 'y', audience: 'all', link: 'javascript:alert(1)' })),
    ).toMatchObject({ details: { field: 'link' } })
    expect(refusal(() => cleanNotice({ title: 'x', body: 'y', audience: 'all', remindAfterH: 0 }))).toMatchObject({
      details: { field: 'remindAfterH' },
    })
    expect(refusal(() => cleanNotice({ title: '', body: 'y', audience: 'all' }))).toMatchObject({
      details: { field: 'title' },
    })
    expect(cleanNotice({ title: 'x', body: 'y', audience: 'all', link: '/s/XY-0001' }).link).toBe('/s/XY-0001')
  })

  it('shortens the terminal text to the screen, whole when it fits', () => {
    expect(terminalText({ title: '通知', body: '明天停运' })).toBe('【通知】通知：明天停运')
    const long = terminalText({ title: '冬季行车安全', body: '山路结冰'.repeat(30) }, { maxChars: 20 })
    expect([...long]).toHaveLength(20)
    expect(long.endsWith('…')).toBe(true)
    expect(terminalText({ title: 'a', body: 'b\n\nc' }, { reminder: true })).toBe('【通知提醒】a：b c')
  })

  it('is due its reminder once the hours have passed, never without hours', () => {
    expect(reminderDue({ createdTs: T0, remindAfterH: 2 }, T0 + 2 * H - 1)).toBe(false)
    expect(reminderDue({ createdTs: T0, remindAfterH: 2 }, T0 + 2 * H)).toBe(true)
    expect(reminderDue({ createdTs: T0, remindAfterH: null }, T0 + 1000 * H)).toBe(false)
  })
})

describe('surveys', () => {
  it('numbers the questions and refuses a bad definition', () => {
    const s = cleanSurvey(makeSurvey())
    expect(s.questions.map((q) => [q.id, q.kind, q.required])).toEqual([
      ['q1', 'single', true],
      ['q2', 'multiple', false],
      ['q3', 'rating', true],
      ['q4', 'text', false],
    ])
    expect(refusal(() => cleanSurvey(makeSurvey({ closesTs: T0 })))).toMatchObject({ details: { field: 'closesAt' } })
    expect(
      refusal(() => cleanSurvey(makeSurvey({ questions: [{ kind: 'single', text: 'a', options: ['x'] }] }))),
    ).toMatchObject({ details: { field: 'questions/0/options' } })
    expect(
      refusal(() => cleanSurvey(makeSurvey({ questions: [{ kind: 'rating', text: 'a', options: ['x', 'y'] }] }))),
    ).toMatchObject({ details: { field: 'questions/0/options' } })
    expect(refusal(() => cleanSurvey(makeSurvey({ questions: [] })))).toMatchObject({ details: { field: 'questions' } })
  })

  it('takes answers only in the window, with a code for each side', () => {
    const s = { id: 7, opensTs: T0, closesTs: T0 + H }
    expect(surveyPhase(s, T0 - 1)).toBe('upcoming')
    expect(surveyPhase(s, T0)).toBe('open')
    expect(surveyPhase(s, T0 + H)).toBe('closed')
    expect(refusal(() => assertOpen(s, T0 - 1))).toMatchObject({ code: 'SURVEY_NOT_OPEN', status: 409 })
    expect(refusal(() => assertOpen(s, T0 + H))).toMatchObject({ code: 'SURVEY_CLOSED', status: 409 })
    expect(() => assertOpen(s, T0 + H - 1)).not.toThrow()
  })

  it('checks each answer against its question', () => {
    const qs = cleanSurvey(makeSurvey()).questions
    expect(cleanAnswers(qs, { q1: 0, q2: [2, 0, 2], q3: 5, q4: '  多开早班  ' })).toEqual({
      q1: 0,
      q2: [0, 2],
      q3: 5,
      q4: '多开早班',
    })
    expect(cleanAnswers(qs, { q1: 2, q3: 1, q4: '' })).toEqual({ q1: 2, q3: 1 })
    expect(refusal(() => cleanAnswers(qs, { q3: 4 }))).toMatchObject({ details: { field: 'answers/q1' } })
    expect(refusal(() => cleanAnswers(qs, { q1: 3, q3: 4 }))).toMatchObject({ details: { field: 'answers/q1' } })
    expect(refusal(() => cleanAnswers(qs, { q1: 0, q3: 6 }))).toMatchObject({ details: { field: 'answers/q3' } })
    expect(refusal(() => cleanAnswers(qs, { q1: 0, q3: 3, q2: 1 }))).toMatchObject({ details: { field: 'answers/q2' } })
    expect(refusal(() => cleanAnswers(qs, { q1: 0, q3: 3, q9: 1 }))).toMatchObject({ details: { field: 'answers/q9' } })
  })

  it('counts the results and writes cells', () => {
    const qs = cleanSurvey(makeSurvey()).questions
    const r = tallySurvey(qs, [
      { q1: 0, q2: [0, 2], q3: 5, q4: '好' },
      { q1: 0, q3: 4 },
      { q1: 2, q2: [2], q3: 2 },
    ])
    expect(r.responses).toBe(3)
    expect(r.questions[0]).toMatchObject({ answered: 3, counts: [2, 0, 1], labels: ['每天', '每周', '很少'] })
    expect(r.questions[1]).toMatchObject({ answered: 2, counts: [1, 0, 2] })
    expect(r.questions[2]).toMatchObject({ counts: [0, 1, 0, 1, 1], average: 3.67 })
    expect(r.questions[3]).toMatchObject({ answered: 1, texts: ['好'] })
    expect(answerCell(qs[1]!, [0, 2])).toBe('班次; 票价')
    expect(answerCell(qs[0]!, 1)).toBe('每周')
    expect(answerCell(qs[3]!, undefined)).toBeNull()
  })
})
