/**
 * The signed-in console: top bar with role-aware navigation, the shared map, and the view the
 * hash names (`#/live`, `#/alerts`, `#/admin/stops`, …). Views are listed in views/index.ts.
 */
import type { SessionUser } from '@rb/domain'
import { roleAllows } from '@rb/domain/access'
import { AlertStore } from './alerts.js'
import { onUnauthorised } from './api.js'
import type { ConsoleConfig, Ctx, View } from './context.js'
import { emptyFilter, Fleet } from './fleet.js'
import { LiveConnection } from './live.js'
import { MapView } from './map/map-view.js'
import { NetworkData } from './network.js'
import { signOut } from './session.js'
import { AlarmSound } from './ui/alarm-sound.js'
import { clear, h } from './ui/dom.js'
import { sosBanner } from './ui/sos-banner.js'
import { VIEWS } from './views/index.js'
import { langSwitch } from './ui/lang-switch.js'
import { roleLabel } from './ui/words.js'
import { t } from './i18n/index.js'

declare global {
  interface Window {
    /** Debug handle: the map, fleet and live connection (the end-to-end tests read it). */
    rbConsole?: { map: MapView; fleet: Fleet; live: LiveConnection; ctx: Ctx; alarm: AlarmSound }
  }
}

export async function startShell(
  root: HTMLElement,
  user: SessionUser,
  config: ConsoleConfig,
  onSignedOut: () => void,
): Promise<void> {
  const mapEl = h('div', { id: 'map' })
  const viewEl = h('section', { id: 'view' })
  const nav = h('nav', { class: 'nav' })
  const link = h('span', { class: 'link-state', title: t('live connection') }, '●')
  const signOutBtn = h('button', { class: 'quiet sign-out' }, t('Sign out'))
  const bannerSlot = h('div', { class: 'banner-slot' })
  clear(
    root,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, t('Rural bus dispatch')),
      nav,
      h(
        'div',
        { class: 'me' },
        link,
        h('span', { class: 'who', title: `${user.displayName} · ${roleLabel(user.role)}` }, user.displayName),
        langSwitch(),
        h(
          'a',
          { class: 'about', href: '/about', target: '_blank', title: t('server addresses, API docs, feeds') },
          t('About'),
        ),
        signOutBtn,
      ),
    ),
    bannerSlot,
    h('main', { class: 'body' }, mapEl, viewEl),
  )
  // The sign-in click on this same page (sticky activation) already lets the alarm sound start.
  const alarm = new AlarmSound()

  const fleet = new Fleet()
  const network = new NetworkData()
  await network.load()
  const filter = emptyFilter()
  const map = new MapView(
    mapEl,
    config.basemap,
    fleet,
    () => filter,
    () => network.index,
  )
  const live = new LiveConnection(fleet)
  live.changed.on(() => map.scheduleFleet())
  live.status.on((s) => (link.className = `link-state ${s}`))
  const alerts = new AlertStore()
  live.alerts.on((batch) => alerts.apply(batch))

  const ctx: Ctx = {
    user,
    config,
    fleet,
    network,
    map,
    live,
    alerts,
    filter,
    can: (roles) => roleAllows(user.role, roles),
    async reloadNetwork() {
      await network.load()
      map.setNetwork(network.routes, network.stops, network.townships, filter.routeId)
    },
    go: (path) => {
      location.hash = `#/${path}`
    },
  }
  window.rbConsole = { map, fleet, live, ctx, alarm }

  // SOS alarms: the banner over every view, the sound, the red dot on the map (staff who handle alerts).
  if (ctx.can(['dispatcher', 'operator'])) {
    const banner = sosBanner({
      alerts,
      fleet,
      map,
      network,
      sound: alarm,
      onFleetChange: (fn) => live.changed.on(fn),
      go: ctx.go,
    })
    bannerSlot.append(banner.el)
    void alerts.load().catch(() => {})
  }

  const visible = VIEWS.filter((v) => ctx.can(v.roles))
  const groups = new Map<string, View[]>()
  for (const v of visible) {
    const g = v.path.startsWith('admin/') ? t('Admin') : ''
    groups.set(g, [...(groups.get(g) ?? []), v])
  }
  clear(
    nav,
    [...groups.entries()].map(([group, views]) =>
      group
        ? h(
            'details',
            { class: 'group' },
            h('summary', null, group),
            h(
              'div',
              { class: 'menu' },
              views.map((v) => h('a', { href: `#/${v.path}`, dataset: { path: v.path } }, t(v.title))),
            ),
          )
        : views.map((v) => h('a', { href: `#/${v.path}`, dataset: { path: v.path } }, t(v.title))),
    ),
  )

  // Unacknowledged alerts, on the navigation.
  const alertLink = nav.querySelector<HTMLAnchorElement>('a[data-path=alerts]')
  if (alertLink) {
    const badge = h('b', { class: 'count' })
    alertLink.append(badge)
    const show = (): void => {
      const n = alerts.unacknowledged()
      badge.textContent = n ? String(n) : ''
    }
    alerts.changed.on(show)
  }

  let unmount: (() => void) | void
  const route = (): void => {
    const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?')
    const view = visible.find((v) => v.path === path) ?? visible[0]
    if (!view) {
      clear(
        viewEl,
        h(
          'div',
          { class: 'page' },
          h('h1', null, t('No console views for this account')),
          h(
            'p',
            null,
            t('The {role} role has no console pages; drivers use their manifest on the phone or terminal.', {
              role: roleLabel(user.role),
            }),
          ),
        ),
      )
      return
    }
    if (typeof unmount === 'function') unmount()
    clear(viewEl)
    viewEl.className = view.map ? 'map-view' : 'page-view'
    mapEl.style.visibility = view.map ? 'visible' : 'hidden'
    map.visible = view.map
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.path === view.path)
    for (const d of nav.querySelectorAll('details')) d.open = false
    document.title = `${t(view.title)} · ${t('Rural bus dispatch')}`
    if (view.map) {
      map.resize()
      map.scheduleFleet()
    }
    unmount = view.mount(viewEl, ctx, new URLSearchParams(query))
  }

  signOutBtn.addEventListener('click', () => {
    void signOut().finally(() => {
      live.close()
      onSignedOut()
    })
  })
  onUnauthorised(() => {
    live.close()
    onSignedOut()
  })

  await map.whenReady()
  map.setNetwork(network.routes, network.stops, network.townships)
  map.fitTo(network.home)
  window.addEventListener('hashchange', route)
  route()
}
