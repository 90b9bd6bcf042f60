/**
 * What guardians are told by SMS, and when: their child boarded, alighted (with time and stop),
 * and the morning bus is about ten minutes from the child's stop. Each event has one key, so the
 * outbox gets at most one message per event however often it is seen.
 */
import type { ExpectedRide, Guardian, PupilRunState, RunPeriod } from './types.js'

export type NoticeKind = 'pupil_boarded' | 'pupil_alighted' | 'pupil_bus_near'

/** Minutes before the pupil's stop at which the morning "bus near" message goes. */
export const BUS_NEAR_MIN = 10

export interface Notice {
  kind: NoticeKind
  /** Unique per event and guardian: `<kind>:<tripInstanceId>:<pupilId>:<phone>`. */
  key: string
  pupilId: number
  tripInstanceId: string
  recipient: string
  body: string
}

const hhmm = (ts: number): string => {
  // Asia/Shanghai has no daylight saving: UTC+8.
  const d = new Date(ts + 8 * 3_600_000)
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

export const noticeKey = (kind: NoticeKind, tripInstanceId: string, pupilId: number, phone: string): string =>
  `${kind}:${tripInstanceId}:${pupilId}:${phone}`

export interface NoticeFacts {
  tripInstanceId: string
  pupilId: number
  pupilName: string
  guardians: readonly Guardian[]
  stopName: string
  ts: number
  plate: string | null
}

/** The messages one event sends: one per guardian who opted in. */
export function noticesFor(kind: NoticeKind, f: NoticeFacts): Notice[] {
  const bus = f.plate ? `（车牌${f.plate}）` : ''
  const body =
    kind === 'pupil_boarded'
      ? `【学生车】${f.pupilName} ${hhmm(f.ts)} 在「${f.stopName}」上车${bus}。`
      : kind === 'pupil_alighted'
        ? `【学生车】${f.pupilName} ${hhmm(f.ts)} 在「${f.stopName}」下车。`
        : `【学生车】校车预计 ${hhmm(f.ts)} 到「${f.stopName}」，请${f.pupilName}准备上车${bus}。`
  return f.guardians
    .filter((g) => g.sms)
    .map((g) => ({
      kind,
      key: noticeKey(kind, f.tripInstanceId, f.pupilId, g.phone),
      pupilId: f.pupilId,
      tripInstanceId: f.tripInstanceId,
      recipient: g.phone,
      body,
    }))
}

/** The notice a change of a pupil's state calls for (a boarding or an alighting newly recorded), or null. */
export function noticeKindOf(
  before: PupilRunState | undefined,
  after: PupilRunState,
): 'pupil_boarded' | 'pupil_alighted' | null {
  if (after.pupilId === null) return null
  if (after.boardedTs !== null && before?.boardedTs !== after.boardedTs && after.status === 'boarded')
    return 'pupil_boarded'
  if (after.alightedTs !== null && before?.alightedTs !== after.alightedTs) return 'pupil_alighted'
  return null
}

/**
 * Pupils whose morning bus is due at their stop within BUS_NEAR_MIN (and who have not boarded):
 * `etas` are the engine's predictions for the stops ahead.
 */
export function busNear(
  period: RunPeriod | null,
  rides: readonly ExpectedRide[],
  etas: readonly { stopCode: string; etaTs: number }[],
  states: ReadonlyMap<string, PupilRunState>,
  now: number,
): { ride: ExpectedRide; etaTs: number }[] {
  if (period !== 'morning') return []
  const out: { ride: ExpectedRide; etaTs: number }[] = []
  for (const r of rides) {
    const eta = etas.find((e) => e.stopCode === r.board)
    if (!eta || eta.etaTs - now > BUS_NEAR_MIN * 60_000) continue
    if (states.get(`p:${r.pupil.id}`)?.status) continue
    out.push({ ride: r, etaTs: eta.etaTs })
  }
  return out
}
