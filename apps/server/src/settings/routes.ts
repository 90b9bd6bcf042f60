/** County settings over HTTP: every staff member reads them, an admin changes them (partial update, audited). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DEFAULT_COUNTY_SETTINGS, SETTING_LIMITS, STAFF_ROLES } from '@rb/domain'
import { audit, userOf } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'
import type { SettingsService, SettingsView } from './service.js'

export interface SettingsRoutesOptions {
  settings: SettingsService
}

const Int = (description: string) => Type.Integer({ description })
const SettingsSchema = Type.Object({
  lateness: Type.Object({
    earlyS: Int('leaving more than this before the timetable is early, seconds'),
    lateS: Int('more than this after the timetable is late, seconds'),
  }),
  missedGraceS: Int('a trip no bus has started this long after its departure is missed, seconds'),
  dailyDrivingLimitMin: Int("a driver's daily driving limit, minutes"),
  gridPoints: Type.Object(
    {
      sign: Int('a confirmed stop sign report'),
      road: Int('a confirmed road hazard (pothole, manhole cover, other)'),
      critical: Int('a confirmed hazard that may stop the buses (landslide, flooding)'),
    },
    { description: "grid reporters' points per confirmed report" },
  ),
  pioneer: Type.Object(
    {
      minAverage: Type.Number({ description: 'average stars at least this (one decimal)' }),
      minRatings: Int('over at least this many ratings'),
      ratingDays: Int('given in this many days'),
      complaintDays: Int('and no complaint upheld about a ride in this many days'),
    },
    { description: 'the 先锋司机 badge rule (docs/engagement.md)' },
  ),
})
const Range = Type.Object({
  min: Type.Number(),
  max: Type.Number(),
  unit: Type.String(),
  step: Type.Optional(Type.Number({ description: 'values are multiples of this; whole numbers when absent' })),
})
const SettingsAnswer = Type.Composite([
  SettingsSchema,
  Type.Object({
    defaults: SettingsSchema,
    limits: Type.Record(Type.String(), Range, {
      description: 'accepted values per field (dotted path), inclusive; whole numbers unless a step is given',
    }),
    updatedTs: Type.Union([Type.Null(), Type.Number({ description: 'epoch ms' })]),
    updatedBy: Type.Union([Type.Null(), Type.String()]),
  }),
])
// Numbers, not integers, here: the domain's check answers with the field's range and unit.
const Num = Type.Optional(Type.Number())
const SettingsPatch = Type.Object({
  lateness: Type.Optional(Type.Object({ earlyS: Num, lateS: Num })),
  missedGraceS: Num,
  dailyDrivingLimitMin: Num,
  gridPoints: Type.Optional(Type.Object({ sign: Num, road: Num, critical: Num })),
  pioneer: Type.Optional(Type.Object({ minAverage: Num, minRatings: Num, ratingDays: Num, complaintDays: Num })),
})

/** The settings themselves at the top level, with their defaults, ranges and last change. */
const answer = (v: SettingsView) => ({
  ...v.settings,
  defaults: DEFAULT_COUNTY_SETTINGS,
  limits: SETTING_LIMITS,
  updatedTs: v.updatedTs,
  updatedBy: v.updatedBy,
})

export const settingsRoutes: FastifyPluginAsyncTypebox<SettingsRoutesOptions> = async (app, { settings }) => {
  app.get(
    '/api/settings',
    {
      config: { access: STAFF_ROLES },
      schema: {
        tags: ['settings'],
        summary:
          "The county's settings: lateness policy, missed-trip grace, daily driving limit (with defaults and accepted ranges)",
        response: { 200: SettingsAnswer },
      },
    },
    async () => answer(settings.view()),
  )

  app.put(
    '/api/settings',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['settings'],
        summary:
          'Change some of the county settings (a partial update; values checked against their ranges and each other); applies at once everywhere',
        body: SettingsPatch,
        response: { 200: SettingsAnswer, 400: ErrorResponse },
      },
    },
    async (req) => {
      const by = userOf(req).username
      const view = await settings.update(req.body, by, (tx, before, after) =>
        audit(req, 'settings.update', 'settings', before, after, tx),
      )
      return answer(view)
    },
  )
}
