export * from './range.js'
export * from './csv.js'
export * from './shape.js'
export * from './stop-hours.js'
