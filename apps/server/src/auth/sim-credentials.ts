/**
 * Credentials for the simulated fleets the server runs itself (in a worker thread): an in-memory
 * dispatcher session for reading the network from the API, and — when the embedded broker signs
 * devices in — a run secret every simulated vehicle signs in with under its own id. Both die with
 * the run and never touch the database.
 */
import type { SimCredentials } from '../sim/control.js'
import type { DeviceAuth } from '../broker/device-auth.js'
import type { AuthService } from './service.js'

export function simCredentials(auth: AuthService, deviceAuth: DeviceAuth | undefined): () => SimCredentials {
  return () => {
    const api = auth.issueInternal('sim', 'dispatcher')
    const mqtt = deviceAuth?.issueRunSecret()
    return {
      apiToken: api.token,
      ...(mqtt ? { mqttUsername: '{vehicle}', mqttPassword: mqtt.secret } : {}),
      revoke: () => {
        api.revoke()
        mqtt?.revoke()
      },
    }
  }
}
