export * from './points.js'
export * from './parcels.js'
