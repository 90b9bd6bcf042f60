/**
 * Who may see pupil data: the school's own staff (role `school`, their school only), the
 * dispatchers (and operators, admins), and the driver of a run (that run's pupils, on its day).
 * Only while the term lasts; kept no longer than the retention after it ends.
 */
import { addDays, type ServiceDate } from '../calendar/index.js'
import { roleAllows, STAFF_ROLES, type SessionUser } from '../access/index.js'

/** Staff at the county office, or the school's own staff (`staffOf`: the school the account is linked to). */
export function maySeeSchool(user: Pick<SessionUser, 'role'>, staffOf: string | null, schoolId: string): boolean {
  if (roleAllows(user.role, STAFF_ROLES)) return true
  return user.role === 'school' && staffOf === schoolId
}

/** Whether a term's data is shown on `today`: from its start (or earlier, to prepare) until its last day. */
export const termShown = (term: { termEnd: string }, today: ServiceDate): boolean => today <= term.termEnd

/** Terms that ended before this day are deleted (their pupils, checks and runs). */
export const purgeTermsEndedBefore = (today: ServiceDate, retentionDays: number): ServiceDate =>
  addDays(today, -retentionDays)
