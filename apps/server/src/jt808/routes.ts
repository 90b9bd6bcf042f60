/** HTTP side of the JT/T 808 gateway: a text message to a vehicle's terminal. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { networkRepo, type Queryable } from '@rb/db'
import { jt808 } from '@rb/protocol'
import { ErrorResponse, VehicleIdParam } from '../http/schemas.js'
import { VehicleNotConnectedError, type Jt808Gateway } from './gateway.js'

export interface Jt808RoutesOptions {
  db: Queryable
  /** Undefined when the gateway is off (JT808_PORT=off). */
  gateway: Jt808Gateway | undefined
}

const TextBody = Type.Object({
  // One packet holds 1,023 bytes: about 500 Chinese characters in GBK.
  text: Type.String({ minLength: 1, maxLength: 500, description: 'Shown on the terminal screen; GBK characters only' }),
  flags: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 255,
      description: 'Raw 0x8300 flag byte; default: show on the display (2019: as service information)',
    }),
  ),
})

const TextResult = Type.Object({
  delivered: Type.Boolean({ description: 'The terminal answered with success' }),
  result: Type.Union([Type.Null(), Type.Integer()], {
    description:
      "The terminal's 0x0001 result: 0 success, 1 failure, 2 message error, 3 not supported; null when it did not answer in time",
  }),
})

export const jt808Routes: FastifyPluginAsyncTypebox<Jt808RoutesOptions> = async (app, { db, gateway }) => {
  app.post(
    '/api/vehicles/:id/jt808/text',
    {
      schema: {
        tags: ['jt808'],
        summary: "Send a text message to the vehicle's JT/T 808 terminal (0x8300) and wait for its answer",
        params: VehicleIdParam,
        body: TextBody,
        response: { 200: TextResult, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (req) => {
      const { id } = req.params
      if (!gateway) throw new AppError('SERVICE_UNAVAILABLE', 'the JT/T 808 gateway is off (JT808_PORT=off)')
      if (!(await networkRepo.findVehicle(db, 'id', id)))
        throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${id} does not exist`)
      try {
        const r = await gateway.sendText(id, req.body.text, req.body.flags)
        return { delivered: r.replied && r.result === jt808.REPLY_RESULT.success, result: r.result ?? null }
      } catch (err) {
        if (err instanceof VehicleNotConnectedError) {
          throw new AppError('CONFLICT', `${err.message}; the text can be sent once its terminal is online`, {
            reason: err.code,
          })
        }
        if (err instanceof jt808.Jt808Error && err.code === 'BAD_FIELD')
          throw new AppError('VALIDATION_FAILED', err.message)
        throw err
      }
    },
  )
}
