/**
 * Surveys (docs/engagement.md): staff write one for drivers or for villagers with its opening and
 * closing times; drivers answer from their page (one answer per driver), villagers from a link on
 * the stop page or in an SMS invitation (one answer per phone). The window is checked against the
 * server's clock and a second answer breaks a unique key, so nothing extra is stored on any
 * number of instances. Results are counted from the stored answers, as JSON or CSV.
 */
import { randomBytes } from 'node:crypto'
import {
  AppError,
  answerCell,
  assertOpen,
  cleanAnswers,
  cleanSurvey,
  maskPhone,
  normalizePhone,
  surveyInviteSms,
  surveyPhase,
  tallySurvey,
  toCsv,
  type CsvColumn,
  type SurveyInput,
  type SurveyPhase,
  type SurveyResults,
} from '@rb/domain'
import {
  bookingRepo,
  engagementRepo,
  isUniqueViolation,
  type AnswerChannel,
  type Db,
  type OutgoingMessage,
  type StoredAnswer,
  type StoredSurvey,
} from '@rb/db'
import type { AuditFn } from './notices.js'

export interface SurveyDeps {
  db: Db
  publicUrl: string
  /** Called after texts were written to the outbox. */
  onMessages(): void
  log: { info(obj: object, msg: string): void }
  now?: () => number
}

export interface SurveyView extends StoredSurvey {
  phase: SurveyPhase
}

/** Villagers invited by SMS: the phones that booked a ride in this many days. */
const INVITE_BOOKERS_DAYS = 90
/** At most this many invitations per request (the county's SMS budget; send again for more). */
const INVITE_MAX = 2000
const DAY_MS = 86_400_000

export class SurveyService {
  readonly #d: SurveyDeps
  readonly #now: () => number

  constructor(d: SurveyDeps) {
    this.#d = d
    this.#now = d.now ?? Date.now
  }

  #view(s: StoredSurvey): SurveyView {
    return { ...s, phase: surveyPhase(s, this.#now()) }
  }

  async create(input: SurveyInput, by: string, audit: AuditFn): Promise<SurveyView> {
    const s = cleanSurvey(input)
    const stored = await this.#d.db.transaction(async (tx) => {
      const x = await engagementRepo.insertSurvey(tx, s, by, this.#now())
      await audit(tx, null, x)
      return x
    })
    return this.#view(stored)
  }

  async list(limit: number): Promise<(SurveyView & { responses: number; invited: number })[]> {
    return (await engagementRepo.listSurveys(this.#d.db, limit)).map((s) => ({
      ...s,
      phase: surveyPhase(s, this.#now()),
    }))
  }

