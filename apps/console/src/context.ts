/** What every view is given: who is signed in, the live fleet, the network, the map. */
import type { Role, SessionUser } from '@rb/domain'
import type { AlertStore } from './alerts.js'
import type { Fleet, FleetFilter } from './fleet.js'
import type { LiveConnection } from './live.js'
import type { MapView } from './map/map-view.js'
import type { NetworkData } from './network.js'
import type { BasemapConfig } from './map/style.js'
import type { MessageKey } from './i18n/index.js'

export interface ConsoleConfig {
  basemap: BasemapConfig
  /** The server's console-relevant facts (MQTT address, JT/T 808 port) for the About page. */
  server: { mqtt: string; jt808Port: number | null }
}

export interface Ctx {
  user: SessionUser
  config: ConsoleConfig
  fleet: Fleet
  network: NetworkData
  map: MapView
  live: LiveConnection
  alerts: AlertStore
  filter: FleetFilter
  /** May the signed-in account do what these roles may (admin may everything)? */
  can(roles: readonly Role[]): boolean
  /** Re-reads the network and redraws its layers (after an edit or import). */
  reloadNetwork(): Promise<void>
  /** Opens a view by hash path, e.g. `live?vehicle=XY-V001`. */
  go(path: string): void
}

export interface View {
  path: string
  /** In English; the navigation shows it in the page's language. */
  title: MessageKey
  /** Who sees it in the navigation (admin always). */
  roles: readonly Role[]
  /** Map views draw over the map; the others cover it. */
  map: boolean
  /** Builds the view into `el`; returns what undoes it (listeners, timers). */
  mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): (() => void) | void
}
