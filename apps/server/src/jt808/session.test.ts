import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jt808, type DeviceEvent, type Position, type VehicleStatus } from '@rb/protocol'
import type { Db } from '@rb/db'
import { testDatabases, type TestDatabaseTarget } from '../../../../packages/db/src/testing/databases.js'
import { createMetrics } from '../metrics.js'
import { AlarmTracker } from './alarms.js'
import type { TerminalRegistry } from './registry.js'
import { Jt808Session, type SessionHooks } from './session.js'
import { createSubpackageStore, DEFAULT_SUBPACKAGE_LIMITS } from './subpackages.js'

const { MSG_ID, REPLY_RESULT, REGISTER_RESULT } = jt808
const PHONE = '013912345678'
const T0 = Date.UTC(2026, 4, 9, 0, 42, 27)
const metrics = createMetrics()
const silent = { debug() {}, info() {}, warn() {}, error() {} }
/** Packets of sub-packaged messages wait in the real (embedded) database. */
let db: Db
beforeAll(async () => {
  db = (await (testDatabases()[0] as TestDatabaseTarget).open()).db
})
afterAll(async () => {
  await db?.close()
})

const location = (over: Partial<jt808.LocationInput> = {}): jt808.Jt808BodyInput => ({
  kind: 'location',
  alarmRaw: 0,
  statusRaw: jt808.statusFlagsToRaw({ accOn: true, located: true }),
  lat: 28.166667,
  lng: 105.441389,
  altitudeM: 372,
  speedKmh: 38.5,
  headingDeg: 271,
  ts: T0,
  ...over,
})
const register: jt808.Jt808BodyInput = {
  kind: 'register',
  layout: '2013',
  provinceId: 51,
  cityId: 524,
  manufacturerId: 'XYBUS',
  terminalModel: 'TG808',
  terminalId: 'T000001',
  plateColor: 1,
  plate: '川EA1234',
}
const auth = (authCode: string): jt808.Jt808BodyInput => ({ kind: 'auth', authCode, imei: null, softwareVersion: null })

interface Deferred {
  resolve(): void
  reject(err: Error): void
}

/** A session wired to in-memory fakes; commits resolve only when the test says so (or at once). */
function setup(opts: { autoCommit?: boolean; replyTimeoutMs?: number; release?: boolean } = {}) {
  const written: jt808.Jt808Message[] = []
  const positions: Position[] = []
  const statuses: [string, VehicleStatus][] = []
  const events: DeviceEvent[] = []
  const commits: Deferred[] = []
  let hungUp = false
  const commit = (): Promise<void> =>
    opts.autoCommit === false
      ? new Promise<void>((resolve, reject) => commits.push({ resolve, reject }))
      : Promise.resolve()
  const registry: TerminalRegistry = {
    register: async (phone) =>
      phone === '13912345678'
        ? { result: REGISTER_RESULT.success, authCode: 'code-1', vehicleId: 'XY-V101', detail: '' }
        : { result: REGISTER_RESULT.terminalNotFound, authCode: '', vehicleId: null, detail: '' },
    authenticate: async (phone, code) =>
      phone === '13912345678' && code === 'code-1' ? { ok: true, vehicleId: 'XY-V101' } : { ok: false, detail: 'no' },
    deregister: async () => {},
  }
  const tracker = new AlarmTracker()
  const hooks: SessionHooks = {
    registry,
    subpackages: createSubpackageStore(db, DEFAULT_SUBPACKAGE_LIMITS, () => T0 + 1000),
    sink: {
      acceptDecoded: (p) => (positions.push(...p), commit()),
      acceptStatus: async (v, s) => void statuses.push([v, s]),
      acceptDeviceEvent: (e) => (events.push(e), commit()),
    },
    metrics,
    log: silent,
    now: () => T0 + 1000,
    replyTimeoutMs: opts.replyTimeoutMs ?? 1000,
    alarmsOf: () => tracker,
    bind: () => {},
    release: () => opts.release ?? true,
  }
  const session = new Jt808Session(
    hooks,
    { write: (b) => written.push(jt808.decodeMessage(b)), hangUp: () => (hungUp = true) },
    'test',
  )
  let serial = 100
  const feed = async (body: jt808.Jt808BodyInput, phone = PHONE): Promise<number> => {
    const s = serial++
    await session.handleFrame(jt808.decodeFrame(jt808.encodeMessage({ phone, protocolVersion: null, serial: s }, body)))
    return s
  }
  const login = async (): Promise<void> => {
    await feed(register)
    await feed(auth('code-1'))
  }
  const settle = () => new Promise((r) => setTimeout(r, 0))
  return { session, written, positions, statuses, events, commits, feed, login, settle, hungUp: () => hungUp }
}

