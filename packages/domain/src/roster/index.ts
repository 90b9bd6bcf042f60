export * from './types.js'
export * from './rules.js'
export * from './planner.js'
export * from './generate.js'
