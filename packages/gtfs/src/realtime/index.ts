/** GTFS-Realtime feeds from the tracking engine: FeedMessages (pure), and their protobuf and JSON forms. */
export { decodeFeed, encodeFeed, feedToJson, rt, type FeedMessage, type transit_realtime } from './bindings.js'
export {
  feedHeader,
  realtimeNetwork,
  tripDescriptor,
  vehicleDescriptor,
  type FeedContext,
  type Names,
  type RealtimeNetwork,
} from './context.js'
export { INCOMING_M, vehiclePosition, vehiclePositionsFeed } from './vehicle-positions.js'
export { runningTripUpdate, tripUpdatesFeed } from './trip-updates.js'
export { alertsFeed } from './alerts.js'
