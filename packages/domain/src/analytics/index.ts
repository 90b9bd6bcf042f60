export * from './range.js'
// Report downloads are spreadsheet CSV, written by the one CSV module.
export { CSV_BOM, csvField, toCsv, type CsvColumn } from '@rb/csv'
export * from './shape.js'
export * from './stop-hours.js'
