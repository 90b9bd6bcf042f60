export { CsvSyntaxError, parseCsv, type CsvRecord } from './read.js'
export {
  CSV_BOM,
  csvField,
  toCsv,
  unguardFormula,
  writeCsv,
  type CsvColumn,
  type CsvValue,
  type CsvWriteOptions,
} from './write.js'
