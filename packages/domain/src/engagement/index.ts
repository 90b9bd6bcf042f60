export * from './notices.js'
export * from './surveys.js'
