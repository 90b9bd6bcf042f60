export * from './downsample.js'
