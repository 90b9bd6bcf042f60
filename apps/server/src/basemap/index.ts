export {
  basemapSpec,
  resolvePreset,
  COUNTY_ARCHIVE_PATH,
  DEMO_ARCHIVE_PATH,
  type BasemapSpec,
  type BasemapSettings,
  type RasterLayer,
} from './presets.js'
export { basemapRoutes, parseRange } from './routes.js'
export { demoArchive } from './demo-archive.js'
export { vectorArchive } from './vector-archive.js'
export { writeArchive, tileId } from './pmtiles-writer.js'
