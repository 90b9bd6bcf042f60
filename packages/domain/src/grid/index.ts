export * from './points.js'
