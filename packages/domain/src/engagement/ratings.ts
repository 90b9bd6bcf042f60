/**
 * Ride ratings (docs/engagement.md): what a rating may hold, who may rate which booking, the
 * driver's average, and the county's 先锋司机 (pioneer driver) rule. Pure: times are parameters.
 */
import { cleanText } from '../alerts/notes.js'
import { AppError } from '../errors.js'

/** The tags a rider may add, in the order the page shows them (准时, 态度好, 驾驶平稳, 车内整洁). */
export const RATING_TAGS = ['on_time', 'friendly', 'smooth', 'clean'] as const
export type RatingTag = (typeof RATING_TAGS)[number]
export const RATING_TAG_ZH: Readonly<Record<RatingTag, string>> = {
  on_time: '准时',
  friendly: '态度好',
  smooth: '驾驶平稳',
  clean: '车内整洁',
}
export const COMPLAINT_MAX_CHARS = 500

export type ComplaintStatus = 'open' | 'upheld' | 'dismissed'
export type ComplaintDecision = Exclude<ComplaintStatus, 'open'>

export interface RatingInput {
  stars: unknown
  tags?: readonly unknown[] | undefined
  complaint?: string | null | undefined
}

export interface CleanRating {
  stars: number
  tags: RatingTag[]
  /** The complaint's text; null when the rider made none. */
  complaint: string | null
}

/** A rating as given: 1–5 whole stars, known tags (each once, in their order), an optional complaint. */
export function cleanRating(input: RatingInput): CleanRating {
  const { stars } = input
  if (typeof stars !== 'number' || !Number.isInteger(stars) || stars < 1 || stars > 5)
    throw new AppError('VALIDATION_FAILED', `stars must be a whole number from 1 to 5; got ${JSON.stringify(stars)}`, {
      field: 'stars',
    })
  const given = input.tags ?? []
  for (const t of given)
    if (!RATING_TAGS.includes(t as RatingTag))
      throw new AppError(
        'VALIDATION_FAILED',
        `unknown tag ${JSON.stringify(t)}; the tags are ${RATING_TAGS.join(', ')}`,
        {
          field: 'tags',
        },
      )
  const tags = RATING_TAGS.filter((t) => given.includes(t))
  const complaint = cleanText(input.complaint, { field: 'complaint', maxChars: COMPLAINT_MAX_CHARS, required: false })
  return { stars, tags, complaint }
}

/** Why a booking may not be rated: only a ride that happened (boarded) is, once. */
export function assertRateable(status: string): void {
  if (status === 'boarded') return
  if (status === 'no_show')
    throw new AppError(
      'RATING_NOT_ALLOWED',
      'this booking was marked as not shown up: only a ride taken can be rated',
      {
        field: 'code',
        reason: 'no_show',
      },
    )
  throw new AppError(
    'RATING_NOT_ALLOWED',
    status === 'cancelled'
      ? 'this booking was cancelled: only a ride taken can be rated'
      : 'this ride has not happened yet: it can be rated once the driver has marked you on board',
    { field: 'code', reason: status === 'cancelled' ? 'cancelled' : 'not_ridden' },
  )
}

/** The county's rule for the 先锋司机 badge (county settings, `pioneer`). */
export interface PioneerRule {
  /** Average stars at least this… */
  minAverage: number
  /** …over at least this many ratings… */
  minRatings: number
  /** …given in this many days up to now… */
  ratingDays: number
  /** …and no complaint upheld about a ride in this many days. */
  complaintDays: number
}

/** What the rule looks at for one driver: the ratings in its window, the upheld complaints in its. */
export interface DriverRatingFacts {
  count: number
  /** Sum of the stars of those ratings. */
  starSum: number
  upheldComplaints: number
}

export interface DriverRatingSummary {
  /** Average of the window's ratings, two decimals; null without any. */
  average: number | null
  count: number
  upheldComplaints: number
  pioneer: boolean
}

export const ratingAverage = (count: number, starSum: number): number | null =>
  count > 0 ? Math.round((starSum / count) * 100) / 100 : null

/** Whether the driver earns the badge: enough ratings, a high enough average, no upheld complaint. */
export function earnsPioneer(f: DriverRatingFacts, rule: PioneerRule): boolean {
  if (f.count < rule.minRatings || f.count === 0) return false
  // Compared on whole star-sums, not a rounded float: 4.8 over 50 ratings is 240 stars or more.
  if (f.starSum + 1e-9 < rule.minAverage * f.count) return false
  return f.upheldComplaints === 0
}

export const summarizeRatings = (f: DriverRatingFacts, rule: PioneerRule): DriverRatingSummary => ({
  average: ratingAverage(f.count, f.starSum),
  count: f.count,
  upheldComplaints: f.upheldComplaints,
  pioneer: earnsPioneer(f, rule),
})

/** Where each window of the rule starts, epoch ms. */
export function pioneerWindows(rule: PioneerRule, now: number): { ratingsSince: number; complaintsSince: number } {
  const DAY = 86_400_000
  return { ratingsSince: now - rule.ratingDays * DAY, complaintsSince: now - rule.complaintDays * DAY }
}

/** The SMS after a ride: the link opens the rating form for that booking. */
export function ratingInviteSms(ride: { routeName: string; date: string }, link: string): string {
  return `【乡村公交】感谢乘坐${ride.date.slice(5).replace('-', '月')}日${ride.routeName}，请为本次乘车评分：${link}`
}

/** A complaint may be decided once: open → upheld or dismissed. */
export function assertDecidable(status: ComplaintStatus, id: number): void {
  if (status !== 'open')
    throw new AppError('COMPLAINT_DECIDED', `complaint ${id} was already ${status}`, {
      field: 'decision',
      status,
    })
}
