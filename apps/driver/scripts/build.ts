/** The driver page's build into apps/driver/dist (how and when: scripts/build/target.ts). */
import { webApp } from '../../../scripts/build/target.js'

export const driverApp = webApp({ dir: 'apps/driver', label: 'the driver page (apps/driver)' })

export const buildDriver = driverApp.build
