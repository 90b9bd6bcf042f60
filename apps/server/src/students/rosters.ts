/**
 * Schools and their rosters: who may see which school, the roster import (all rows or none),
 * edits of one pupil, and the school accounts' link to their school.
 */
import {
  AppError,
  maySeeSchool,
  readRoster,
  readRosterRow,
  rosterRows,
  serviceDayOf,
  termShown,
  type Pupil,
  type PupilInput,
  type RosterContext,
  type RowError,
  type School,
  type SessionUser,
} from '@rb/domain'
import { accountsRepo, studentsRepo, type Db, type Queryable } from '@rb/db'
import type { NetworkService } from '../network/service.js'
import { readTable } from './spreadsheet.js'

export interface ImportResult {
  format: 'csv' | 'xlsx'
  rows: number
  added: number
  updated: number
  removed: number
  term: { start: string; end: string }
}

/** The message of a refused roster: its first problems, each with its line. */
const refusedMessage = (errors: readonly RowError[]): string =>
  `the roster was not imported (nothing was changed): ${errors.length} problem${errors.length === 1 ? '' : 's'}; ${errors
    .slice(0, 3)
    .map((e) => `line ${e.line}${e.field ? ` (${e.field})` : ''}: ${e.message}`)
    .join('; ')}${errors.length > 3 ? '; …' : ''}`

export class Rosters {
  readonly #db: Db
  readonly #network: NetworkService
  readonly #now: () => number

  constructor(db: Db, network: NetworkService, now: () => number) {
    this.#db = db
    this.#network = network
    this.#now = now
  }

