/** The dispatcher console's build into apps/console/dist (how and when: scripts/build/target.ts). */
import { webApp } from '../../../scripts/build/target.js'

export const consoleApp = webApp({
  dir: 'apps/console',
  label: 'the dispatcher console (apps/console)',
  // The role rules it bundles without the rest of @rb/domain (vite.config.ts aliases them).
  alsoFrom: ['packages/domain/src/access'],
})

export const buildConsole = consoleApp.build
