/** HTTP shapes of the account routes. */
import { Type } from '@sinclair/typebox'
import { DRIVER_NUMBER_PATTERN, PASSWORD_MAX_LENGTH, ROLES, USERNAME_PATTERN } from '@rb/domain'

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)))
const DriverCode = Type.String({ pattern: DRIVER_NUMBER_PATTERN, description: "The driver's unified number (XY-D031)" })
export const Username = Type.String({
  pattern: USERNAME_PATTERN,
  description: '2–40 lower-case letters, digits, . _ -',
})
// The byte limit is checked again after decoding; this only bounds what is parsed.
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH })

export const SessionUserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  driverCode: Type.Optional(Type.String()),
})

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  driverCode: Type.Union([Type.Null(), Type.String()]),
  disabled: Type.Boolean(),
  demo: Type.Boolean({ description: 'Has a published demo password (refused in production)' }),
  createdAt: Type.String({ format: 'date-time' }),
})

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 60 }),
  password: Password,
  bearer: Type.Optional(
    Type.Boolean({
      description: 'Answer with the token in the body instead of setting the cookie (scripts, simulators)',
    }),
  ),
})

export const LoginResult = Type.Object({
  user: SessionUserSchema,
  expiresAt: Type.String({ format: 'date-time' }),
  token: Type.Optional(
    Type.String({ description: 'Only when asked for with bearer: true; send as Authorization: Bearer <token>' }),
  ),
})

export const NewUserBody = Type.Object({
  username: Username,
  displayName: Type.String({ minLength: 1, maxLength: 80 }),
  role: RoleSchema,
  driverCode: Type.Optional(Type.Union([Type.Null(), DriverCode])),
  password: Type.Optional(Password),
})

export const UserPatchBody = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  role: Type.Optional(RoleSchema),
  driverCode: Type.Optional(Type.Union([Type.Null(), DriverCode])),
  disabled: Type.Optional(Type.Boolean()),
})

export const UserWithPassword = Type.Object({
  user: UserSchema,
  password: Type.Optional(Type.String({ description: 'The generated password, shown this once' })),
})

export const AuditSchema = Type.Object({
  id: Type.Integer(),
  ts: Type.String({ format: 'date-time' }),
  userId: Type.Union([Type.Null(), Type.Integer()]),
  username: Type.String(),
  action: Type.String(),
  target: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Type.Union([Type.Null(), Type.String()]),
})
