/** The dispatcher console's build into apps/console/dist (how and when: scripts/build/target.ts). */
import { webApp } from '../../../scripts/build/target.js'

export const consoleApp = webApp({
  dir: 'apps/console',
  label: 'the dispatcher console (apps/console)',
  // The slices of the workspaces it bundles without the rest: the role rules (aliased in
  // vite.config.ts), the market-day digit sets (@rb/domain/market-digits), the track codec
  // (@rb/protocol/track) and the shared HTTP client (@rb/web/http).
  alsoFrom: [
    'packages/domain/src/access',
    'packages/domain/src/calendar/market-digits.ts',
    'packages/protocol/src/track.ts',
    'packages/web/src',
  ],
})

export const buildConsole = consoleApp.build
