export * from './downsample.js'
export * from './route-geometry.js'
