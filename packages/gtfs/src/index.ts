/**
 * GTFS: the static feed (import, export, validation) and GTFS-Realtime (trip updates, vehicle
 * positions, alerts) translated to and from the network model and the tracking engine of
 * `@rb/domain`. Kept out of `@rb/protocol`, whose wire contracts import no domain logic.
 */
export * as gtfs from './static/index.js'
export * as gtfsRt from './realtime/index.js'
