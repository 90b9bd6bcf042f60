export * from './notices.js'
export * from './surveys.js'
export * from './ratings.js'
