export * from './types.js'
export * from './ids.js'
export * from './timetable.js'
export * from './route-input.js'
