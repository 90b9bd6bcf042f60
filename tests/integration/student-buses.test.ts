/**
 * A morning student run with a simulated bus over MQTT: the school imports its roster (a bad row
 * refuses the whole file, by line), the driver taps pupils on at three stops (a batch sent twice
 * is stored once), guardians get one SMS per event (boarded, alighted, bus near), a pupil left on
 * board at the end raises a critical alert and texts the driver until the driver confirms the bus
 * is empty; the school sees who did not come.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { addDays, serviceDate, serviceDayStartMs, type LiveAlert } from '@rb/domain'
import { bookingRepo, studentsRepo } from '@rb/db'
import { XLSX_TYPE, writeXlsx } from '../../apps/server/src/students/spreadsheet.js'
import { topics, type ClientToServerEvents, type DriverMessage, type ServerToClientEvents } from '@rb/protocol'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import {
  ROSTER_HEADER,
  STUDENT_OFFSETS_S as OFFSETS_S,
  STUDENT_STOPS_M as STOPS_M,
  studentNetwork,
  type StudentNetwork,
} from '../support/student-network.js'

const ORIGIN: [number, number] = [105.47, 28.2]
const until = <T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> =>
  waitFor(fn, 60_000, 100)

interface ErrorBody {
  error: {
    code: string
    message: string
    details?: { errors?: { line: number; field: string | null; message: string }[] }
  }
}
interface RunView {
  stops: { stopCode: string; boarding: { pupilId: number; name: string; status: string | null }[] }[]
  counts: { expected: number; boarded: number; alighted: number; absent: number; onBoard: number }
  end: { alertId: string | null; confirmedBy: string | null }
}

describe.each(targets())('student buses on $name', (target) => {
  let server: TestServer
  let driver: RoleSession
  let school: RoleSession
  let device: MqttClient
  let page: Socket<ServerToClientEvents, ClientToServerEvents>
  let net: StudentNetwork
  let codes: string[] = []
  const vehicleId = `SB-V${String(100 + Math.floor(Math.random() * 899))}`
  const pageMessages: DriverMessage[] = []
  const commands: { type: string; text?: string; alertId?: string | null }[] = []
  // The run leaves stop 1 now; its fixes reach up to four minutes ahead (within MAX_FUTURE_SKEW_S).
  const departureTs = Math.floor(Date.now() / 1000) * 1000
  let instanceId = ''
  let opSeq = 0
  const op = (): string => `op-${Date.now().toString(36)}-${(opSeq++).toString(36).padStart(4, '0')}`

  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
    return r.body
  }
  const importRoster = (csv: string) => net.importCsv<ErrorBody & { added: number; rows: number }>(school, csv)
  const pupils = async () =>
    (
      await server.apiJson<{ items: { id: number; pupilNo: string; name: string }[] }>(
        'GET',
        '/api/schools/SB-SCH01/pupils',
        undefined,
        school,
      )
    ).body.items
  const view = async () =>
    (await server.apiJson<RunView>('GET', `/api/student-runs/${instanceId}`, undefined, driver)).body
  const mark = (marks: unknown[]) =>
    server.apiJson<{ stored: number; skipped: number; view: RunView } & ErrorBody>(
      'POST',
      `/api/student-runs/${instanceId}/checks`,
      { marks },
      driver,
    )
  const guardianSms = async () =>
    (await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: instanceId })).filter(
      (m) => (m.recipientRole as string) === 'guardian',
    )
  /** Fixes every 5 s along the line from `fromS` to `toS` seconds after departure (standing 10 s at each stop). */
  async function drive(fromS: number, toS: number): Promise<void> {
    for (let s = fromS; s <= toS; s += 5) {
      let m: number
      if (s <= 0) m = 0
      else {
        const leg = OFFSETS_S.findIndex((o, i) => s >= o && s < (OFFSETS_S[i + 1] ?? Infinity))
        const into = s - (OFFSETS_S[leg] as number)
        m =
          leg >= STOPS_M.length - 1
            ? (STOPS_M.at(-1) as number)
            : into < 10
              ? (STOPS_M[leg] as number)
              : Math.min(STOPS_M[leg + 1] as number, (STOPS_M[leg] as number) + (into - 10) * 10)
      }
      const [lon, lat] = net.at(m)
      await device.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts: departureTs + s * 1000, lat, lon, speed: s > 0 && m < 1500 ? 36 : 0, heading: 0 }),
        { qos: 1 },
      )
    }
  }

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'SB',
      STUDENT_CHECK_S: '1',
      STUDENT_REMIND_S: '10',
      TRACKING_TICK_MS: '200',
    })
    net = await studentNetwork(server, { prefix: 'SB', origin: ORIGIN, departureTs, vehicleId, driverCode: 'SB-D001' })
    ;({ codes, instanceId } = net)
    school = await server.loginAs('school', { username: 'sb-school' })
    await put('/api/schools/SB-SCH01/staff', { username: 'sb-school' }, 'POST')
    driver = await server.loginAs('driver', { username: 'sb-driver', driverCode: 'SB-D001' })
    device = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev` })
    await device.subscribeAsync(topics.command(vehicleId), { qos: 1 })
    device.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString()) as (typeof commands)[number]))
    page = connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: driver.token } })
    page.on('driverMessage', (m) => pageMessages.push(m))
    const ack = await new Promise<{ ok: boolean }>((resolve) => page.emit('subscribe', [`trip:${instanceId}`], resolve))
    expect(ack.ok).toBe(true)
  })

  afterAll(async () => {
    page?.close()
    await device?.endAsync()
    await server?.close()
  })

  const header = ROSTER_HEADER
  const row = (no: string, name: string, stop: number, phone: string, extra = '') =>
    net.row(no, name, stop, phone, extra)

  it('refuses a roster with a bad row, by its line, and imports nothing; the good file imports every pupil', async () => {
    const bad = [
      header,
      row('1001', '王子涵', 0, '13900000001'),
      row('1002', '李欣怡', 0, '1390000'),
      row('1003', '张浩然', 1, '13900000003'),
    ].join('\n')
    const refused = await importRoster(bad)
    expect(refused.status).toBe(400)
    expect(refused.body.error.code).toBe('VALIDATION_FAILED')
    expect(refused.body.error.details?.errors).toEqual([
      { line: 3, field: 'phone1', message: "guardian 1's phone '1390000' is not an 11-digit mobile number" },
    ])
    expect(refused.body.error.message).toMatch(/nothing was changed.*line 3 \(phone1\)/)
    expect(await pupils()).toEqual([])

    const good = [
      header,
      row('1001', '王子涵', 0, '13900000001', ',王春梅,13900000011,否'),
      row('1002', '李欣怡', 0, '13900000002'),
      row('1003', '张浩然', 1, '13900000003'),
      row('1004', '刘梓轩', 1, '13900000004'),
      row('1005', '陈雨桐', 2, '13900000005'),
      row('1006', '杨一诺', 2, '13900000006'),
    ].join('\r\n')
    const imported = await importRoster(good)
    expect(imported.status, JSON.stringify(imported.body)).toBe(200)
    expect(imported.body).toMatchObject({ format: 'csv', rows: 6, added: 6, updated: 0 })
    expect((await pupils()).map((p) => p.pupilNo)).toEqual(['1001', '1002', '1003', '1004', '1005', '1006'])
    // Every read of the roster by staff is in the audit log.
    const audit = await server.apiJson<{ items: { action: string; username: string }[] }>(
      'GET',
      `/api/audit?target=${encodeURIComponent('school:SB-SCH01')}`,
    )
    expect(audit.body.items.filter((a) => a.action === 'roster.read').map((a) => a.username)).toEqual([
      'sb-school',
      'sb-school',
    ])
  })

  it('keeps pupil data to its school: another school account and a driver of another run are refused', async () => {
    await put('/api/schools/SB-SCH02', {
      name: '别的学校',
      stopCode: null,
      classesStart: '08:00',
      termStart: addDays(net.date, -30),
      termEnd: addDays(net.date, 60),
      routes: [],
    })
    const other = await server.loginAs('school', { username: 'sb-other' })
    await put('/api/schools/SB-SCH02/staff', { username: 'sb-other' }, 'POST')
    expect((await server.apiJson('GET', '/api/schools/SB-SCH01/pupils', undefined, other)).status).toBe(403)
    expect((await server.apiJson('GET', `/api/student-runs/${instanceId}`, undefined, other)).status).toBe(403)
    expect(
      (await server.apiJson<{ items: { id: string }[] }>('GET', '/api/schools', undefined, other)).body.items.map(
        (s) => s.id,
      ),
    ).toEqual(['SB-SCH02'])
    const stranger = await server.loginAs('driver', { username: 'sb-driver2', driverCode: 'SB-D001' })
    expect((await server.apiJson('GET', '/api/schools/SB-SCH01/pupils', undefined, stranger)).status).toBe(403)
  })

  it('runs the morning run: boarded at three stops, one SMS per event, a pupil left on board raises the alert until the driver confirms', async () => {
    // Waiting at stop 1: the engine takes the run; guardians at stops 2 and 3 hear the bus is near.
    await drive(-60, 0)
    await until(async () => (await guardianSms()).filter((m) => m.kind === 'pupil_bus_near').length === 4)
    const ids = new Map((await pupils()).map((p) => [p.pupilNo, p.id]))
    const id = (no: string): number => ids.get(no) as number
    const tap = (no: string, status: string, stop: number, extra: Record<string, unknown> = {}) => ({
      opId: op(),
      pupilId: id(no),
      status,
      stopCode: codes[stop],
      ts: Date.now(),
      ...extra,
    })

    const first = [tap('1001', 'boarded', 0), tap('1002', 'boarded', 0)]
    expect((await mark(first)).body).toMatchObject({ stored: 2, skipped: 0 })
    // The phone's queue sends the same taps again: nothing is stored twice.
    expect((await mark(first)).body).toMatchObject({ stored: 0, skipped: 2 })
    // Boarding at another stop than the roster's needs a reason.
    const wrongStop = await mark([tap('1003', 'boarded', 0)])
    expect(wrongStop.status).toBe(400)
    expect(wrongStop.body.error.message).toMatch(/say why/)

    await drive(5, 70)
    expect((await mark([tap('1003', 'boarded', 1), tap('1004', 'absent', 1)])).body).toMatchObject({ stored: 2 })
    await drive(75, 130)
    expect((await mark([tap('1005', 'boarded', 2), tap('1006', 'boarded', 2)])).body).toMatchObject({ stored: 2 })
    // The school sees who did not come, once the bus has left their stop.
    const absent = await until(async () => {
      const r = await server.apiJson<{ items: { pupilId: number; why: string }[] }>(
        'GET',
        '/api/schools/SB-SCH01/absentees',
        undefined,
        school,
      )
      return r.body.items.length > 0 ? r.body.items : null
    })
    expect(absent).toEqual([expect.objectContaining({ pupilId: id('1004'), why: 'marked_absent' })])

    await drive(135, 185)
    // At the school gate everybody gets off but 杨一诺.
    expect((await mark(['1001', '1002', '1003', '1005'].map((no) => tap(no, 'alighted', 3)))).body).toMatchObject({
      stored: 4,
    })
    expect((await view()).counts).toMatchObject({ expected: 6, boarded: 1, alighted: 4, absent: 1, onBoard: 1 })
    // Standing at the gate a minute longer ends the run.
    await drive(190, 260)

    const alert = await until(async () =>
      (await server.apiJson<{ items: LiveAlert[] }>('GET', `/api/alerts?tripInstanceId=${instanceId}`)).body.items.find(
        (a) => (a.type as string) === 'pupil_left_on_bus',
      ),
    )
    expect(alert).toMatchObject({
      severity: 'critical',
      status: 'open',
      vehicleId,
      tripInstanceId: instanceId,
      data: { count: 1, pupils: [expect.objectContaining({ pupilId: id('1006'), name: '杨一诺' })] },
    })
    // The driver is told on the page (the run's room) and the terminal's MQTT downlink, and again until confirming.
    await until(() => pageMessages.filter((m) => m.alertId === alert.id).length >= 2)
    expect(pageMessages[0]?.text).toMatch(/车上仍有学生未下车：杨一诺（三年级1班）/)
    await until(() =>
      commands.some((c) => c.type === 'message' && c.alertId === alert.id && /杨一诺/.test(c.text ?? '')),
    )

    const confirmed = await server.apiJson<{ alert: LiveAlert; view: RunView }>(
      'POST',
      `/api/student-runs/${instanceId}/confirm-empty`,
      undefined,
      driver,
    )
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.alert).toMatchObject({
      id: alert.id,
      status: 'resolved',
      state: 'cleared',
      resolvedBy: 'sb-driver',
    })
    expect(confirmed.body.view.end).toMatchObject({ alertId: alert.id, confirmedBy: 'sb-driver' })

    // One SMS per event and guardian who opted in: boarded ×5, alighted ×4, bus near ×4 (stops 2 and 3); the second guardian of 1001 said no.
    const sms = await guardianSms()
    const perEvent = new Map<string, number>()
    for (const m of sms) perEvent.set(`${m.kind}|${m.recipient}`, (perEvent.get(`${m.kind}|${m.recipient}`) ?? 0) + 1)
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true)
    const count = (kind: string) => sms.filter((m) => m.kind === kind).length
    expect([count('pupil_boarded'), count('pupil_alighted'), count('pupil_bus_near')]).toEqual([5, 4, 4])
    expect(sms.some((m) => m.recipient === '13900000011')).toBe(false)
    expect(sms.find((m) => m.kind === 'pupil_boarded' && m.recipient === '13900000001')?.body).toMatch(
      /^【学生车】王子涵 \d\d:\d\d 在「石坝村」上车（车牌川E·S0001）。$/,
    )
  }, 180_000)

  it('reports the term per class, imports a workbook, and deletes terms past their keeping', async () => {
    const report = await server.apiJson<{
      classes: string[]
      items: { pupilNo: string; expected: number; rides: number; absences: number; late: number }[]
    }>('GET', '/api/schools/SB-SCH01/report?class=三年级1班', undefined, school)
    expect(report.body.classes).toEqual(['三年级1班'])
    // Got off the morning bus after 08:20 (local) is late; the run above ran now.
    const late = Date.now() > serviceDayStartMs(net.date) + (8 * 60 + 20) * 60_000 ? 1 : 0
    const by = new Map(report.body.items.map((r) => [r.pupilNo, r]))
    expect(by.get('1001')).toMatchObject({ expected: 1, rides: 1, absences: 0, late })
    expect(by.get('1004')).toMatchObject({ expected: 1, rides: 0, absences: 1, late: 0 })
    expect(by.get('1006')).toMatchObject({ expected: 1, rides: 1, absences: 0, late: 0 })

    const workbook = writeXlsx('名单', [header.split(','), row('1007', '黄可馨', 2, '13900000007').split(',')])
    const res = await fetch(`${server.baseUrl}/api/schools/SB-SCH01/roster`, {
      method: 'POST',
      headers: { 'content-type': XLSX_TYPE, cookie: school.cookie },
      body: Buffer.from(workbook),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ format: 'xlsx', rows: 1, added: 1, updated: 0 })
    const template = await fetch(`${server.baseUrl}/api/schools/roster-template?format=xlsx`, {
      headers: { cookie: school.cookie },
    })
    expect(template.headers.get('content-type')).toBe(XLSX_TYPE)

    // A term that ended longer ago than STUDENT_RETENTION_DAYS (30) is deleted by the sweep.
    await put('/api/schools/SB-SCH03', {
      name: '旧学期',
      stopCode: null,
      classesStart: '08:00',
      termStart: '2025-09-01',
      termEnd: '2025-12-31',
      routes: [{ routeId: 'SB-R01', toSchoolDirection: 0 }],
    })
    const db = server.app.rb.db
    await db.transaction((tx) =>
      studentsRepo.saveRoster(
        tx,
        'SB-SCH03',
        { start: serviceDate('2025-09-01'), end: serviceDate('2025-12-31') },
        [
          {
            pupilNo: '9001',
            name: '旧生',
            className: '一年级1班',
            routeId: 'SB-R01',
            morning: { board: codes[0] as string, alight: codes[3] as string },
            afternoon: null,
            days: [1],
            guardians: [{ name: '某', phone: '13900000009', sms: true }],
          },
        ],
        false,
      ),
    )
    const purged = await server.app.rb.students.purge()
    expect(purged.pupils).toBe(1)
    expect(await studentsRepo.listPupils(db, { schoolId: 'SB-SCH03' })).toEqual([])
    expect((await studentsRepo.listPupils(db, { schoolId: 'SB-SCH01' })).length).toBe(7)
  })
})
