/** Every view of the console, in navigation order; the shell shows those the account's role allows. */
import type { View } from '../context.js'
import { liveMapView } from './live-map.js'
import { replayView } from './replay.js'
import { simView } from './sim.js'

export const VIEWS: View[] = [liveMapView, replayView, simView]