  async get(id: number, audience?: StoredSurvey['audience']): Promise<SurveyView> {
    const s = await engagementRepo.getSurvey(this.#d.db, id)
    if (!s || (audience && s.audience !== audience))
      throw new AppError(
        'SURVEY_NOT_FOUND',
        `no ${audience === 'villagers' ? "villagers' " : audience === 'drivers' ? "drivers' " : ''}survey ${id}`,
      )
    return this.#view(s)
  }

  /** Closes it now; a survey already closed is answered unchanged. */
  async close(id: number, audit: AuditFn): Promise<SurveyView> {
    const before = await this.get(id)
    if (before.phase === 'closed') return before
    const after = await this.#d.db.transaction(async (tx) => {
      const x = (await engagementRepo.closeSurvey(tx, id, this.#now())) as StoredSurvey
      await audit(tx, { closesTs: before.closesTs }, { closesTs: x.closesTs })
      return x
    })
    return this.#view(after)
  }

  /** Open surveys of an audience (villagers: for the stop page's link; drivers: with whether this one answered). */
  async open(audience: StoredSurvey['audience']): Promise<SurveyView[]> {
    return (await engagementRepo.openSurveys(this.#d.db, audience, this.#now())).map((s) => this.#view(s))
  }

  async openForDriver(driverId: string): Promise<(SurveyView & { answered: boolean })[]> {
    const open = await this.open('drivers')
    const answered = await engagementRepo.answeredByDriver(
      this.#d.db,
      driverId,
      open.map((s) => s.id),
    )
    return open.map((s) => ({ ...s, answered: answered.has(s.id) }))
  }

  async answerAsDriver(id: number, driverId: string, raw: Record<string, unknown>): Promise<StoredAnswer> {
    return this.#answer(
      await this.get(id, 'drivers'),
      { driverId, phone: null, stopCode: null, channel: 'driver_page' },
      raw,
    )
  }

  /** A villager's answer: the phone typed on the page, or the one the SMS link was sent to. */
  async answerAsVillager(
    id: number,
    who: { phone?: string | undefined; invite?: string | undefined; stopCode?: string | undefined },
    raw: Record<string, unknown>,
  ): Promise<StoredAnswer & { phoneMasked: string }> {
    const survey = await this.get(id, 'villagers')
    let phone: string
    let channel: AnswerChannel = 'stop_page'
    let stopCode = who.stopCode ?? null
    if (who.invite) {
      const inv = await this.invite(id, who.invite)
      phone = inv.phone
      stopCode = inv.stopCode ?? stopCode
      channel = 'sms_link'
    } else if (who.phone) phone = normalizePhone(who.phone)
    else throw new AppError('VALIDATION_FAILED', 'a phone number is needed: one answer per phone', { field: 'phone' })
    const a = await this.#answer(survey, { driverId: null, phone, stopCode, channel }, raw)
    return { ...a, phoneMasked: maskPhone(phone) }
  }

  async invite(surveyId: number, token: string): Promise<engagementRepo.SurveyInvite> {
    const inv = /^sv-[0-9a-f]{24}$/.test(token) ? await engagementRepo.inviteByToken(this.#d.db, token) : null
    if (!inv || inv.surveyId !== surveyId)
      throw new AppError('NOT_FOUND', 'this survey link is not valid; open the survey from the stop page instead', {
        field: 'invite',
      })
    return inv
  }

  /** What the page shows of an invitation: the phone masked, and whether it answered already. */
  async inviteView(surveyId: number, token: string): Promise<{ phoneMasked: string; answered: boolean }> {
    const inv = await this.invite(surveyId, token)
    return {
      phoneMasked: maskPhone(inv.phone),
      answered: await engagementRepo.hasAnswer(this.#d.db, surveyId, { phone: inv.phone }),
    }
  }

  async #answer(
    survey: SurveyView,
    who: { driverId: string | null; phone: string | null; stopCode: string | null; channel: AnswerChannel },
    raw: Record<string, unknown>,
  ): Promise<StoredAnswer> {
    const now = this.#now()
    assertOpen(survey, now)
    const answers = cleanAnswers(survey.questions, raw)
    try {
      return await engagementRepo.insertAnswer(this.#d.db, {
        surveyId: survey.id,
        driverId: who.driverId,
        phone: who.phone,
        answers,
        channel: who.channel,
        stopCode: who.stopCode,
        createdTs: now,
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError(
          'SURVEY_ANSWERED',
          who.driverId
            ? `driver ${who.driverId} has already answered survey ${survey.id}`
            : `this phone has already answered survey ${survey.id}`,
          { field: who.driverId ? 'driver' : 'phone' },
        )
      throw err
    }
  }

  async results(id: number): Promise<{ survey: SurveyView; results: SurveyResults }> {
    const survey = await this.get(id)
    const answers = await engagementRepo.answers(this.#d.db, id)
    return {
      survey,
      results: tallySurvey(
        survey.questions,
        answers.map((a) => a.answers),
      ),
    }
  }

  /** One line per answer: when, who (driver number or masked phone), how, then one column per question. */
  async csv(id: number): Promise<{ survey: SurveyView; csv: string }> {
    const survey = await this.get(id)
    const answers = await engagementRepo.answers(this.#d.db, id)
    const columns: CsvColumn<StoredAnswer>[] = [
      { header: 'answered_at', value: (a) => new Date(a.createdTs).toISOString() },
      { header: 'respondent', value: (a) => a.driverId ?? maskPhone(a.phone ?? '') },
      { header: 'channel', value: (a) => a.channel },
      { header: 'stop_code', value: (a) => a.stopCode },
      ...survey.questions.map((q): CsvColumn<StoredAnswer> => ({
        header: `${q.id} ${q.text}`,
        value: (a) => answerCell(q, a.answers[q.id]),
      })),
    ]
    return { survey, csv: toCsv(columns, [...answers].reverse()) }
  }

  /**
   * SMS invitations to villagers: each phone that booked a ride lately (not yet invited to this
   * survey) gets its own link, which opens the page of the stop it last boarded at with the survey.
   */
  async inviteVillagers(id: number, audit: AuditFn): Promise<{ invited: number }> {
    const survey = await this.get(id, 'villagers')
    const now = this.#now()
    if (survey.phase === 'closed') assertOpen(survey, now)
    const phones = await engagementRepo.recentBookerPhones(this.#d.db, now - INVITE_BOOKERS_DAYS * DAY_MS, INVITE_MAX)
    const invited = await this.#d.db.transaction(async (tx) => {
      const written = await engagementRepo.insertInvites(
        tx,
        phones.map((p) => ({
          token: `sv-${randomBytes(12).toString('hex')}`,
          surveyId: id,
          phone: p.phone,
          stopCode: p.stopCode,
        })),
        now,
      )
      const messages: OutgoingMessage[] = written.map((i) => ({
        kind: 'survey_invite',
        recipient: i.phone,
        recipientRole: 'passenger',
        body: surveyInviteSms(survey, this.link(survey.id, i.stopCode, i.token)),
        bookingId: null,
        tripInstanceId: null,
      }))
      await bookingRepo.enqueueMessages(tx, messages, now)
      await audit(tx, null, { surveyId: id, invited: written.length })
      return written.length
    })
    if (invited > 0) this.#d.onMessages()
    this.#d.log.info({ survey: id, invited }, 'survey: SMS invitations written')
    return { invited }
  }

  /** The survey on the stop page: `/s/<stop>#q/<id>[/<invite>]`. */
  link(surveyId: number, stopCode: string | null, token?: string): string {
    return `${this.#d.publicUrl.replace(/\/$/, '')}/s/${stopCode ?? ''}#q/${surveyId}${token ? `/${token}` : ''}`
  }
}
