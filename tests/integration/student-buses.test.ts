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
import { addDays, serviceDayOf, serviceDayStartMs, type LiveAlert } from '@rb/domain'
import { bookingRepo } from '@rb/db'
import { topics, type ClientToServerEvents, type DriverMessage, type ServerToClientEvents } from '@rb/protocol'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.47, 28.2]
/** Three pick-up stops and the school gate, 500 m apart; the bus runs 10 m/s with 10 s at each stop. */
const STOPS_M = [0, 500, 1000, 1500]
const OFFSETS_S = [0, 60, 120, 180]
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]
const until = <T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> => waitFor(fn, 60_000, 100)

interface ErrorBody {
  error: { code: string; message: string; details?: { errors?: { line: number; field: string | null; message: string }[] } }
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
  const codes: string[] = []
  const vehicleId = `SB-V${String(100 + Math.floor(Math.random() * 899))}`
  const pageMessages: DriverMessage[] = []
  const commands: { type: string; text?: string; alertId?: string | null }[] = []
  // The run leaves stop 1 now; its fixes reach up to four minutes ahead (within MAX_FUTURE_SKEW_S).
  const departureTs = Math.floor(Date.now() / 1000) * 1000
  const date = serviceDayOf(departureTs)
  const instanceId = `SB-R01-AM_${date.replaceAll('-', '')}`
  let opSeq = 0
  const op = (): string => `op-${Date.now().toString(36)}-${(opSeq++).toString(36).padStart(4, '0')}`

  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
    return r.body
  }
  const importRoster = async (csv: string) => {
    const res = await fetch(`${server.baseUrl}/api/schools/SB-SCH01/roster`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie: school.cookie }, body: csv })
    return { status: res.status, body: (await res.json()) as ErrorBody & { added: number; rows: number } }
  }
  const pupils = async () => (await server.apiJson<{ items: { id: number; pupilNo: string; name: string }[] }>('GET', '/api/schools/SB-SCH01/pupils', undefined, school)).body.items
  const view = async () => (await server.apiJson<RunView>('GET', `/api/student-runs/${instanceId}`, undefined, driver)).body
  const mark = (marks: unknown[]) => server.apiJson<{ stored: number; skipped: number; view: RunView } & ErrorBody>('POST', `/api/student-runs/${instanceId}/checks`, { marks }, driver)
  const guardianSms = async () => (await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: instanceId })).filter((m) => (m.recipientRole as string) === 'guardian')
  /** Fixes every 5 s along the line from `fromS` to `toS` seconds after departure (standing 10 s at each stop). */
  async function drive(fromS: number, toS: number): Promise<void> {
    for (let s = fromS; s <= toS; s += 5) {
      let m: number
      if (s <= 0) m = 0
      else {
        const leg = OFFSETS_S.findIndex((o, i) => s >= o && s < (OFFSETS_S[i + 1] ?? Infinity))
        const into = s - (OFFSETS_S[leg] as number)
        m = leg >= STOPS_M.length - 1 ? (STOPS_M.at(-1) as number) : into < 10 ? (STOPS_M[leg] as number) : Math.min(STOPS_M[leg + 1] as number, (STOPS_M[leg] as number) + (into - 10) * 10)
      }
      const [lon, lat] = at(m)
      await device.publishAsync(topics.position(vehicleId), JSON.stringify({ ts: departureTs + s * 1000, lat, lon, speed: s > 0 && m < 1500 ? 36 : 0, heading: 0 }), { qos: 1 })
    }
  }

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'SB', STUDENT_CHECK_S: '1', STUDENT_REMIND_S: '10', TRACKING_TICK_MS: '200' })
    await put('/api/operators/OP1', { name: '叙永公交', phone: null })
    await put('/api/townships/SB-T01', { name: '水尾镇', nameEn: 'Shuiwei', center: ORIGIN })
    for (const [i, name] of ['石坝村', '龙井村', '高坪村', '水尾镇中心小学'].entries()) codes.push((await put('/api/stops', { name, nameEn: name, townshipId: 'SB-T01', point: at(STOPS_M[i] as number), installedOn: '2026-01-01' }, 'POST')).code as string)
    await put('/api/routes/SB-R01', { name: '石坝—水尾小学 学生车', kind: 'student', operatorId: 'OP1', geometry: [at(0), at(1500)], stopCodes: codes })
    await put('/api/calendars/daily', { name: '每天', rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] } })
    await put('/api/schedule/trips/SB-R01-AM', {
      routeId: 'SB-R01', calendarId: 'daily', direction: 0, headsign: '水尾镇中心小学', departureS: (departureTs - serviceDayStartMs(date)) / 1000,
      stopOffsetsS: OFFSETS_S, seats: 24, bookingPolicy: 'none', minRiders: 0, bookingCutoffMin: 0,
    })
    await put(`/api/vehicles/${vehicleId}`, { plate: '川E·S0001', seats: 24, operatorId: 'OP1', model: '宇通', status: 'active' })
    await put('/api/drivers/SB-D001', { name: '王建国', phone: '13812345678', licenceClass: 'A1', serviceSince: '2008-05-01', pioneer: true, status: 'active' })
    await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId, driverId: 'SB-D001' })
    await put('/api/schools/SB-SCH01', { name: '水尾镇中心小学', stopCode: codes[3], classesStart: '08:20', termStart: addDays(date, -30), termEnd: addDays(date, 60), routes: [{ routeId: 'SB-R01', toSchoolDirection: 0 }] })
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
  }, 180_000)

  afterAll(async () => {
    page?.close()
    await device?.endAsync()
    await server?.close()
  }, 60_000)

  const header = '学号,姓名,班级,线路,早上车站,早下车站,午上车站,午下车站,乘车日,监护人1,电话1,短信1,监护人2,电话2,短信2'
  const row = (no: string, name: string, stop: number, phone: string, extra = '') => `${no},${name},三年级1班,SB-R01,${codes[stop]},${codes[3]},${codes[3]},${codes[stop]},每天,${name.slice(0, 1)}建国,${phone},是${extra}`

  it('refuses a roster with a bad row, by its line, and imports nothing; the good file imports every pupil', async () => {
    const bad = [header, row('1001', '王子涵', 0, '13900000001'), row('1002', '李欣怡', 0, '1390000'), row('1003', '张浩然', 1, '13900000003')].join('\n')
    const refused = await importRoster(bad)
    expect(refused.status).toBe(400)
    expect(refused.body.error.code).toBe('VALIDATION_FAILED')
    expect(refused.body.error.details?.errors).toEqual([{ line: 3, field: 'phone1', message: "guardian 1's phone '1390000' is not an 11-digit mobile number" }])
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
    const audit = await server.apiJson<{ items: { action: string; username: string }[] }>('GET', `/api/audit?target=${encodeURIComponent('school:SB-SCH01')}`)
    expect(audit.body.items.filter((a) => a.action === 'roster.read').map((a) => a.username)).toEqual(['sb-school', 'sb-school'])
  })

  it('keeps pupil data to its school: another school account and a driver of another run are refused', async () => {
    await put('/api/schools/SB-SCH02', { name: '别的学校', stopCode: null, classesStart: '08:00', termStart: addDays(date, -30), termEnd: addDays(date, 60), routes: [] })
    const other = await server.loginAs('school', { username: 'sb-other' })
    await put('/api/schools/SB-SCH02/staff', { username: 'sb-other' }, 'POST')
    expect((await server.apiJson('GET', '/api/schools/SB-SCH01/pupils', undefined, other)).status).toBe(403)
    expect((await server.apiJson('GET', `/api/student-runs/${instanceId}`, undefined, other)).status).toBe(403)
    expect((await server.apiJson<{ items: { id: string }[] }>('GET', '/api/schools', undefined, other)).body.items.map((s) => s.id)).toEqual(['SB-SCH02'])
    const stranger = await server.loginAs('driver', { username: 'sb-driver2', driverCode: 'SB-D001' })
    expect((await server.apiJson('GET', '/api/schools/SB-SCH01/pupils', undefined, stranger)).status).toBe(403)
  })

  it('runs the morning run: boarded at three stops, one SMS per event, a pupil left on board raises the alert until the driver confirms', async () => {
    // Waiting at stop 1: the engine takes the run; guardians at stops 2 and 3 hear the bus is near.
    await drive(-60, 0)
    await until(async () => (await guardianSms()).filter((m) => m.kind === 'pupil_bus_near').length === 4)
    const ids = new Map((await pupils()).map((p) => [p.pupilNo, p.id]))
    const id = (no: string): number => ids.get(no) as number
    const tap = (no: string, status: string, stop: number, extra: Record<string, unknown> = {}) => ({ opId: op(), pupilId: id(no), status, stopCode: codes[stop], ts: Date.now(), ...extra })

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
      const r = await server.apiJson<{ items: { pupilId: number; why: string }[] }>('GET', '/api/schools/SB-SCH01/absentees', undefined, school)
      return r.body.items.length > 0 ? r.body.items : null
    })
    expect(absent).toEqual([expect.objectContaining({ pupilId: id('1004'), why: 'marked_absent' })])

    await drive(135, 185)
    // At the school gate everybody gets off but 杨一诺.
    expect((await mark(['1001', '1002', '1003', '1005'].map((no) => tap(no, 'alighted', 3)))).body).toMatchObject({ stored: 4 })
    expect((await view()).counts).toMatchObject({ expected: 6, boarded: 1, alighted: 4, absent: 1, onBoard: 1 })
    // Standing at the gate a minute longer ends the run.
    await drive(190, 260)

    const alert = await until(async () => (await server.apiJson<{ items: LiveAlert[] }>('GET', `/api/alerts?tripInstanceId=${instanceId}`)).body.items.find((a) => (a.type as string) === 'pupil_left_on_bus'))
    expect(alert).toMatchObject({ severity: 'critical', status: 'open', vehicleId, tripInstanceId: instanceId, data: { count: 1, pupils: [expect.objectContaining({ pupilId: id('1006'), name: '杨一诺' })] } })
    // The driver is told on the page (the run's room) and the terminal's MQTT downlink, and again until confirming.
    await until(() => pageMessages.filter((m) => m.alertId === alert.id).length >= 2)
    expect(pageMessages[0]?.text).toMatch(/车上仍有学生未下车：杨一诺（三年级1班）/)
    await until(() => commands.some((c) => c.type === 'message' && c.alertId === alert.id && /杨一诺/.test(c.text ?? '')))

    const confirmed = await server.apiJson<{ alert: LiveAlert; view: RunView }>('POST', `/api/student-runs/${instanceId}/confirm-empty`, undefined, driver)
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.alert).toMatchObject({ id: alert.id, status: 'resolved', state: 'cleared', resolvedBy: 'sb-driver' })
    expect(confirmed.body.view.end).toMatchObject({ alertId: alert.id, confirmedBy: 'sb-driver' })

    // One SMS per event and guardian who opted in: boarded ×5, alighted ×4, bus near ×4 (stops 2 and 3); the second guardian of 1001 said no.
    const sms = await guardianSms()
    const perEvent = new Map<string, number>()
    for (const m of sms) perEvent.set(`${m.kind}|${m.recipient}`, (perEvent.get(`${m.kind}|${m.recipient}`) ?? 0) + 1)
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true)
    const count = (kind: string) => sms.filter((m) => m.kind === kind).length
    expect([count('pupil_boarded'), count('pupil_alighted'), count('pupil_bus_near')]).toEqual([5, 4, 4])
    expect(sms.some((m) => m.recipient === '13900000011')).toBe(false)
    expect(sms.find((m) => m.kind === 'pupil_boarded' && m.recipient === '13900000001')?.body).toMatch(/^【学生车】王子涵 \d\d:\d\d 在「石坝村」上车（车牌川E·S0001）。$/)
  }, 180_000)
})
