/** GTFS static import and export: bytes in, data out (no files, no clock). */
export { GtfsError, type GtfsErrorCode } from './errors.js'
export { exportGtfs, type GtfsExportOptions } from './export.js'
export { importGtfs, type GtfsImport } from './import.js'
export { validateGtfs } from './validate.js'
