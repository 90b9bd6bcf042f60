/** 0x0100 terminal register, in its 2011, 2013 and 2019 layouts. */
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import { decodeFixedText, encodeFixedText, encodeGbk } from '../text.js'

export type RegisterLayout = '2011' | '2013' | '2019'

/** Widths of manufacturer id, terminal model and terminal id per layout. */
const WIDTHS: Record<RegisterLayout, { manufacturer: number; model: number; terminalId: number }> = {
  '2011': { manufacturer: 5, model: 8, terminalId: 7 },
  '2013': { manufacturer: 5, model: 20, terminalId: 7 },
  '2019': { manufacturer: 11, model: 30, terminalId: 30 },
}

/** Province, city, the three text fields and plate colour: the plate is the rest. */
const fixedBytes = (layout: RegisterLayout): number => {
  const w = WIDTHS[layout]
  return 2 + 2 + w.manufacturer + w.model + w.terminalId + 1
}

export interface TerminalRegister {
  /** Which body layout carried it; the 2019 layout goes with a 2019 header, the others without. */
  layout: RegisterLayout
  /** GB/T 2260 province code. */
  provinceId: number
  /** GB/T 2260 city or county code. */
  cityId: number
  manufacturerId: string
  terminalModel: string
  terminalId: string
  /** JT/T 415 plate colour; 0 means unplated and `plate` then holds the VIN. */
  plateColor: number
  plate: string
}

/**
 * The 2011 and 2013 layouts share a header, so the body length tells them apart: a 2013 body has
 * at least 37 bytes. A 2011 body whose plate is a VIN of 12+ bytes would be misread as 2013.
 */
export function decodeRegister(body: Uint8Array, header2019: boolean): TerminalRegister {
  const layout: RegisterLayout = header2019 ? '2019' : body.length < fixedBytes('2013') ? '2011' : '2013'
  const w = WIDTHS[layout]
  const r = new ByteReader(body, `terminal register (${layout} layout)`)
  return {
    layout,
    provinceId: r.u16('province id'),
    cityId: r.u16('city id'),
    manufacturerId: decodeFixedText(r.bytes(w.manufacturer, 'manufacturer id')),
    terminalModel: decodeFixedText(r.bytes(w.model, 'terminal model')),
    terminalId: decodeFixedText(r.bytes(w.terminalId, 'terminal id')),
    plateColor: r.u8('plate colour'),
    plate: decodeFixedText(r.rest()),
  }
}

export function encodeRegister(reg: TerminalRegister, header2019: boolean): Uint8Array {
  if ((reg.layout === '2019') !== header2019) {
    throw new Jt808Error(
      'BAD_FIELD',
      `a ${reg.layout}-layout register body needs a ${header2019 ? '2011/2013' : '2019'} header`,
    )
  }
  const w = WIDTHS[reg.layout]
  const pad = reg.layout === '2019' ? 'before' : 'after'
  const plate = encodeGbk(reg.plate, 'plate')
  if (plate[0] === 0 || plate[plate.length - 1] === 0) {
    throw new Jt808Error('BAD_FIELD', 'plate must not start or end with NUL')
  }
  const out = new ByteWriter()
    .u16(reg.provinceId, 'provinceId')
    .u16(reg.cityId, 'cityId')
    .bytes(encodeFixedText(reg.manufacturerId, w.manufacturer, 'manufacturerId', pad))
    .bytes(encodeFixedText(reg.terminalModel, w.model, 'terminalModel', pad))
    .bytes(encodeFixedText(reg.terminalId, w.terminalId, 'terminalId', pad))
    .u8(reg.plateColor, 'plateColor')
    .bytes(plate)
  if (reg.layout === '2011' && out.length >= fixedBytes('2013')) {
    throw new Jt808Error(
      'BAD_FIELD',
      'a 2011-layout register body of 37+ bytes would be read back as 2013; shorten the plate',
    )
  }
  return out.finish()
}
