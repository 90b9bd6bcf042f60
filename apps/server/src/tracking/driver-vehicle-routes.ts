/**
 * "I am driving XY-V012" from the driver's phone (apps/driver): the signed-in driver says which
 * bus they drive now, or that they left it. Each is a `driver` event with source `app`, taken in
 * like a device's (stored as a vehicle event, handed to the tracking engine), so the bus shows
 * who is really at the wheel whatever the roster planned (docs/tracking.md#who-drives).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, VEHICLE_NUMBER_PATTERN, type Driver, type TrackingEngine } from '@rb/domain'
import type { DeviceEvent, DriverEventData } from '@rb/protocol'
import { userOf } from '../auth/guard.js'
import { ErrorResponse } from '../http/schemas.js'
import type { NetworkService } from '../network/service.js'

export interface DriverVehicleOptions {
  /** The ingest: stores the event and runs the live stages (the tracking engine among them). */
  sink: { acceptDeviceEvent(event: DeviceEvent): Promise<void> }
  engine: TrackingEngine
  network: NetworkService
  now?: () => number
}

const ON_BOARD_SOURCES = ['card', 'app', 'device'] as const

const DriverVehicleView = Type.Object({
  driver: Type.Object({ id: Type.String(), name: Type.String() }),
  current: Type.Union([
    Type.Null(),
    Type.Object({
      vehicleId: Type.String({ description: 'the bus this driver is on board, as the bus or this page last said' }),
      plate: Type.Union([Type.Null(), Type.String()]),
      source: Type.Union(
        ON_BOARD_SOURCES.map((s) => Type.Literal(s)),
        { description: 'card: the IC card in the terminal; app: this page; device: the on-board device' },
      ),
    }),
  ]),
  vehicles: Type.Array(Type.Object({ id: Type.String(), plate: Type.String() }), {
    description: 'the active buses, to pick from',
  }),
})
type DriverVehicleView = typeof DriverVehicleView.static

const VehicleChoice = Type.Object({
  vehicleId: Type.String({ pattern: VEHICLE_NUMBER_PATTERN, description: 'unified vehicle number, e.g. XY-V012' }),
})

const schema = (summary: string) => ({
  tags: ['tracking'],
  summary,
  response: { 200: DriverVehicleView, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
})

/** The bus the engine has this driver on board (not merely rostered), if any. */
function onBoardVehicle(
  engine: TrackingEngine,
  driverId: string,
): { vehicleId: string; source: (typeof ON_BOARD_SOURCES)[number] } | null {
  for (const vehicleId of engine.vehicleIds()) {
    if (engine.driverOf(vehicleId) !== driverId) continue
    const source = engine.state(vehicleId)?.driverSource
    if (source === 'card' || source === 'app' || source === 'device') return { vehicleId, source }
  }
  return null
}

export const driverVehicleRoutes: FastifyPluginAsyncTypebox<DriverVehicleOptions> = async (
  app,
  { sink, engine, network, now = Date.now },
) => {
  /** The signed-in driver on file; an account not linked to a driver number has nothing to say here. */
  const me = async (driverCode: string | undefined): Promise<Driver> => {
    if (!driverCode)
      throw new AppError('FORBIDDEN', 'this account is not linked to a driver number; ask an admin to link it')
    const d = (await network.snapshot()).drivers.find((x) => x.id === driverCode)
    if (!d) throw new AppError('NOT_FOUND', `driver ${driverCode} does not exist`)
    return d
  }

  const view = async (driver: Driver): Promise<DriverVehicleView> => {
    const net = await network.snapshot()
    const onBoard = onBoardVehicle(engine, driver.id)
    const vehicles = net.vehicles
      .filter((v) => v.status === 'active')
      .map((v) => ({ id: v.id, plate: v.plate }))
      .sort((a, b) => a.id.localeCompare(b.id))
    return {
      driver: { id: driver.id, name: driver.name },
      current: onBoard
        ? { ...onBoard, plate: net.vehicles.find((v) => v.id === onBoard.vehicleId)?.plate ?? null }
        : null,
      vehicles,
    }
  }

  const record = (vehicleId: string, driver: Driver, action: 'on' | 'off', username: string): Promise<void> => {
    const data: DriverEventData = {
      action,
      driverId: driver.id,
      name: driver.name,
      cert: driver.qualificationCert || null,
      source: 'app',
    }
    return sink.acceptDeviceEvent({ vehicleId, ts: now(), type: 'driver', data: { ...data, by: username } })
  }

  app.get(
    '/api/driver/vehicle',
    {
      schema: schema(
        'The bus the signed-in driver is on board now (as the bus or this page said), and the active buses to pick from',
      ),
    },
    async (req) => view(await me(userOf(req).driverCode)),
  )

  app.post(
    '/api/driver/vehicle',
    {
      schema: {
        ...schema(
          '"I am driving this bus": the signed-in driver takes the wheel of `vehicleId` (and leaves the bus they were on)',
        ),
        body: VehicleChoice,
      },
    },
    async (req) => {
      const user = userOf(req)
      const driver = await me(user.driverCode)
      const vehicleId = req.body.vehicleId
      const vehicle = (await network.snapshot()).vehicles.find((v) => v.id === vehicleId)
      if (!vehicle || vehicle.status !== 'active')
        throw new AppError('VEHICLE_NOT_FOUND', `there is no active bus ${vehicleId}`, { vehicleId })
      const before = onBoardVehicle(engine, driver.id)
      if (before && before.vehicleId !== vehicleId) await record(before.vehicleId, driver, 'off', user.username)
      await record(vehicleId, driver, 'on', user.username)
      return view(driver)
    },
  )

  app.delete(
    '/api/driver/vehicle',
    { schema: schema('The signed-in driver leaves the bus they are on (nothing happens when they are on none)') },
    async (req) => {
      const user = userOf(req)
      const driver = await me(user.driverCode)
      const onBoard = onBoardVehicle(engine, driver.id)
      if (onBoard) await record(onBoard.vehicleId, driver, 'off', user.username)
      return view(driver)
    },
  )
}
