import { PortInUseError } from './broker/embedded.js'
import type { Config } from './config.js'

/**
 * Starts a listener on its configured port. When that port was only the default (the variable is
 * unset) and something else holds it — a system Mosquitto on 1883 — it takes any free port and
 * says so; a port the operator chose explicitly stays a clear error naming the variable.
 */
export async function listenWithFallback<T>(
  config: Config,
  variable: string,
  port: number,
  start: (port: number) => Promise<T>,
  log: { warn(obj: object, msg: string): void },
): Promise<T> {
  try {
    return await start(port)
  } catch (err) {
    if (!(err instanceof PortInUseError) || !config.defaulted.has(variable) || port === 0) throw err
    log.warn(
      { port, variable },
      `default port ${port} is taken; listening on a free port instead (set ${variable} to choose one)`,
    )
    return start(0)
  }
}
