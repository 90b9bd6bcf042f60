/** The driver page's build into apps/driver/dist (how and when: scripts/build/target.ts). */
import { webApp } from '../../../scripts/build/target.js'

// It bundles the shared HTTP client (@rb/web/http); of @rb/domain and @rb/protocol, types only.
export const driverApp = webApp({
  dir: 'apps/driver',
  label: 'the driver page (apps/driver)',
  alsoFrom: ['packages/web/src'],
})

export const buildDriver = driverApp.build
