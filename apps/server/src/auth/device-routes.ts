/** Operators issue and withdraw the MQTT device secret of a vehicle (shown once, stored hashed). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { accountsRepo, networkRepo, type Db } from '@rb/db'
import { topics } from '@rb/protocol'
import { ErrorResponse, VehicleIdParam } from '../http/schemas.js'
import { audit } from './audit.js'
import { userOf } from './guard.js'
import { newToken, tokenHash } from './tokens.js'

const Issued = Type.Object({
  username: Type.String({ description: 'MQTT user name: the vehicle id' }),
  password: Type.String({ description: 'MQTT password: the device secret, shown this once' }),
  publishUnder: Type.String(),
  subscribeTo: Type.String(),
})

export const deviceSecretRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  const access = ['operator'] as const

  app.post(
    '/api/vehicles/:id/device-secret',
    {
      config: { access },
      schema: {
        tags: ['fleet'],
        summary:
          'Issue a new MQTT device secret for the vehicle (replaces the old one; the device must be reconfigured)',
        params: VehicleIdParam,
        response: { 201: Issued, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params
      if (!(await networkRepo.findVehicle(db, 'id', id)))
        throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${id} does not exist`)
      const secret = newToken()
      await accountsRepo.setDeviceSecretHash(db, id, tokenHash(secret), userOf(req).username, Date.now())
      await audit(req, 'device.secret_issue', `vehicle:${id}`, null, { vehicleId: id })
      return reply
        .status(201)
        .send({ username: id, password: secret, publishUnder: `rb/v1/veh/${id}/#`, subscribeTo: topics.command(id) })
    },
  )

  app.delete(
    '/api/vehicles/:id/device-secret',
    {
      config: { access },
      schema: {
        tags: ['fleet'],
        summary: "Withdraw the vehicle's MQTT device secret (it can no longer sign in)",
        params: VehicleIdParam,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params
      if (!(await accountsRepo.deleteDeviceSecret(db, id)))
        throw new AppError('NOT_FOUND', `vehicle ${id} has no device secret`)
      await audit(req, 'device.secret_revoke', `vehicle:${id}`, { vehicleId: id }, null)
      return reply.status(204).send(null)
    },
  )
}
