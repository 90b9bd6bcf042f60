/** Every view of the console, in navigation order; the shell shows those the account's role allows. */
import type { View } from '../context.js'
import { liveMapView } from './live-map.js'

export const VIEWS: View[] = [liveMapView]
