export * from './types.js'
export * from './geometry.js'
export * from './schedule.js'
export * from './tracker.js'
