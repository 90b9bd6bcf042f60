/** JSON schemas of the repair report and ticket API (requests are checked, responses serialised, OpenAPI generated). */
import { Type } from '@sinclair/typebox'
import { REPORT_CATEGORIES, REPORT_ID_PATTERN, STOP_CODE_PATTERN, TICKET_STATUSES } from '@rb/domain'
import { IDEMPOTENCY_KEY_PATTERN } from '../booking/schemas.js'

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Type.Null(), Time])
export const StopCodeParam = Type.Object({ code: Type.String({ pattern: STOP_CODE_PATTERN, examples: ['XY-0421'] }) })
export const ReportIdParam = Type.Object({
  id: Type.String({ pattern: REPORT_ID_PATTERN, description: 'the report id the phone was given' }),
})
export const TicketIdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) })
export const PhotoIdParam = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$' }) })

export const Category = Type.Union(
  REPORT_CATEGORIES.map((c) => Type.Literal(c)),
  {
    description:
      'sign: damaged, missing, faded, blocked, other; road hazard at the stop: pothole, broken_manhole_cover, landslide, flooding, other_hazard',
  },
)
const Kind = Type.Union([Type.Literal('sign'), Type.Literal('road')])
export const TicketStatus = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)))
const IdempotencyKey = Type.String({
  pattern: IDEMPOTENCY_KEY_PATTERN,
  description: 'one per report, made on the phone; resend the same key when retrying',
})

const ReporterToken = Type.String({
  minLength: 16,
  maxLength: 100,
  description: "a grid reporter's token (POST /api/grid/verify): the report carries the reporter's id",
})
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(IdempotencyKey),
  'x-reporter-token': Type.Optional(ReporterToken),
})

/**
 * JSON (photo as base64 or a data: URL) or multipart/form-data (the same fields as text parts,
 * the photo as a file part named `photo`).
 */
export const ReportBody = Type.Object({
  category: Category,
  // Counted exactly (500 characters after trimming) by the domain; this only bounds the parse.
  note: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])),
  reportedAt: Type.Optional(
    Type.Union([Type.Null(), Time], {
      description: 'when the villager tapped send, if the report waited in an offline queue',
    }),
  ),
  idempotencyKey: Type.Optional(IdempotencyKey),
  reporterToken: Type.Optional(ReporterToken),
  photo: Type.Optional(
    Type.Unsafe<string | Buffer | null>({
      description:
        'JPEG, PNG or WebP, at most REPORT_PHOTO_MAX_KB: base64 (or a data: URL) in JSON, a file part in multipart',
    }),
  ),
})

const StepPublic = Type.Object({ status: TicketStatus, at: Time })

/** What the villager's phone sees of its report: no names, notes or staff. */
export const PublicReportView = Type.Object({
  id: Type.String(),
  stopCode: Type.String(),
  stopName: Type.String(),
  kind: Kind,
  category: Category,
  status: TicketStatus,
  reportedAt: Time,
  receivedAt: Time,
  updatedAt: Time,
  hasPhoto: Type.Boolean(),
  /** Villagers who reported the same problem (this one included). */
  reportCount: Type.Integer(),
  history: Type.Array(StepPublic),
})

const Point = Type.Tuple([Type.Number(), Type.Number()], { description: '[lng, lat] WGS-84' })
const Action = Type.Union(['open', 'assign', 'fix', 'reject', 'reopen'].map((a) => Type.Literal(a)))

export const TicketView = Type.Object({
  id: Type.Integer(),
  kind: Kind,
  category: Category,
  stopCode: Type.String(),
  stopName: Type.String(),
  townshipId: Type.String(),
  point: Point,
  status: TicketStatus,
  assignee: Type.Union([Type.Null(), Type.String()]),
  previousTicketId: Type.Union([Type.Null(), Type.Integer()]),
  reportCount: Type.Integer(),
  photoCount: Type.Integer(),
  openedAt: Time,
  updatedAt: Time,
  closedAt: NullableTime,
  lastReportAt: Time,
  nextActions: Type.Array(Action),
})

const PhotoView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  mime: Type.String(),
  bytes: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
})

export const TicketDetail = Type.Composite([
  TicketView,
  Type.Object({
    categories: Type.Array(Category, { description: 'every category its reports named' }),
    steps: Type.Array(
      Type.Object({
        action: Action,
        from: Type.Union([Type.Null(), TicketStatus]),
        to: TicketStatus,
        by: Type.String(),
        at: Time,
        note: Type.Union([Type.Null(), Type.String()]),
        assignee: Type.Union([Type.Null(), Type.String()]),
      }),
    ),
    reports: Type.Array(
      Type.Object({
        id: Type.String(),
        category: Category,
        note: Type.Union([Type.Null(), Type.String()]),
        reportedAt: Time,
        receivedAt: Time,
        reporterId: Type.Union([Type.Null(), Type.String()], { description: 'the grid reporter who sent it' }),
        photo: Type.Union([Type.Null(), PhotoView]),
      }),
    ),
  }),
])

export const TicketList = Type.Object({
  items: Type.Array(TicketView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
})

export const TicketQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      pattern: `^(${TICKET_STATUSES.join('|')})(,(${TICKET_STATUSES.join('|')}))*$`,
      description: 'one or more, comma-separated (open,assigned)',
    }),
  ),
  kind: Type.Optional(Kind),
  category: Type.Optional(Category),
  stop: Type.Optional(Type.String({ pattern: STOP_CODE_PATTERN })),
  township: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'changed at or after' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
})

const Note = Type.String({ maxLength: 2000 })
export const AssignBody = Type.Object({
  assignee: Type.String({ minLength: 1, maxLength: 200, description: 'who does the work: a crew, a person' }),
  note: Type.Optional(Type.Union([Type.Null(), Note])),
})
export const FixBody = Type.Object({ note: Type.Optional(Type.Union([Type.Null(), Note])) })
export const NoteBody = Type.Object({ note: Note })
