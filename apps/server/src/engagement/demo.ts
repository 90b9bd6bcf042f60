/**
 * The demo county's notices and surveys, loaded once with the county: a winter-driving notice to
 * every driver sent yesterday morning (about two in three have read it; the others were reminded
 * four hours later, as the sweep would have), and a villagers' satisfaction survey that ran for a
 * week and closed two days ago with its answers from the stop pages and SMS links.
 */
import { cleanNotice, cleanSurvey, mulberry32, type SurveyAnswers } from '@rb/domain'
import { engagementRepo, type AnswerChannel, type Db } from '@rb/db'

const H = 3_600_000
const DAY = 24 * H

export const DEMO_NOTICE = {
  title: '冬季山区道路行车安全提醒',
  body: '近期夜间气温低于零度，桃花岭、石坝村一带弯道易结冰。请出车前检查轮胎和防滑链，弯道减速至20公里/小时以下，遇团雾开启雾灯并报调度。发现路面塌方、结冰请在驾驶员页面或用车载终端报告。',
  link: '/driver',
}

export const DEMO_SURVEY = {
  title: '乡村公交服务满意度调查',
  intro: '请花一分钟告诉我们您对班车的看法，帮助我们改进班次和服务。',
  questions: [
    {
      kind: 'single' as const,
      text: '您多久坐一次乡村公交？',
      options: ['几乎每天', '每周几次', '赶场天才坐', '很少坐'],
    },
    {
      kind: 'multiple' as const,
      text: '您最希望改进哪些方面？（可多选）',
      options: ['增加班次', '更准点', '车内更干净', '站牌信息更清楚', '预约更方便'],
      required: false,
    },
    { kind: 'rating' as const, text: '总体满意度（1–5分）' },
    { kind: 'rating' as const, text: '驾驶员服务态度（1–5分）' },
    { kind: 'text' as const, text: '还有什么意见或建议？', required: false },
  ],
}

const SUGGESTIONS = [
  '早上七点前希望加一班',
  '赶场天车太挤，能不能加车',
  '司机师傅很耐心，谢谢',
  '站牌二维码很好用',
  '下雨天希望准点一点',
  '希望晚上能多一班回村的车',
]

/** Loads them unless there are notices already (a database the demo was loaded into earlier). */
export async function seedDemoEngagement(
  db: Db,
  now: number,
  log: { info(obj: object, msg: string): void },
): Promise<boolean> {
  if ((await engagementRepo.noticeCount(db)) > 0) return false
  const rng = mulberry32(20261207)
  const drivers = await engagementRepo.activeDriverIds(db)
  const stops = (await db.query<{ code: string }>('SELECT code FROM stop ORDER BY code LIMIT 60')).rows.map(
    (r) => r.code,
  )
  const sentTs = now - 26 * H
  const by = { username: 'dispatcher', displayName: '县客运调度中心' }
  let read = 0
  await db.transaction(async (tx) => {
    const notice = await engagementRepo.insertNotice(
      tx,
      cleanNotice({ ...DEMO_NOTICE, audience: 'all', remindAfterH: 4 }),
      by,
      drivers,
      sentTs,
    )
    for (const [i, driverId] of drivers.entries()) {
      // The first driver is the demo account's: it has not read it, so the driver page shows it pinned.
      const hasRead = i > 0 && rng.next() < 0.65
      const deliveredTs = i === 0 || rng.next() < 0.9 ? sentTs + Math.round(rng.range(1, 90) * 60_000) : null
      if (hasRead) read++
      await engagementRepo.setReceiptHistory(tx, notice.id, driverId, {
        deliveredTs: deliveredTs ?? (hasRead ? sentTs + 60_000 : null),
        readTs: hasRead ? (deliveredTs ?? sentTs + 60_000) + Math.round(rng.range(1, 180) * 60_000) : null,
        remindedTs: hasRead ? null : sentTs + 4 * H,
      })
    }
    const survey = await engagementRepo.insertSurvey(
      tx,
      cleanSurvey({ ...DEMO_SURVEY, audience: 'villagers', opensTs: now - 9 * DAY, closesTs: now - 2 * DAY }),
      'dispatcher',
      now - 10 * DAY,
    )
    for (let i = 0; i < 46; i++) {
      const answers: SurveyAnswers = {
        q1: Math.min(3, Math.floor(rng.next() * rng.next() * 5)),
        q3: pick(rng.next(), [5, 5, 4, 4, 4, 3, 5, 2]),
        q4: pick(rng.next(), [5, 5, 5, 4, 4, 3]),
      }
      const wishes = [0, 1, 2, 3, 4].filter(() => rng.next() < 0.35)
      if (wishes.length > 0) answers.q2 = wishes
      if (rng.next() < 0.3) answers.q5 = pick(rng.next(), SUGGESTIONS)
      const channel: AnswerChannel = rng.next() < 0.6 ? 'stop_page' : 'sms_link'
      // Made-up numbers, each its own (one answer per phone).
      const phone = `1390830${String(1000 + i * 37)}`
      await engagementRepo.insertAnswer(tx, {
        surveyId: survey.id,
        driverId: null,
        phone,
        answers,
        channel,
        stopCode: stops.length > 0 ? pick(rng.next(), stops) : null,
        createdTs: now - 9 * DAY + Math.round(rng.range(1, 160)) * H,
      })
    }
  })
  log.info({ notice: 1, drivers: drivers.length, read, surveys: 1 }, 'demo notice and closed survey loaded')
  return true
}

const pick = <T>(r: number, xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(r * xs.length))] as T
