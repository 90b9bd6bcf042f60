/**
 * Test-only loader for the JT/T 808 vectors committed beside this file (see README.md here).
 */
// eslint-disable-next-line no-restricted-imports -- test fixture loader; the codec never imports it
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface VectorHeader {
  msgId: string
  attr: string
  bodyLength: number
  encryption: number
  subpackage: boolean
  version2019: boolean
  protocolVersion: number | null
  terminalPhone: string
  serial: number
}

export interface VectorItem {
  id: string
  len: number
  valueHex: string
}

export interface VectorLocation {
  alarmFlags: string
  alarmBitsSet: number[]
  statusFlags: string
  statusBitsSet: number[]
  acc: boolean
  positioned: boolean
  latitude: number
  longitude: number
  altitude_m: number
  speed_kmh: number
  direction_deg: number
  timeUtc: string
  additionalItems: VectorItem[]
}

export interface Vector {
  name: string
  hex: string
  hex_unescaped?: string
  msgId: string | null
  protocolVersion: string | null
  source: string
  notes: string
  expected: Record<string, unknown>
  expected_source: string
  decoded_by_spec?: { header: VectorHeader; body: Record<string, unknown> }
  checks: { checksum?: string; checksumOk?: boolean; wireNeedsEscaping?: boolean }
}

const CANDIDATES = [
  new URL('./vectors.json', import.meta.url),
]

export function loadVectors(): Vector[] {
  for (const url of CANDIDATES) {
    const path = fileURLToPath(url)
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Vector[]
  }
  throw new Error(`JT/T 808 vectors not found; looked in ${CANDIDATES.map((u) => fileURLToPath(u)).join(', ')}`)
}
