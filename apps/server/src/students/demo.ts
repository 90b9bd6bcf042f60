/**
 * The demo county's schools and rosters (packages/domain/src/demo/students.ts), written when the
 * demo county is loaded: the current term is the demo school term covering today (or the next
 * one), and a demo `school` account (password `demo-school`, refused in production) is linked
 * to the first primary school.
 */
import { demoStudents, SCHOOL_TERMS, serviceDate, serviceDayOf, type NetworkSnapshot, type School } from '@rb/domain'
import { accountsRepo, studentsRepo, type Db } from '@rb/db'

export const DEMO_SCHOOL_ACCOUNT = { username: 'school', password: 'demo-school' }

export interface DemoAccounts {
  /** Creates a demo account (marked demo: refused in production); null when the name is taken. */
  create(input: {
    username: string
    displayName: string
    role: 'school'
    password: string
  }): Promise<{ id: number } | null>
}

export async function seedDemoStudents(
  db: Db,
  net: NetworkSnapshot,
  now: number,
  accounts: DemoAccounts | null,
  log: { info(obj: object, msg: string): void },
): Promise<void> {
  if ((await studentsRepo.listSchools(db)).length > 0) return
  const today = serviceDayOf(now)
  const term = SCHOOL_TERMS.find((t) => t.end >= today) ?? (SCHOOL_TERMS.at(-1) as (typeof SCHOOL_TERMS)[number])
  const schools = demoStudents(net)
  let pupils = 0
  await db.transaction(async (tx) => {
    for (const s of schools) {
      const school: School = {
        id: s.id,
        name: s.name,
        stopCode: s.stopCode,
        classesStartS: s.classesStartS,
        termStart: serviceDate(term.start),
        termEnd: serviceDate(term.end),
        routes: s.routes,
      }
      await studentsRepo.saveSchool(tx, school)
      await studentsRepo.saveRoster(tx, s.id, { start: school.termStart, end: school.termEnd }, s.pupils, false)
      pupils += s.pupils.length
    }
  })
  const primary = schools.find((s) => s.name.endsWith('小学'))
  let account: string | null = null
  if (accounts && primary) {
    account = `${DEMO_SCHOOL_ACCOUNT.username} / ${DEMO_SCHOOL_ACCOUNT.password} (${primary.id} ${primary.name})`
    const made = await accounts.create({
      username: DEMO_SCHOOL_ACCOUNT.username,
      displayName: `${primary.name} 值班老师`,
      role: 'school',
      password: DEMO_SCHOOL_ACCOUNT.password,
    })
    if (made) await studentsRepo.setStaffSchool(db, made.id, primary.id)
    else {
      const existing = await accountsRepo.findUserByUsername(db, DEMO_SCHOOL_ACCOUNT.username)
      if (existing?.role === 'school') await studentsRepo.setStaffSchool(db, existing.id, primary.id)
    }
  }
  log.info(
    { schools: schools.length, pupils, term: `${term.start}..${term.end}`, account },
    `demo county: schools and pupil rosters of its student routes loaded${account ? `; demo school account ${account} (published password, refused in production)` : ''}`,
  )
}