const replyOf = (m: jt808.Jt808Message | undefined) => {
  if (m?.body.kind !== 'platformGeneralReply') throw new Error(`expected 0x8001, got ${m?.body.kind}`)
  return m.body
}

describe('Jt808Session', () => {
  it('registers, authenticates and numbers its own replies from 0 on the connection', async () => {
    const t = setup()
    const regSerial = await t.feed(register)
    const authSerial = await t.feed(auth('code-1'))
    expect(t.written.map((m) => m.header.serial)).toEqual([0, 1])
    expect(t.written[0]?.body).toEqual({ kind: 'registerReply', ackSerial: regSerial, result: 0, authCode: 'code-1' })
    expect(replyOf(t.written[1])).toEqual({
      kind: 'platformGeneralReply',
      ackSerial: authSerial,
      ackMsgId: MSG_ID.auth,
      result: 0,
    })
    expect(t.written[1]?.header.phone).toBe(PHONE)
    expect(t.session.vehicleId).toBe('XY-V101')
    await t.settle()
    expect(t.statuses).toEqual([['XY-V101', 'online']])
  })

  it('refuses locations before auth and takes nothing', async () => {
    const t = setup()
    await t.feed(register)
    const s = await t.feed(location())
    expect(replyOf(t.written[1])).toMatchObject({
      ackSerial: s,
      ackMsgId: MSG_ID.location,
      result: REPLY_RESULT.failure,
    })
    expect(t.positions).toEqual([])
    await t.feed(auth('wrong'))
    expect(replyOf(t.written[2]).result).toBe(REPLY_RESULT.failure)
    await t.feed(location())
    expect(t.positions).toEqual([])
  })

  it('acknowledges a location only once it is committed', async () => {
    const t = setup({ autoCommit: false })
    await t.login()
    const s = await t.feed(location())
    expect(t.positions).toMatchObject([
      { vehicleId: 'XY-V101', ts: T0, lng: 105.441389, lat: 28.166667, source: 'jt808' },
    ])
    expect(t.written).toHaveLength(2)
    t.commits[0]?.resolve()
    await t.settle()
    expect(replyOf(t.written[2])).toMatchObject({ ackSerial: s, ackMsgId: MSG_ID.location, result: 0 })
  })

  it('does not acknowledge points the pipeline refused (shutting down)', async () => {
    const t = setup({ autoCommit: false })
    await t.login()
    await t.feed(location())
    t.commits[0]?.reject(new Error('server is shutting down'))
    await t.session.settled()
    expect(t.written).toHaveLength(2)
  })

  it('takes nothing from another phone on an authenticated connection', async () => {
    const t = setup()
    await t.login()
    await t.feed(location(), '013900000000')
    expect(replyOf(t.written[2]).result).toBe(REPLY_RESULT.failure)
    expect(t.positions).toEqual([])
  })

  it('answers unknown ids with "not supported" and undecodable bodies with "message error"', async () => {
    const t = setup()
    await t.feed({ kind: 'raw', msgId: 0x0900, bytes: new Uint8Array([1, 2, 3]) })
    await t.feed({ kind: 'raw', msgId: MSG_ID.location, bytes: new Uint8Array(10) })
    expect(t.written.map((m) => replyOf(m).result)).toEqual([REPLY_RESULT.unsupported, REPLY_RESULT.messageError])
  })

  it('raises an alarm event once while the bit stays set, and acknowledges after it is stored', async () => {
    const t = setup()
    await t.login()
    const sos = jt808.alarmFlagsToRaw({ sos: true })
    await t.feed(location({ alarmRaw: sos }))
    await t.feed(location({ alarmRaw: sos, ts: T0 + 10_000 }))
    await t.settle()
    expect(t.events).toEqual([
      {
        vehicleId: 'XY-V101',
        ts: T0,
        type: 'alarm',
        data: { alarm: 'sos', source: 'jt808', lng: 105.441389, lat: 28.166667 },
      },
    ])
    expect(t.written.slice(2).map((m) => replyOf(m).result)).toEqual([0, 0])
  })

  it('turns a driver card report into a driver event, acknowledged once it is stored', async () => {
    const t = setup({ autoCommit: false })
    const card = {
      name: '王建国',
      cert: '5105242008123456',
      authority: '叙永县交通运输局',
      validUntil: '2030-12-31',
      idCard: null,
    }
    const before = await t.feed({ kind: 'driverIdentity', status: 1, ts: T0, readResult: 0, card })
    expect(replyOf(t.written[0])).toMatchObject({
      ackSerial: before,
      ackMsgId: MSG_ID.driverIdentity,
      result: REPLY_RESULT.failure,
    })
    await t.login()
    const s = await t.feed({ kind: 'driverIdentity', status: 1, ts: T0, readResult: 0, card })
    expect(t.events).toEqual([
      {
        vehicleId: 'XY-V101',
        ts: T0,
        type: 'driver',
        data: {
          action: 'on',
          cert: '5105242008123456',
          name: '王建国',
          authority: '叙永县交通运输局',
          validUntil: '2030-12-31',
          source: 'card',
          readResult: 0,
        },
      },
    ])
    expect(t.written).toHaveLength(3)
    t.commits[0]?.resolve()
    await t.settle()
    expect(replyOf(t.written[3])).toMatchObject({ ackSerial: s, ackMsgId: MSG_ID.driverIdentity, result: 0 })
    // Removed a minute later, by a terminal whose clock runs ahead: never later than the server's clock.
    await t.feed({ kind: 'driverIdentity', status: 2, ts: T0 + 60_000, readResult: null, card: null })
    expect(t.events[1]).toEqual({
      vehicleId: 'XY-V101',
      ts: T0 + 1000,
      type: 'driver',
      data: {
        action: 'off',
        cert: null,
        name: null,
        authority: null,
        validUntil: null,
        source: 'card',
        readResult: null,
      },
    })
    // A body cut short is a message error, and nothing is taken.
    await t.feed({ kind: 'raw', msgId: MSG_ID.driverIdentity, bytes: new Uint8Array([1, 0x26, 0x05]) })
    expect(replyOf(t.written.at(-1)).result).toBe(REPLY_RESULT.messageError)
    expect(t.events).toHaveLength(2)
  })

  it('stores a sub-packaged blind-area batch, answering every packet', async () => {
    const t = setup()
    await t.login()
    const items = Array.from(
      { length: 12 },
      (_, i) => location({ ts: T0 - 600_000 + i * 10_000 }) as jt808.LocationInput,
    )
    const frames = jt808.encodeSubpackaged(
      { phone: PHONE, protocolVersion: null, serial: 500 },
      { kind: 'batchLocation', uploadType: jt808.BATCH_TYPE.backfill, items },
      200,
    )
    expect(frames.length).toBeGreaterThan(1)
    for (const f of frames) await t.session.handleFrame(jt808.decodeFrame(f))
    // The last packet is answered once every packet is stored and the points committed: wait for that.
    for (let i = 0; i < 1000 && (t.positions.length < 12 || t.written.length < 2 + frames.length); i++)
      await new Promise((r) => setTimeout(r, 10))
    expect(t.positions).toHaveLength(12)
    const acks = t.written.slice(2).map((m) => replyOf(m))
    expect(acks.map((a) => a.ackSerial)).toEqual(frames.map((_, i) => 500 + i))
    expect(acks.every((a) => a.result === 0 && a.ackMsgId === MSG_ID.batchLocation)).toBe(true)
  })

  it("resolves a text downlink with the terminal's reply, or unreplied after the timeout", async () => {
    const t = setup({ replyTimeoutMs: 30 })
    await t.login()
    const pending = t.session.sendText('明早7点 石坝村 3人')
    const sent = t.written[2]
    expect(sent?.body).toMatchObject({
      kind: 'textMessage',
      text: '明早7点 石坝村 3人',
      flags: jt808.TEXT_FLAG.display,
      textType: null,
    })
    await t.feed({
      kind: 'terminalGeneralReply',
      ackSerial: sent?.header.serial ?? -1,
      ackMsgId: MSG_ID.textMessage,
      result: 0,
    })
    await expect(pending).resolves.toEqual({ replied: true, result: 0 })
    await expect(t.session.sendText('无人应答')).resolves.toEqual({ replied: false })
    expect(() => t.session.sendText('😀')).toThrow(jt808.Jt808Error)
  })

  it('goes offline on close unless a newer connection took the vehicle over', async () => {
    const t = setup()
    await t.login()
    t.session.closed()
    await t.settle()
    expect(t.statuses).toEqual([
      ['XY-V101', 'online'],
      ['XY-V101', 'offline'],
    ])
    const replaced = setup({ release: false })
    await replaced.login()
    replaced.session.closed()
    await replaced.settle()
    expect(replaced.statuses).toEqual([['XY-V101', 'online']])
  })

  it('logs out: deregisters, answers and hangs up', async () => {
    const t = setup()
    await t.login()
    await t.feed({ kind: 'logout' })
    expect(replyOf(t.written[2])).toMatchObject({ ackMsgId: MSG_ID.logout, result: 0 })
    expect(t.hungUp()).toBe(true)
  })
})
