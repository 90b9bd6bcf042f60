/**
 * Student buses over HTTP. Schools (role `school`, their own school only) and dispatchers read
 * rosters, import them, see today's runs live, the absentees and the term report; operators set
 * schools up; the driver of a run lists its pupils, sends taps and confirms the bus empty. Every
 * read of pupil data by staff is audited. Thin: rosters.ts and runs.ts decide.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import {
  AppError,
  pupilCells,
  ROSTER_COLUMNS,
  roleAllows,
  serviceDate,
  serviceDayOf,
  STAFF_ROLES,
  type Pupil,
  type Role,
  type School,
  type SessionUser,
} from '@rb/domain'
import { audit, userOf } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'
import type { StudentModule } from './index.js'
import { ROSTER_MAX_BYTES, rosterTemplate, XLSX_TYPE } from './spreadsheet.js'

const SCHOOL_READERS: readonly Role[] = ['school', 'dispatcher', 'operator']
const SETUP: readonly Role[] = ['operator']
const ADMIN: readonly Role[] = ['admin']
const CREW: readonly Role[] = ['driver', 'dispatcher', 'operator']

const SchoolIdParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) })
const PupilParam = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  pupilId: Type.Integer({ minimum: 1 }),
})
const RunParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,120}$' }) })
const DateQuery = Type.Object({ date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) })
const Cells = Type.Object(
  Object.fromEntries(ROSTER_COLUMNS.map((c) => [c.key, Type.Optional(Type.String({ maxLength: 200 }))])),
)
const Mark = Type.Object({
  opId: Type.String({ maxLength: 64 }),
  pupilId: Type.Union([Type.Null(), Type.Integer({ minimum: 1 })]),
  extraKey: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
  extraName: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 200 })])),
  status: Type.String({ maxLength: 20 }),
  stopCode: Type.Union([Type.Null(), Type.String({ maxLength: 40 })]),
  ts: Type.Number({ minimum: 0 }),
  reason: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 400 })])),
})
const SchoolBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  stopCode: Type.Union([Type.Null(), Type.String({ maxLength: 40 })]),
  classesStart: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, local time' }),
  termStart: Type.String({ format: 'date' }),
  termEnd: Type.String({ format: 'date' }),
  routes: Type.Array(
    Type.Object({
      routeId: Type.String({ maxLength: 40 }),
      toSchoolDirection: Type.Union([Type.Literal(0), Type.Literal(1)]),
    }),
    { maxItems: 50 },
  ),
})

const hhmm = (s: number): string =>
  `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`
const schoolView = (s: School) => ({ ...s, classesStart: hhmm(s.classesStartS) })
const pupilView = (p: Pupil) => ({ ...p, cells: pupilCells(p) })

/** Same reader, same school, same read within this: one audit row (a live view polls). */
const LIVE_AUDIT_EVERY_MS = 5 * 60_000

