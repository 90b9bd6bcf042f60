/**
 * Surveys (docs/engagement.md): questions of four kinds, their answers checked against them, the
 * open window, and the results counted. Pure: times are parameters.
 */
import { cleanText } from '../alerts/notes.js'
import { AppError } from '../errors.js'

export type QuestionKind = 'single' | 'multiple' | 'rating' | 'text'
export const QUESTION_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'rating', 'text']
export type SurveyAudience = 'drivers' | 'villagers'

export interface SurveyQuestion {
  /** `q1`, `q2`, … in order. */
  id: string
  kind: QuestionKind
  text: string
  /** The choices of single and multiple choice questions (2–10). */
  options: string[]
  required: boolean
}

/** A question's answer: an option index (single), option indexes (multiple), 1–5 (rating), text. */
export type AnswerValue = number | number[] | string
export type SurveyAnswers = Record<string, AnswerValue>

export const SURVEY_TITLE_MAX_CHARS = 80
export const SURVEY_INTRO_MAX_CHARS = 500
export const QUESTION_MAX_CHARS = 200
export const OPTION_MAX_CHARS = 60
export const TEXT_ANSWER_MAX_CHARS = 500
export const MAX_QUESTIONS = 20
export const MAX_OPTIONS = 10

export interface SurveyInput {
  title: string
  intro?: string | null | undefined
  audience: SurveyAudience
  opensTs: number
  closesTs: number
  questions: readonly {
    kind: QuestionKind
    text: string
    options?: readonly string[] | undefined
    required?: boolean | undefined
  }[]
}

export interface CleanSurvey {
  title: string
  intro: string | null
  audience: SurveyAudience
  opensTs: number
  closesTs: number
  questions: SurveyQuestion[]
}

const bad = (field: string, message: string): AppError => new AppError('VALIDATION_FAILED', message, { field })

export function cleanSurvey(input: SurveyInput): CleanSurvey {
  const title = cleanText(input.title, { field: 'title', maxChars: SURVEY_TITLE_MAX_CHARS, required: true }) as string
  const intro = cleanText(input.intro ?? null, { field: 'intro', maxChars: SURVEY_INTRO_MAX_CHARS, required: false })
  if (!(input.opensTs < input.closesTs)) throw bad('closesAt', 'closesAt must be after opensAt')
  if (input.questions.length === 0) throw bad('questions', 'a survey needs at least one question')
  if (input.questions.length > MAX_QUESTIONS)
    throw bad('questions', `a survey holds at most ${MAX_QUESTIONS} questions`)
  const questions = input.questions.map((q, i): SurveyQuestion => {
    const at = `questions/${i}`
    if (!QUESTION_KINDS.includes(q.kind)) throw bad(`${at}/kind`, 'kind must be single, multiple, rating or text')
    const text = cleanText(q.text, { field: `${at}/text`, maxChars: QUESTION_MAX_CHARS, required: true }) as string
    const choice = q.kind === 'single' || q.kind === 'multiple'
    const options = choice
      ? (q.options ?? []).map(
          (o, j) => cleanText(o, { field: `${at}/options/${j}`, maxChars: OPTION_MAX_CHARS, required: true }) as string,
        )
      : []
    if (choice && (options.length < 2 || options.length > MAX_OPTIONS))
      throw bad(`${at}/options`, `a choice question needs 2–${MAX_OPTIONS} options`)
    if (new Set(options).size !== options.length) throw bad(`${at}/options`, 'options must differ from each other')
    if (!choice && (q.options ?? []).length > 0) throw bad(`${at}/options`, `a ${q.kind} question has no options`)
    return { id: `q${i + 1}`, kind: q.kind, text, options, required: q.required ?? true }
  })
  return { title, intro, audience: input.audience, opensTs: input.opensTs, closesTs: input.closesTs, questions }
}

export type SurveyPhase = 'upcoming' | 'open' | 'closed'

export function surveyPhase(s: { opensTs: number; closesTs: number }, now: number): SurveyPhase {
  return now < s.opensTs ? 'upcoming' : now >= s.closesTs ? 'closed' : 'open'
}

/** Refuses an answer outside the survey's window, with the code the person is shown. */
export function assertOpen(s: { id: number; opensTs: number; closesTs: number }, now: number): void {
  const phase = surveyPhase(s, now)
  if (phase === 'upcoming')
    throw new AppError('SURVEY_NOT_OPEN', `survey ${s.id} opens at ${new Date(s.opensTs).toISOString()}`, {
      opensAt: new Date(s.opensTs).toISOString(),
    })
  if (phase === 'closed')
    throw new AppError(
      'SURVEY_CLOSED',
      `survey ${s.id} closed at ${new Date(s.closesTs).toISOString()}; answers are no longer taken`,
      { closesAt: new Date(s.closesTs).toISOString() },
    )
}

