/** Every view of the console, in navigation order; the shell shows those the account's role allows. */
import type { View } from '../context.js'
import { driversView, vehiclesView } from './admin/fleet.js'
import { calendarsView } from './admin/calendars.js'
import { gtfsView, routesView, timetableView } from './admin/network.js'
import { settingsView } from './admin/settings.js'
import { stopsView } from './admin/stops.js'
import { usersView } from './admin/users.js'
import { alertsView } from './alerts.js'
import { geofencesView } from './geofences.js'
import { homeView } from './home.js'
import { liveMapView } from './live-map.js'
import { replayView } from './replay.js'
import { reportsView } from './reports.js'
import { rosterView } from './roster.js'
import { schoolView } from './school.js'
import { simView } from './sim.js'
import { ticketsView } from './tickets.js'
import { parcelsView } from './parcels.js'
import { bookingsView, tripsView } from './trips.js'
import { suspiciousView } from './suspicious.js'
import { noticesView } from './notices.js'
import { surveysView } from './surveys.js'
import { ratingsView } from './ratings.js'
import { gridView } from './grid.js'

export const VIEWS: View[] = [
  homeView,
  liveMapView,
  alertsView,
  tripsView,
  rosterView,
  bookingsView,
  suspiciousView,
  ticketsView,
  gridView,
  schoolView,
  parcelsView,
  noticesView,
  surveysView,
  ratingsView,
  replayView,
  geofencesView,
  reportsView,
  simView,
  stopsView,
  routesView,
  calendarsView,
  timetableView,
  vehiclesView,
  driversView,
  gtfsView,
  usersView,
  settingsView,
]
