export * from './errors.js'
export * from './calendar/index.js'
