/**
 * The official GTFS-Realtime bindings (MobilityData's `gtfs-realtime-bindings`, protobufjs classes
 * generated from gtfs-realtime.proto): encoding, decoding, and the JSON form people read.
 */
import bindings from 'gtfs-realtime-bindings'
import type { transit_realtime } from 'gtfs-realtime-bindings'

export type { transit_realtime }
/** The runtime namespace: `rt.FeedMessage`, `rt.VehiclePosition.VehicleStopStatus`, … */
export const rt: typeof transit_realtime = bindings.transit_realtime

export type FeedMessage = transit_realtime.IFeedMessage

/** Protobuf bytes of a feed (what `application/x-protobuf` consumers read). */
export function encodeFeed(feed: FeedMessage): Uint8Array {
  return rt.FeedMessage.encode(rt.FeedMessage.fromObject(feed)).finish()
}

/** Reads protobuf bytes; throws on bytes that are not a FeedMessage. */
export function decodeFeed(bytes: Uint8Array): transit_realtime.FeedMessage {
  return rt.FeedMessage.decode(bytes)
}

/**
 * The same feed as plain JSON: the protobuf's own field names (lowerCamelCase, as protobuf's JSON
 * mapping writes them), enums by name, 64-bit times as numbers. Built from the encoded bytes, so it
 * shows exactly what the protobuf carries.
 */
export function feedToJson(feed: FeedMessage): Record<string, unknown> {
  return rt.FeedMessage.toObject(decodeFeed(encodeFeed(feed)), { enums: String, longs: Number })
}
