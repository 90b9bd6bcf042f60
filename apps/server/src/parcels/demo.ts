/**
 * The demo county's post office: its post points (the demo keeper account `station` keeps the
 * county bus station's), a few parcels on their way on first start, and a demo clerk that, while
 * the simulated fleet drives, scans the demo's own parcels on and off the buses as they pass the
 * post points (and sends a new one now and then), so the demo always has parcels in flight whose
 * steps match where the buses really were. It never touches a parcel a person consigned.
 */
import {
  AppError,
  DEMO_STATION_NAME,
  DEMO_STATION_STOP,
  demoPostPoints,
  mulberry32,
  SIZE_CLASSES,
  type SessionUser,
} from '@rb/domain'
import { accountsRepo, parcelsRepo, type Db } from '@rb/db'
import { Ticker } from '../booking/ticker.js'
import type { ParcelService } from './service.js'
import type { ParcelLog } from './index.js'

const CLERK: SessionUser = { id: 0, username: 'system:demo-clerk', displayName: '演示邮政员', role: 'dispatcher' }
const CALLER = { user: CLERK, ip: null }
/** The demo keeps about this many of its parcels on their way. */
const IN_FLIGHT = 6
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '罗', '周', '胡', '邓']
const GIVEN = ['秀英', '建国', '桂芳', '德华', '小燕', '明亮', '春梅', '志强', '玉兰', '国平']

/** Post points and first parcels into a database the demo county was just loaded into. */
export async function seedDemoParcels(service: ParcelService, log: ParcelLog): Promise<boolean> {
  if ((await parcelsRepo.listPostPoints(service.db)).length > 0) return false
  const points = demoPostPoints(await service.network.snapshot())
  const keeper = await accountsRepo.findUserByUsername(service.db, 'station')
  await service.db.transaction(async (tx) => {
    for (const p of points) await parcelsRepo.upsertPostPoint(tx, p)
    if (keeper?.role === 'station') await parcelsRepo.setKeepers(tx, DEMO_STATION_STOP, [keeper.id])
  })
  const clerk = new DemoClerk(service, service.db, log, 7)
  let sent = 0
  for (let i = 0; i < IN_FLIGHT * 2 && sent < IN_FLIGHT; i++) if (await clerk.sendOne()) sent++
  log.info({ postPoints: points.length, parcels: sent }, 'demo post points and parcels loaded')
  return true
}

export { DEMO_STATION_NAME }

export class DemoClerk {
  readonly #rng
  #ticker: Ticker | undefined

  constructor(
    private readonly service: ParcelService,
    private readonly db: Db,
    private readonly log: ParcelLog,
    seed = Date.now(),
  ) {
    this.#rng = mulberry32(seed % 2_147_483_647)
  }

  start(intervalMs = 15_000): void {
    this.#ticker = new Ticker(
      () => this.round(),
      (err) => this.log.warn({ err: err.message }, 'demo clerk: round failed; next round tries again'),
    )
    this.#ticker.start(intervalMs)
  }

  async stop(): Promise<void> {
    await this.#ticker?.stop()
  }

  /**
   * Consigns one parcel to a village post point — from the county station mostly, else from a
   * township station or another village — on the trip leaving soonest among a few random pairs,
   * so the demo has parcels on the buses running now; false when no bus takes one.
   */
  async sendOne(): Promise<boolean> {
    const points = await parcelsRepo.listPostPoints(this.db, { activeOnly: true })
    const villages = points.filter((p) => p.kind === 'village')
    if (villages.length === 0 || !points.some((p) => p.stopCode === DEMO_STATION_STOP)) return false
    const r = this.#rng
    const sizeClass = r.pick(SIZE_CLASSES)
    const weightKg =
      Math.round(
        (sizeClass === 'S'
          ? 0.3 + r.int(0, 25) / 10
          : sizeClass === 'M'
            ? 3 + r.int(0, 60) / 10
            : 8 + r.int(0, 150) / 10) * 10,
      ) / 10
    const tariff = await this.service.tariff()
    const need = { slots: tariff.sizes[sizeClass].slots, kg: weightKg }
    let best: { from: string; to: string; trip: string; departureTs: number } | null = null
    const plan = await this.service.planner()
    for (let i = 0; i < 8; i++) {
      const to = r.pick(villages).stopCode
      const from = r.chance(0.6) ? DEMO_STATION_STOP : r.pick(points.filter((p) => p.stopCode !== to)).stopCode
      const first = plan(from, to, need, 3).find((o) => o.fits)?.legs[0]
      if (first && (!best || first.departureTs < best.departureTs))
        best = { from, to, trip: first.tripInstanceId, departureTs: first.departureTs }
    }
    if (!best) return false
    const person = (): { name: string; phone: string } => ({
      name: r.pick(SURNAMES) + r.pick(GIVEN),
      phone: `1${r.pick(['3', '5', '8'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`,
    })
    try {
      await this.service.consign(
        {
          fromPoint: best.from,
          toPoint: best.to,
          sender: person(),
          recipient: person(),
          sizeClass,
          weightKg,
          tripInstanceId: best.trip,
        },
        CALLER,
        null,
      )
      return true
    } catch (err) {
      if (err instanceof AppError && (err.code === 'NO_TRIP_FOR_PARCEL' || err.code === 'PARCEL_OVER_CAPACITY'))
        return false
      throw err
    }
  }

  /** Loads the demo's parcels when their bus leaves the post point, unloads them when it gets there. */
  async round(): Promise<void> {
    const open = (
      await parcelsRepo.listParcels(this.db, { status: ['accepted', 'loaded', 'at_transfer'], limit: 500 })
    ).filter((p) => p.createdBy === CLERK.username)
    for (const p of open) {
      const leg = p.legs[p.legIndex]
      if (!leg) continue
      const run = this.service.tracking.engine.progressOf(leg.tripInstanceId)
      if (!run) {
        // Its bus never came (a missed run, a server that was off): the next trip takes it.
        if (p.status !== 'loaded' && leg.arrivalTs < Date.now() - 3_600_000)
          await this.#moveOn(p.number, leg.fromStop, p.toPoint, p.sizeClass, p.weightKg)
        continue
      }
      const passed = (seq: number): boolean => run.completedTs !== null || (run.nextStopSeq ?? 0) > seq
      try {
        if (p.status !== 'loaded' && passed(leg.fromSeq))
          await this.service.scan(p.number, { action: 'load', vehicleId: run.vehicleId }, CALLER)
        else if (p.status === 'loaded' && passed(leg.toSeq))
          await this.service.scan(p.number, { action: 'unload' }, CALLER)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        this.log.info({ parcel: p.number, err: err.message }, 'demo clerk: scan refused')
      }
    }
    if (open.length < IN_FLIGHT) await this.sendOne()
  }

  async #moveOn(
    number: string,
    at: string,
    to: string,
    size: (typeof SIZE_CLASSES)[number],
    weightKg: number,
  ): Promise<void> {
    const tariff = await this.service.tariff()
    const next = (await this.service.options(at, to, { slots: tariff.sizes[size].slots, kg: weightKg })).find(
      (o) => o.fits,
    )?.legs[0]
    if (next)
      await this.service
        .assign(number, next.tripInstanceId, CALLER)
        .catch((err: Error) =>
          this.log.info({ parcel: number, err: err.message }, 'demo clerk: could not move a parcel on'),
        )
  }
}
