/** Starts the server: reads config, builds the app, listens, and shuts down cleanly on signals. */
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { PortInUseError } from './broker/embedded.js'
import { listenWithFallback } from './ports.js'

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  // A signal while start-up waits for the database ends the wait (and the process) cleanly.
  const starting = new AbortController()
  const stopStarting = (): void => starting.abort(new StartAborted())
  process.once('SIGTERM', stopStarting)
  process.once('SIGINT', stopStarting)
  const app = await buildApp(config, { waitForDatabase: { signal: starting.signal } })
  process.off('SIGTERM', stopStarting)
  process.off('SIGINT', stopStarting)
  const listen = async (port: number): Promise<void> => {
    try {
      await app.listen({ port, host: config.host })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, 'PORT')
      throw err
    }
  }
  try {
    await listenWithFallback(config, 'PORT', config.port, listen, app.log)
  } catch (err) {
    await app.close()
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const mqtt = config.mqttUrl ?? `mqtt://localhost:${app.rb.mqttPort} (embedded)`
  app.log.info({ url: `http://localhost:${port}`, mqtt }, `rural bus server ready at http://localhost:${port}`)

  if (config.simVehicles !== 0) {
    app.log.info(
      { vehicles: config.simVehicles, speed: config.simSpeed },
      "starting a simulated demo fleet on today's timetable (SIM_VEHICLES=0 turns it off)",
    )
    app.rb.sim.start({ vehicles: config.simVehicles, speed: config.simSpeed })
  }

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'shutting down: writing pending points first')
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

class StartAborted extends Error {
  constructor() {
    super('stopped while waiting for the database')
    this.name = 'StartAborted'
  }
}

main().catch((err: unknown) => {
  if (err instanceof StartAborted) {
    console.error(err.message)
    process.exit(0)
  }
  if (err instanceof ConfigError || err instanceof PortInUseError) console.error(`error: ${err.message}`)
  else console.error(err)
  process.exit(1)
})
