/**
 * The student-bus module as the composition root builds it: rosters, runs and their checks, the
 * monitor on the tracking engine's output, the school's live view and term report, and the
 * retention sweep that deletes terms past their keeping.
 */
import {
  AppError,
  foldMarks,
  purgeTermsEndedBefore,
  serviceDayOf,
  termReport,
  tripPattern,
  type LiveAlert,
  type LiveRun,
  type ReportRun,
  type School,
  type StudentRunSummary,
  type TrackingEngine,
} from '@rb/domain'
import { studentsRepo, trackingRepo, type Db } from '@rb/db'
import type { NetworkService } from '../network/service.js'
import type { LatestState } from '../live/latest-state.js'
import type { TrackingHost } from '../tracking/host.js'
import { StudentMonitor, type DriverTexter, type MonitorLog } from './monitor.js'
import { Rosters } from './rosters.js'
import { Runs } from './runs.js'

export { studentRoutes } from './routes.js'
export { seedDemoStudents } from './demo.js'

export interface StudentDeps {
  db: Db
  network: NetworkService
  tracking: Pick<TrackingHost, 'onOutput'> & { engine: Pick<TrackingEngine, 'vehicleIds' | 'runOf' | 'etas' | 'state'> }
  latest: Pick<LatestState, 'get'>
  texter: DriverTexter
  publishAlerts(alerts: LiveAlert[]): void
  kickOutbox(): void
  log: MonitorLog
  /** Pupil data is deleted this many days after its term ends. */
  retentionDays: number
  checkMs: number
  remindMs: number
  now?: () => number
}

export interface StudentModule {
  rosters: Rosters
  runs: Runs
  monitor: StudentMonitor
  saveSchool(school: School): Promise<School>
  live(
    school: School,
    date: string,
  ): Promise<{ date: string; runs: LiveRun[]; absentees: Awaited<ReturnType<Runs['absentees']>> }>
  report(
    school: School,
    className?: string,
  ): Promise<{ term: { start: string; end: string }; classes: string[]; items: ReturnType<typeof termReport> }>
  runsOfDriver(driverId: string, date: string): Promise<StudentRunSummary[]>
  publishAlerts(alerts: LiveAlert[]): void
  purge(): Promise<{ pupils: number; runs: number; messages: number }>
  close(): Promise<void>
}

const HOUR = 3_600_000

