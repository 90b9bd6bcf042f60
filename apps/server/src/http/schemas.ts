import { Type } from '@sinclair/typebox'

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
})

export const VehicleIdParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) })

/** Timestamps in responses are ISO-8601 strings in UTC. */
export const IsoTime = Type.String({ format: 'date-time' })
