import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  AppError,
  maskPhone,
  serviceDayOf,
  yearsOfService,
  type Driver as DriverModel,
  type Vehicle as VehicleModel,
} from '@rb/domain'
import { networkRepo } from '@rb/db'
import { dateParam, type NetworkService } from '../../network/service.js'
import { ErrorResponse } from '../../http/schemas.js'
import {
  Driver,
  DriverBody,
  DriverNumber,
  FleetStatus,
  Page,
  Paging,
  Vehicle,
  VehicleBody,
  VehicleNumber,
} from './schemas.js'

export const fleetRoutes: FastifyPluginAsyncTypebox<{ network: NetworkService; now?: () => number }> = async (
  app,
  { network, now = Date.now },
) => {
  const db = network.db
  // Phones are stored for operations and shown masked (the full number is for dispatchers, with accounts).
  const publicDriver = (d: DriverModel) => ({
    id: d.id,
    name: d.name,
    phoneMasked: maskPhone(d.phone),
    licenceClass: d.licenceClass,
    qualificationCert: d.qualificationCert,
    photoUrl: d.photoUrl,
    pioneer: d.pioneer,
    serviceSince: d.serviceSince,
    yearsOfService: yearsOfService(d.serviceSince, serviceDayOf(now())),
    status: d.status,
  })

  app.get(
    '/api/vehicles',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Vehicles',
        querystring: Type.Object({
          status: Type.Optional(FleetStatus),
          q: Type.Optional(Type.String({ maxLength: 40 })),
          ...Paging,
        }),
        response: { 200: Page(Vehicle) },
      },
    },
    async (req) => ({
      ...(await networkRepo.listVehicles(db, {
        status: req.query.status,
        q: req.query.q,
        limit: req.query.limit,
        offset: req.query.offset,
      })),
      limit: req.query.limit,
      offset: req.query.offset,
    }),
  )

  app.get(
    '/api/vehicles/:id',
    {
      schema: {
        tags: ['fleet'],
        params: Type.Object({ id: VehicleNumber }),
        response: { 200: Vehicle, 404: ErrorResponse },
      },
    },
    async (req) => {
      const v = await networkRepo.findVehicle(db, 'id', req.params.id)
      if (!v) throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${req.params.id} does not exist`)
      return v
    },
  )

  app.put(
    '/api/vehicles/:id',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Create or replace a vehicle by unified number',
        params: Type.Object({ id: VehicleNumber }),
        body: VehicleBody,
        response: { 200: Vehicle, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => {
      const v: VehicleModel = { ...req.body, id: req.params.id }
      const net = await network.snapshot()
      if (!net.operators.some((o) => o.id === v.operatorId))
        throw new AppError('VALIDATION_FAILED', `operator ${v.operatorId} does not exist`)
      const clash = net.vehicles.find(
        (o) =>
          o.id !== v.id &&
          (o.plate === v.plate ||
            (v.deviceId && o.deviceId === v.deviceId) ||
            (v.jt808Phone && o.jt808Phone === v.jt808Phone)),
      )
      if (clash)
        throw new AppError('CONFLICT', `vehicle ${clash.id} already has that plate, device id or terminal phone`)
      await networkRepo.saveVehicle(db, v)
      network.changed()
      return v
    },
  )

  app.delete(
    '/api/vehicles/:id',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Retire a vehicle',
        params: Type.Object({ id: VehicleNumber }),
        response: { 200: Vehicle, 404: ErrorResponse },
      },
    },
    async (req) => {
      if (!(await networkRepo.setFleetStatus(db, 'vehicle', req.params.id, 'retired')))
        throw new AppError('VEHICLE_NOT_FOUND', `vehicle ${req.params.id} does not exist`)
      network.changed()
      return (await networkRepo.findVehicle(db, 'id', req.params.id)) as VehicleModel
    },
  )

  app.get(
    '/api/drivers',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Drivers (phones masked)',
        querystring: Type.Object({
          status: Type.Optional(FleetStatus),
          pioneer: Type.Optional(Type.Boolean()),
          q: Type.Optional(Type.String({ maxLength: 40 })),
          ...Paging,
        }),
        response: { 200: Page(Driver) },
      },
    },
    async (req) => {
      const page = await networkRepo.listDrivers(db, {
        status: req.query.status,
        pioneer: req.query.pioneer,
        q: req.query.q,
        limit: req.query.limit,
        offset: req.query.offset,
      })
      return { ...page, items: page.items.map(publicDriver), limit: req.query.limit, offset: req.query.offset }
    },
  )

  app.get(
    '/api/drivers/:id',
    {
      schema: {
        tags: ['fleet'],
        params: Type.Object({ id: DriverNumber }),
        response: { 200: Driver, 404: ErrorResponse },
      },
    },
    async (req) => {
      const d = await networkRepo.getDriver(db, req.params.id)
      if (!d) throw new AppError('NOT_FOUND', `driver ${req.params.id} does not exist`)
      return publicDriver(d)
    },
  )

  app.put(
    '/api/drivers/:id',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Create or replace a driver by unified number',
        params: Type.Object({ id: DriverNumber }),
        body: DriverBody,
        response: { 200: Driver, 400: ErrorResponse },
      },
    },
    async (req) => {
      const d: DriverModel = { ...req.body, id: req.params.id, serviceSince: dateParam(req.body.serviceSince) }
      await networkRepo.saveDriver(db, d)
      network.changed()
      return publicDriver(d)
    },
  )

  app.delete(
    '/api/drivers/:id',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Retire a driver',
        params: Type.Object({ id: DriverNumber }),
        response: { 200: Driver, 404: ErrorResponse },
      },
    },
    async (req) => {
      if (!(await networkRepo.setFleetStatus(db, 'driver', req.params.id, 'retired')))
        throw new AppError('NOT_FOUND', `driver ${req.params.id} does not exist`)
      network.changed()
      return publicDriver((await networkRepo.getDriver(db, req.params.id)) as DriverModel)
    },
  )
}