/** The answers as stored: every key a question, every value of its kind, every required question answered. */
export function cleanAnswers(questions: readonly SurveyQuestion[], raw: Record<string, unknown>): SurveyAnswers {
  const known = new Set(questions.map((q) => q.id))
  const stray = Object.keys(raw).find((k) => !known.has(k))
  if (stray !== undefined) throw bad(`answers/${stray.slice(0, 20)}`, `there is no question ${stray.slice(0, 20)}`)
  const out: SurveyAnswers = {}
  for (const q of questions) {
    const field = `answers/${q.id}`
    const v = raw[q.id]
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
    if (empty) {
      if (q.required) throw bad(field, `question ${q.id.slice(1)} needs an answer`)
      continue
    }
    const index = (x: unknown): number => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= q.options.length)
        throw bad(field, `choose one of the ${q.options.length} options (0–${q.options.length - 1})`)
      return x
    }
    if (q.kind === 'single') out[q.id] = index(v)
    else if (q.kind === 'multiple') {
      if (!Array.isArray(v)) throw bad(field, 'a multiple-choice answer is a list of option numbers')
      const picked = [...new Set(v.map(index))].sort((a, b) => a - b)
      out[q.id] = picked
    } else if (q.kind === 'rating') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5)
        throw bad(field, 'a rating is a whole number from 1 to 5')
      out[q.id] = v
    } else {
      if (typeof v !== 'string') throw bad(field, 'a free-text answer is text')
      const text = cleanText(v, { field, maxChars: TEXT_ANSWER_MAX_CHARS, required: false })
      if (text === null) {
        if (q.required) throw bad(field, `question ${q.id.slice(1)} needs an answer`)
        continue
      }
      out[q.id] = text
    }
  }
  return out
}

export interface QuestionResult {
  id: string
  kind: QuestionKind
  text: string
  /** How many answered this question. */
  answered: number
  /** Single and multiple choice: one count per option; rating: counts of 1…5. */
  counts: number[]
  /** The options (choice) or '1'…'5' (rating); empty for text. */
  labels: string[]
  /** Rating: the mean of the answers given; null otherwise or without answers. */
  average: number | null
  /** Text: the answers, newest first (at most `textLimit`). */
  texts: string[]
}

export interface SurveyResults {
  responses: number
  questions: QuestionResult[]
}

/** Counts every answer; `answers` newest first. */
export function tallySurvey(
  questions: readonly SurveyQuestion[],
  answers: readonly SurveyAnswers[],
  textLimit = 50,
): SurveyResults {
  return {
    responses: answers.length,
    questions: questions.map((q) => {
      const given = answers.map((a) => a[q.id]).filter((v): v is AnswerValue => v !== undefined)
      const rating = q.kind === 'rating'
      const labels = rating ? ['1', '2', '3', '4', '5'] : q.options
      const counts = labels.map(() => 0)
      for (const v of given) {
        if (q.kind === 'single' && typeof v === 'number') counts[v] = (counts[v] ?? 0) + 1
        if (q.kind === 'multiple' && Array.isArray(v)) for (const i of v) counts[i] = (counts[i] ?? 0) + 1
        if (rating && typeof v === 'number') counts[v - 1] = (counts[v - 1] ?? 0) + 1
      }
      const ratings = rating ? given.filter((v): v is number => typeof v === 'number') : []
      const average =
        ratings.length > 0 ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null
      const texts = q.kind === 'text' ? given.filter((v): v is string => typeof v === 'string').slice(0, textLimit) : []
      return { id: q.id, kind: q.kind, text: q.text, answered: given.length, counts, labels, average, texts }
    }),
  }
}

/** One answer as a spreadsheet cell: the option's words (several joined by '; '), the rating, the text. */
export function answerCell(q: SurveyQuestion, v: AnswerValue | undefined): string | number | null {
  if (v === undefined) return null
  if (q.kind === 'single' && typeof v === 'number') return q.options[v] ?? null
  if (q.kind === 'multiple' && Array.isArray(v)) return v.map((i) => q.options[i] ?? '').join('; ')
  return v as string | number
}

/** The SMS inviting a villager to a survey: the title and the link. */
export function surveyInviteSms(s: { title: string }, link: string): string {
  return `【乡村公交】邀请您参加问卷"${s.title}"，几分钟就好：${link}`
}