export const studentRoutes: FastifyPluginAsyncTypebox<{ students: StudentModule }> = async (app, { students }) => {
  const { rosters, runs } = students
  const audited = new Map<string, number>()
  /** Audits a read of pupil data by staff (school staff, dispatchers, operators, admins). */
  const auditRead = async (
    req: FastifyRequest,
    what: string,
    schoolId: string,
    after: Record<string, unknown>,
    throttle = false,
  ): Promise<void> => {
    const user = userOf(req)
    if (user.role === 'driver') return
    const key = `${user.id}|${what}|${schoolId}`
    const now = Date.now()
    if (throttle && now - (audited.get(key) ?? 0) < LIVE_AUDIT_EVERY_MS) return
    audited.set(key, now)
    if (audited.size > 10_000) audited.clear()
    await audit(req, what, `school:${schoolId}`, null, after)
  }
  const schoolOf = (req: FastifyRequest, id: string): Promise<School> => rosters.school(userOf(req), id)
  const dateOf = (d: string | undefined): string => (d ? serviceDate(d) : serviceDayOf(Date.now()))

  /** The run's driver, staff, or a school one of whose routes it is (its own pupils only): which school view, if any. */
  async function runAccess(
    user: SessionUser,
    tripInstanceId: string,
    write: boolean,
  ): Promise<{ onlySchool?: string }> {
    if (roleAllows(user.role, STAFF_ROLES)) return {}
    const { inst, schools } = await runs.run(tripInstanceId)
    if (user.role === 'driver') {
      if (!user.driverCode || inst.driverId !== user.driverCode)
        throw new AppError('FORBIDDEN', `trip ${tripInstanceId} is not assigned to you`)
      return {}
    }
    const mine = await rosters.staffSchool(user)
    if (!write && user.role === 'school' && mine && schools.some((s) => s.id === mine)) return { onlySchool: mine }
    throw new AppError(
      'FORBIDDEN',
      write
        ? "only the run's driver (or a dispatcher) records checks"
        : 'pupil data of this run is for its school, its driver and the dispatchers',
    )
  }

  // ── Schools ──

  app.get(
    '/api/schools',
    {
      config: { access: SCHOOL_READERS },
      schema: { tags: ['students'], summary: 'Schools this account may see (a school account: its own)' },
    },
    async (req) => ({ items: (await rosters.schools(userOf(req))).map(schoolView) }),
  )

  app.get(
    '/api/schools/roster-template',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags: ['students'],
        summary: 'The roster template (header row and an example row), CSV or XLSX',
        querystring: Type.Object({
          format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'xlsx' }),
        }),
      },
    },
    async (req, reply) => {
      const t = rosterTemplate(req.query.format)
      return reply
        .header('content-type', t.type)
        .header('content-disposition', `attachment; filename="${t.filename}"`)
        .send(typeof t.body === 'string' ? t.body : Buffer.from(t.body))
    },
  )

  app.get(
    '/api/schools/:id',
    {
      config: { access: SCHOOL_READERS },
      schema: { tags: ['students'], params: SchoolIdParam, response: { 200: Type.Unknown(), 404: ErrorResponse } },
    },
    async (req) => schoolView(await schoolOf(req, req.params.id)),
  )

  app.put(
    '/api/schools/:id',
    {
      config: { access: SETUP },
      schema: {
        tags: ['students'],
        summary:
          'Creates or changes a school: its gate stop, when classes start, the current term, the routes serving it',
        params: SchoolIdParam,
        body: SchoolBody,
        response: { 200: Type.Unknown(), 400: ErrorResponse },
      },
    },
    async (req) => {
      const b = req.body
      const [h, m] = b.classesStart.split(':').map(Number) as [number, number]
      const school: School = {
        id: req.params.id,
        name: b.name.trim(),
        stopCode: b.stopCode,
        classesStartS: h * 3600 + m * 60,
        termStart: serviceDate(b.termStart),
        termEnd: serviceDate(b.termEnd),
        routes: b.routes,
      }
      const saved = await students.saveSchool(school)
      await audit(req, 'school.save', `school:${school.id}`, null, schoolView(saved))
      return schoolView(saved)
    },
  )

  app.post(
    '/api/schools/:id/staff',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['students'],
        summary: "Links a `school` account to this school (it then sees this school's pupils only)",
        params: SchoolIdParam,
        body: Type.Object({ username: Type.String({ maxLength: 40 }) }),
        response: { 200: Type.Unknown(), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const school = await schoolOf(req, req.params.id)
      const linked = await rosters.linkStaff(school, req.body.username)
      await audit(req, 'school.staff', `school:${school.id}`, null, linked)
      return linked
    },
  )

  // ── Rosters ──

  app.get(
    '/api/schools/:id/pupils',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags: ['students'],
        summary: 'The roster of the current term (audited)',
        params: SchoolIdParam,
        querystring: Type.Object({
          routeId: Type.Optional(Type.String({ maxLength: 40 })),
          class: Type.Optional(Type.String({ maxLength: 60 })),
        }),
      },
    },
    async (req) => {
      const school = await schoolOf(req, req.params.id)
      const items = await rosters.pupils(school, { routeId: req.query.routeId, className: req.query.class })
      await auditRead(req, 'roster.read', school.id, {
        pupils: items.length,
        routeId: req.query.routeId ?? null,
        class: req.query.class ?? null,
      })
      return { school: schoolView(school), items: items.map(pupilView) }
    },
  )

  app.addContentTypeParser(
    ['text/csv', XLSX_TYPE, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: ROSTER_MAX_BYTES },
    (_req, body, done) => done(null, body),
  )
  app.post(
    '/api/schools/:id/roster',
    {
      config: { access: ['school', 'operator'] as const },
      bodyLimit: ROSTER_MAX_BYTES,
      schema: {
        tags: ['students'],
        summary:
          "Imports a roster file (CSV UTF-8 or XLSX, the template's columns) for the current term: every row is checked and nothing is written unless all are right; `replace=true` also removes pupils missing from the file",
        params: SchoolIdParam,
        querystring: Type.Object({ replace: Type.Boolean({ default: false }) }),
        response: { 200: Type.Unknown(), 400: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (req, reply) => {
      const school = await schoolOf(req, req.params.id)
      if (!Buffer.isBuffer(req.body))
        throw new AppError(
          'VALIDATION_FAILED',
          `send the file as the body with content-type text/csv or ${XLSX_TYPE}`,
          { field: 'file' },
        )
      const result = await rosters.importRoster(school, new Uint8Array(req.body), req.query.replace)
      await audit(req, 'roster.import', `school:${school.id}`, null, result)
      return reply.status(200).send(result)
    },
  )

  app.post(
    '/api/schools/:id/pupils',
    {
      config: { access: ['school', 'operator'] as const },
      schema: {
        tags: ['students'],
        summary: "Adds one pupil (the roster row's columns as fields)",
        params: SchoolIdParam,
        body: Cells,
        response: { 201: Type.Unknown(), 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      const school = await schoolOf(req, req.params.id)
      const pupil = await rosters.addPupil(school, await rosters.checkPupil(school, req.body as Record<string, string>))
      await audit(req, 'pupil.create', `pupil:${pupil.id}`, null, { schoolId: school.id, pupilNo: pupil.pupilNo })
      return reply.status(201).send(pupilView(pupil))
    },
  )

  app.put(
    '/api/schools/:id/pupils/:pupilId',
    {
      config: { access: ['school', 'operator'] as const },
      schema: {
        tags: ['students'],
        summary: 'Changes one pupil',
        params: PupilParam,
        body: Cells,
        response: { 200: Type.Unknown(), 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => {
      const school = await schoolOf(req, req.params.id)
      const { before, after } = await rosters.updatePupil(
        school,
        req.params.pupilId,
        await rosters.checkPupil(school, req.body as Record<string, string>),
      )
      await audit(req, 'pupil.update', `pupil:${after.id}`, pupilCells(before), pupilCells(after))
      return pupilView(after)
    },
  )

  app.delete(
    '/api/schools/:id/pupils/:pupilId',
    {
      config: { access: ['school', 'operator'] as const },
      schema: {
        tags: ['students'],
        summary: 'Removes one pupil (and their checks)',
        params: PupilParam,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const school = await schoolOf(req, req.params.id)
      const before = await rosters.deletePupil(school, req.params.pupilId)
      await audit(req, 'pupil.delete', `pupil:${before.id}`, { schoolId: school.id, pupilNo: before.pupilNo }, null)
      return reply.status(204).send(null)
    },
  )

  // ── The school's day ──

  app.get(
    '/api/schools/:id/live',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags: ['students'],
        summary: "Today's runs of the school's routes: where each bus is, who boarded, who did not come",
        params: SchoolIdParam,
        querystring: DateQuery,
      },
    },
    async (req) => {
      const school = await schoolOf(req, req.params.id)
      const date = dateOf(req.query.date)
      const out = await students.live(school, date)
      await auditRead(req, 'roster.live', school.id, { date }, true)
      return out
    },
  )

  app.get(
    '/api/schools/:id/absentees',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags: ['students'],
        summary:
          "Pupils not boarded on the day's morning runs (marked absent, or the bus left their stop without them)",
        params: SchoolIdParam,
        querystring: DateQuery,
      },
    },
    async (req) => {
      const school = await schoolOf(req, req.params.id)
      const date = dateOf(req.query.date)
      const items = await runs.absentees(school, date)
      await auditRead(req, 'roster.absentees', school.id, { date, pupils: items.length })
      return { date, items }
    },
  )

  app.get(
    '/api/schools/:id/report',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags: ['students'],
        summary: 'Term report per class: rides, absences, late arrivals (the current term, up to today)',
        params: SchoolIdParam,
        querystring: Type.Object({ class: Type.Optional(Type.String({ maxLength: 60 })) }),
      },
    },
    async (req) => {
      const school = await schoolOf(req, req.params.id)
      const report = await students.report(school, req.query.class)
      await auditRead(req, 'roster.report', school.id, { class: req.query.class ?? null, pupils: report.items.length })
      return report
    },
  )

  // ── The driver's checks ──

  app.get(
    '/api/driver/student-runs',
    {
      config: { access: CREW },
      schema: {
        tags: ['students'],
        summary: "The signed-in driver's student runs of a day (default today), with counts",
        querystring: Type.Object({
          date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          driverId: Type.Optional(Type.String({ maxLength: 40 })),
        }),
      },
    },
    async (req) => {
      const user = userOf(req)
      const driverId = user.role === 'driver' ? user.driverCode : req.query.driverId
      if (!driverId)
        throw new AppError(
          user.role === 'driver' ? 'FORBIDDEN' : 'VALIDATION_FAILED',
          user.role === 'driver' ? 'this driver account is not linked to a driver number' : 'say whose runs: driverId',
          { field: 'driverId' },
        )
      const date = dateOf(req.query.date)
      return { date, items: await students.runsOfDriver(driverId, date) }
    },
  )

  app.get(
    '/api/student-runs/:id',
    {
      config: { access: ['driver', 'school', 'dispatcher', 'operator'] as const },
      schema: {
        tags: ['students'],
        summary: 'A student run per stop: who boards and alights where, and what the driver marked',
        params: RunParam,
        response: { 200: Type.Unknown(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const { onlySchool } = await runAccess(userOf(req), req.params.id, false)
      const view = await runs.view(req.params.id, onlySchool)
      for (const s of view.schools) await auditRead(req, 'roster.run', s.id, { tripInstanceId: req.params.id }, true)
      return view
    },
  )

  app.post(
    '/api/student-runs/:id/checks',
    {
      config: { access: CREW },
      schema: {
        tags: ['students'],
        summary:
          "Boarding checks from the driver's page (its offline queue): each tap has an opId, so sending again stores nothing twice; boarded / alighted taps queue the guardians' SMS once",
        params: RunParam,
        body: Type.Object({ marks: Type.Array(Mark, { minItems: 1, maxItems: 500 }) }),
        response: {
          200: Type.Unknown(),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (req) => {
      const user = userOf(req)
      await runAccess(user, req.params.id, true)
      return runs.mark(req.params.id, req.body.marks as never, user.username)
    },
  )

  app.post(
    '/api/student-runs/:id/confirm-empty',
    {
      config: { access: CREW },
      schema: {
        tags: ['students'],
        summary: "The driver walked the bus: nobody is left on board. Resolves the run's left-on-board alert",
        params: RunParam,
        response: { 200: Type.Unknown(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const user = userOf(req)
      await runAccess(user, req.params.id, true)
      const alert = await runs.confirmEmpty(req.params.id, user.username)
      if (alert) {
        students.publishAlerts([alert])
        await audit(req, 'student_run.confirm_empty', `trip:${req.params.id}`, null, { alertId: alert.id })
      }
      return { alert, view: await runs.view(req.params.id) }
    },
  )
}