  get today() {
    return serviceDayOf(this.#now())
  }

  /** The school a school account works for (null for other roles, or one not linked yet). */
  async staffSchool(user: SessionUser): Promise<string | null> {
    return user.role === 'school' ? studentsRepo.staffSchool(this.#db, user.id) : null
  }

  /** The schools this account may see: all for staff, its own for a school account. */
  async schools(user: SessionUser): Promise<School[]> {
    const all = await studentsRepo.listSchools(this.#db)
    const mine = await this.staffSchool(user)
    return all.filter((s) => maySeeSchool(user, mine, s.id))
  }

  /** A school this account may see; 404 for one it may not (it is not told the school exists). */
  async school(user: SessionUser, id: string): Promise<School> {
    const school = await studentsRepo.getSchool(this.#db, id)
    if (!school || !maySeeSchool(user, await this.staffSchool(user), id)) {
      if (school && user.role === 'school') throw new AppError('FORBIDDEN', 'a school account sees its own school only')
      throw new AppError('NOT_FOUND', `no school ${id}`)
    }
    return school
  }

  /** The roster of the current (and any coming) term; past terms are not shown. */
  pupils(
    school: School,
    filter: { routeId?: string | undefined; className?: string | undefined } = {},
  ): Promise<Pupil[]> {
    return studentsRepo.listPupils(this.#db, {
      schoolId: school.id,
      termEndFrom: this.today,
      ...(filter.routeId ? { routeId: filter.routeId } : {}),
      ...(filter.className ? { className: filter.className } : {}),
    })
  }

  async context(school: School): Promise<RosterContext> {
    const net = await this.#network.snapshot()
    const ids = new Set(school.routes.map((r) => r.routeId))
    return {
      school,
      routes: net.routes
        .filter((r) => ids.has(r.id))
        .map((r) => ({ id: r.id, name: r.name, stopCodes: r.stops.map((s) => s.stopCode) })),
      stops: net.stops.map((s) => ({ code: s.code, name: s.name })),
    }
  }

  /**
   * Checks every row of the file and writes the roster for the school's current term in one
   * transaction; any problem refuses the whole file (400, `details.errors` with line numbers).
   */
  async importRoster(school: School, bytes: Uint8Array, replace: boolean): Promise<ImportResult> {
    if (!termShown(school, this.today))
      throw new AppError('VALIDATION_FAILED', `the school's term ended on ${school.termEnd}: set the new term first`, {
        field: 'term',
      })
    const table = readTable(bytes)
    const { rows, errors: headerErrors } = rosterRows(table.rows)
    const checked =
      headerErrors.length > 0 ? { pupils: [], errors: headerErrors } : readRoster(rows, await this.context(school))
    if (checked.errors.length > 0)
      throw new AppError('VALIDATION_FAILED', refusedMessage(checked.errors), {
        field: 'file',
        errors: checked.errors.slice(0, 200),
        problems: checked.errors.length,
      })
    const term = { start: school.termStart, end: school.termEnd }
    const saved = await this.#db.transaction((tx) =>
      studentsRepo.saveRoster(tx, school.id, term, checked.pupils, replace),
    )
    return { format: table.format, rows: rows.length, ...saved, term }
  }

  /** A pupil as entered in the console: the same checks as a row of the file. */
  async checkPupil(school: School, cells: Record<string, string>): Promise<PupilInput> {
    const r = readRosterRow({ line: 1, cells }, await this.context(school))
    if (!r.pupil) {
      const first = r.errors[0] as RowError
      throw new AppError('VALIDATION_FAILED', first.message, { field: first.field ?? 'pupil', errors: r.errors })
    }
    return r.pupil
  }

  async addPupil(school: School, input: PupilInput): Promise<Pupil> {
    const term = { start: school.termStart, end: school.termEnd }
    const existing = (await studentsRepo.listPupils(this.#db, { schoolId: school.id, termEndFrom: this.today })).find(
      (p) => p.pupilNo === input.pupilNo && p.termStart === school.termStart,
    )
    if (existing)
      throw new AppError('CONFLICT', `pupil number ${input.pupilNo} is already on the roster`, { field: 'pupilNo' })
    await this.#db.transaction((tx) => studentsRepo.saveRoster(tx, school.id, term, [input], false))
    const made = (await studentsRepo.listPupils(this.#db, { schoolId: school.id, termEndFrom: this.today })).find(
      (p) => p.pupilNo === input.pupilNo && p.termStart === school.termStart,
    )
    return made as Pupil
  }

  async pupil(school: School, id: number): Promise<Pupil> {
    const p = await studentsRepo.getPupil(this.#db, id)
    if (!p || p.schoolId !== school.id || !termShown(p, this.today))
      throw new AppError('NOT_FOUND', `no pupil ${id} on the roster of ${school.id}`)
    return p
  }

  async updatePupil(school: School, id: number, input: PupilInput): Promise<{ before: Pupil; after: Pupil }> {
    const before = await this.pupil(school, id)
    try {
      const after = await this.#db.transaction((tx) => studentsRepo.updatePupil(tx, id, input))
      return { before, after: after as Pupil }
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new AppError('CONFLICT', `pupil number ${input.pupilNo} is already on the roster`, { field: 'pupilNo' })
      throw err
    }
  }

  async deletePupil(school: School, id: number): Promise<Pupil> {
    const before = await this.pupil(school, id)
    await this.#db.transaction((tx) => studentsRepo.deletePupil(tx, id))
    return before
  }

  /** Links a `school` account to its school (an admin's step after creating the account). */
  async linkStaff(
    school: School,
    username: string,
    q: Queryable = this.#db,
  ): Promise<{ userId: number; username: string }> {
    const user = await accountsRepo.findUserByUsername(q, username)
    if (!user) throw new AppError('NOT_FOUND', `no account ${username}`)
    if (user.role !== 'school')
      throw new AppError(
        'VALIDATION_FAILED',
        `account ${username} has the role ${user.role}; only a school account is linked to a school`,
        { field: 'username' },
      )
    await studentsRepo.setStaffSchool(q, user.id, school.id)
    return { userId: user.id, username: user.username }
  }
}
