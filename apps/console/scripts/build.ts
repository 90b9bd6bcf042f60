/** The dispatcher console's build into apps/console/dist (how and when: scripts/build/target.ts). */
import { webApp } from '../../../scripts/build/target.js'

export const consoleApp = webApp({
  dir: 'apps/console',
  label: 'the dispatcher console (apps/console)',
  // The slices of @rb/domain it bundles without the rest: the role rules (aliased in
  // vite.config.ts) and the market-day digit sets (@rb/domain/market-digits).
  alsoFrom: ['packages/domain/src/access', 'packages/domain/src/calendar/market-digits.ts'],
})

export const buildConsole = consoleApp.build
