/** Shared by the vector tests: look-ups and the wire integers the suites assert. */
import { expect } from 'vitest'
import { decodeMessage, encodeBcdTime, fromHex, toHex, type Jt808Body, type Jt808Message, type LocationReport } from '../index.js'
import { loadVectors, type Vector } from './load-vectors.js'

export const vectors: Vector[] = loadVectors()

export const byName = (name: string): Vector => {
  const v = vectors.find((x) => x.name === name)
  if (!v) throw new Error(`no vector ${name}`)
  return v
}

export const decodeVector = (name: string): Jt808Message => decodeMessage(fromHex(byName(name).hex))

export function bodyAs<K extends Jt808Body['kind']>(msg: Jt808Message, kind: K): Extract<Jt808Body, { kind: K }> {
  expect(msg.body.kind).toBe(kind)
  return msg.body as Extract<Jt808Body, { kind: K }>
}

/** Wire integers back from decoded units, as the suites assert them. */
export const raw = {
  lat: (l: LocationReport): number => Math.round(Math.abs(l.lat) * 1e6),
  lng: (l: LocationReport): number => Math.round(Math.abs(l.lng) * 1e6),
  speed: (l: LocationReport): number => Math.round(l.speedKmh * 10),
  time: (l: LocationReport): string => toHex(encodeBcdTime(l.ts)),
  tenths: (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v * 10)),
}