export async function startStudents(d: StudentDeps): Promise<StudentModule> {
  const now = d.now ?? Date.now
  const rosters = new Rosters(d.db, d.network, now)
  const runs = new Runs({ db: d.db, network: d.network, kickOutbox: d.kickOutbox, now })
  const monitor = new StudentMonitor({
    db: d.db,
    runs,
    engine: d.tracking.engine,
    network: d.network,
    texter: d.texter,
    publishAlerts: d.publishAlerts,
    kickOutbox: d.kickOutbox,
    log: d.log,
    now,
    checkMs: d.checkMs,
    remindMs: d.remindMs,
  })
  d.tracking.onOutput((out) => monitor.onOutput(out))
  await monitor.start()

  const schoolRoutes = (s: School): Set<string> => new Set(s.routes.map((r) => r.routeId))

  async function purge() {
    const before = purgeTermsEndedBefore(serviceDayOf(now()), d.retentionDays)
    const r = await d.db.transaction((tx) => studentsRepo.purgeBefore(tx, before))
    if (r.pupils + r.runs + r.messages > 0)
      d.log.info({ ...r, before }, 'student buses: data past its retention deleted')
    return r
  }
  const purgeTimer = setInterval(
    () =>
      void purge().catch((err: Error) =>
        d.log.warn({ err: err.message }, 'student buses: retention sweep failed; will retry'),
      ),
    HOUR,
  )
  purgeTimer.unref()
  void purge().catch((err: Error) =>
    d.log.warn({ err: err.message }, 'student buses: retention sweep failed; will retry'),
  )

  return {
    rosters,
    runs,
    monitor,
    publishAlerts: d.publishAlerts,

    async saveSchool(school) {
      const net = await d.network.snapshot()
      if (school.termStart > school.termEnd)
        throw new AppError('VALIDATION_FAILED', 'termStart is after termEnd', { field: 'termStart' })
      if (school.stopCode && !net.stops.some((s) => s.code === school.stopCode))
        throw new AppError('STOP_NOT_FOUND', `no stop ${school.stopCode}`)
      for (const r of school.routes) {
        const route = net.routes.find((x) => x.id === r.routeId)
        if (!route) throw new AppError('ROUTE_NOT_FOUND', `no route ${r.routeId}`)
        if (route.kind !== 'student')
          throw new AppError(
            'VALIDATION_FAILED',
            `route ${r.routeId} is a ${route.kind} route; a school is served by student routes`,
            { field: 'routes' },
          )
      }
      if (new Set(school.routes.map((r) => r.routeId)).size !== school.routes.length)
        throw new AppError('VALIDATION_FAILED', 'a route is listed twice', { field: 'routes' })
      await d.db.transaction((tx) => studentsRepo.saveSchool(tx, school))
      return (await studentsRepo.getSchool(d.db, school.id)) as School
    },

    async live(school, date) {
      const ids = schoolRoutes(school)
      const instances = (await d.network.instancesOn(date as never))
        .filter((i) => ids.has(i.routeId) && i.status !== 'cancelled')
        .sort((a, b) => a.departureTs - b.departureTs)
      const out: LiveRun[] = []
      for (const inst of instances) {
        const view = await runs.view(inst.id, school.id)
        const state = inst.vehicleId ? d.tracking.engine.state(inst.vehicleId) : null
        const onIt = state?.tripInstanceId === inst.id
        const pos = inst.vehicleId ? d.latest.get(inst.vehicleId) : undefined
        const events = await trackingRepo.listEvents(d.db, {
          fromMs: inst.departureTs - 3 * HOUR,
          toMs: now() + 60_000,
          types: ['departure'],
          tripInstanceId: inst.id,
          limit: 500,
        })
        out.push({
          ...view,
          live:
            state && onIt
              ? {
                  status: state.status,
                  delayS: state.delayS,
                  nextStop: state.nextStop ? { stopCode: state.nextStop.stopCode, etaTs: state.nextStop.etaTs } : null,
                  lng: pos?.position?.lng ?? null,
                  lat: pos?.position?.lat ?? null,
                  lastTs: state.lastTs,
                  online: state.online,
                }
              : null,
          departed: [...new Set(events.map((e) => e.stopCode).filter((c): c is string => c !== null))],
        })
      }
      return { date, runs: out, absentees: await runs.absentees(school, date) }
    },

    async report(school, className) {
      const today = serviceDayOf(now())
      const pupils = (await studentsRepo.listPupils(d.db, { schoolId: school.id, inTermOn: school.termStart })).filter(
        (p) => p.termEnd >= today,
      )
      const classes = [...new Set(pupils.map((p) => p.className))].sort()
      const chosen = className ? pupils.filter((p) => p.className === className) : pupils
      const until = school.termEnd < today ? school.termEnd : today
      const records = await studentsRepo.runsOf(d.db, {
        routeIds: school.routes.map((r) => r.routeId),
        from: school.termStart,
        to: until,
      })
      const marks = await studentsRepo.marksOf(
        d.db,
        records.map((r) => r.tripInstanceId),
      )
      const net = await d.network.snapshot()
      const reportRuns: ReportRun[] = records.flatMap((rec) => {
        const route = net.routes.find((r) => r.id === rec.routeId)
        if (!route) return []
        return [
          {
            run: {
              tripInstanceId: rec.tripInstanceId,
              routeId: rec.routeId,
              direction: rec.direction,
              serviceDate: rec.serviceDate,
              stopCodes: tripPattern(route, rec.direction).map((s) => s.stopCode),
            },
            over: rec.endedTs !== null || rec.serviceDate < today,
            states: foldMarks(marks.filter((m) => m.tripInstanceId === rec.tripInstanceId)),
          },
        ]
      })
      return {
        term: { start: school.termStart, end: school.termEnd },
        classes,
        items: termReport(school, chosen, reportRuns),
      }
    },

    async runsOfDriver(driverId, date) {
      const routeIds = await studentsRepo.studentRouteIds(d.db)
      const mine = (await d.network.instancesOn(date as never))
        .filter((i) => i.driverId === driverId && routeIds.has(i.routeId))
        .sort((a, b) => a.departureTs - b.departureTs)
      const out = []
      for (const inst of mine) {
        const v = await runs.view(inst.id)
        out.push({
          id: inst.id,
          routeName: v.trip.routeName,
          departureTs: inst.departureTs,
          period: v.trip.period,
          counts: v.counts,
          end: v.end,
          vehicleId: inst.vehicleId,
        })
      }
      return out
    },

    purge,

    async close() {
      clearInterval(purgeTimer)
      await monitor.close()
    },
  }
}
