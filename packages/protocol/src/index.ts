export * from './position.js'
export * from './topics.js'
export * from './telemetry.js'
export * from './live.js'
