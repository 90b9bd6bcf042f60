/**
 * One-tap repair reports through the real server: a villager reports a stop sign or a road hazard
 * (JSON with a base64 photo, or multipart), an offline queue's resends make one report, reports of
 * the same sign gather on one ticket, dispatchers move the ticket and the sign's status follows,
 * the console's socket gets the alert and the status live, and a bad photo stores nothing.
 * Photos go to files here (the production default); reports-photo-db.test.ts covers the database store.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io as connectSocket, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, LiveAlert, ServerToClientEvents, StopStatusChange } from '@rb/protocol'
import { preparePhoto } from '../../apps/server/src/reports/photo-decode.js'
import { containsAny, fixture, phoneJpeg, SECRETS, taggedPng } from '../../apps/server/src/reports/testdata/fixtures.js'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface PublicReport {
  id: string
  stopCode: string
  kind: string
  category: string
  status: string
  receivedAt: string
  reportCount: number
  history: { status: string; at: string }[]
}
interface TicketView {
  id: number
  kind: string
  category: string
  status: string
  reportCount: number
  photoCount: number
  previousTicketId: number | null
  assignee: string | null
  closedAt: string | null
  nextActions: string[]
}
interface TicketDetail extends TicketView {
  categories: string[]
  steps: { action: string; from: string | null; to: string; by: string; at: string; note: string | null }[]
  reports: {
    id: string
    category: string
    note: string | null
    photo: { id: string; url: string; mime: string; width: number; height: number } | null
  }[]
}
type Res<T> = { status: number; body: T; headers: Headers }

/** A villager's phone and a dispatcher's browser against `server`; stops made fresh per test. */
function createReportClient(server: TestServer, prefix: string) {
  const key = (): string => `rp-${randomBytes(8).toString('hex')}`
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { as?: RoleSession; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.as?.headers ?? {}),
      ...(opts.headers ?? {}),
    }
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers }
  }
  let township: Promise<unknown> | undefined
  return {
    key,
    call,
    /** A new stop sign (status ok) in the test township. */
    async newStop(): Promise<string> {
      township ??= server.apiJson('PUT', `/api/townships/${prefix}-T01`, {
        name: '叙永镇',
        nameEn: 'Xuyong',
        center: [105.44, 28.1],
      })
      await township
      const made = await server.apiJson<{ code: string }>('POST', '/api/stops', {
        name: '石坝村',
        nameEn: 'Shiba',
        townshipId: `${prefix}-T01`,
        point: [105.44, 28.1],
        installedOn: '2026-01-01',
      })
      if (made.status !== 201) throw new Error(`could not make a stop: ${made.status} ${JSON.stringify(made.body)}`)
      return made.body.code
    },
    /** POST a report as JSON (no session), with an Idempotency-Key header. */
    json: (code: string, body: Record<string, unknown>, idem = key(), headers: Record<string, string> = {}) =>
      call<PublicReport & ErrorBody>('POST', `/api/stops/${code}/reports`, body, {
        headers: { 'idempotency-key': idem, ...headers },
      }),
    /** POST a report as multipart/form-data, the photo as a file part (`field`, default photo). */
    async multipart(
      code: string,
      fields: Record<string, string>,
      photo?: { bytes: Buffer; name: string; type: string; field?: string },
      idem = key(),
      headers: Record<string, string> = {},
    ): Promise<Res<PublicReport & ErrorBody>> {
      const form = new FormData()
      for (const [k, v] of Object.entries(fields)) form.append(k, v)
      form.append('idempotencyKey', idem)
      if (photo) form.append(photo.field ?? 'photo', new Blob([photo.bytes], { type: photo.type }), photo.name)
      const res = await fetch(`${server.baseUrl}/api/stops/${code}/reports`, { method: 'POST', body: form, headers })
      const text = await res.text()
      return {
        status: res.status,
        body: (text ? JSON.parse(text) : null) as PublicReport & ErrorBody,
        headers: res.headers,
      }
    },
  }
}

describe.each(targets())('repair reports on $name', (target) => {
  let server: TestServer
  let dispatcher: RoleSession
  let uploads: string
  let r: ReturnType<typeof createReportClient>

  beforeAll(async () => {
    uploads = mkdtempSync(join(tmpdir(), 'rb-uploads-'))
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'RP',
      REPORT_PHOTO_STORE: 'files',
      UPLOADS_DIR: uploads,
      REPORT_RATE_LIMIT: '0',
    })
    r = createReportClient(server, 'RP')
    dispatcher = await server.loginAs('dispatcher')
  })

  afterAll(async () => {
    await server?.close()
    rmSync(uploads, { recursive: true, force: true })
  })

  const files = (): string[] => readdirSync(uploads)
  const ticketOf = async (id: number): Promise<TicketDetail> =>
    (await r.call<TicketDetail>('GET', `/api/tickets/${id}`, undefined, { as: dispatcher })).body
  const ticketsAt = async (code: string): Promise<TicketView[]> =>
    (await r.call<{ items: TicketView[] }>('GET', `/api/tickets?stop=${code}`, undefined, { as: dispatcher })).body
      .items
  const act = (id: number, action: string, body: unknown, as: RoleSession = dispatcher) =>
    r.call<TicketDetail & ErrorBody>('POST', `/api/tickets/${id}/${action}`, body, { as })

  it('takes a sign report with a photo: 201 with an id to look it up, the photo cleaned into a random file, the sign reported', async () => {
    const code = await r.newStop()
    const before = files()
    const sent = await r.json(code, {
      category: 'damaged',
      note: '  站牌被车撞歪了 ',
      photo: phoneJpeg(6).toString('base64'),
    })
    expect(sent.status).toBe(201)
    expect(sent.headers.get('idempotent-replayed')).toBeNull()
    const report = sent.body
    expect(report).toMatchObject({
      stopCode: code,
      stopName: '石坝村',
      kind: 'sign',
      category: 'damaged',
      status: 'open',
      hasPhoto: true,
      reportCount: 1,
    })
    expect(report.id).toMatch(/^R[23456789ABCDEFGHJKMNPQRSTWXYZ]{16}$/)
    expect(report.history).toEqual([{ status: 'open', at: report.receivedAt }])
    // The villager's view carries nothing personal or internal.
    expect(Object.keys(report).sort()).toEqual([
      'category',
      'hasPhoto',
      'history',
      'id',
      'kind',
      'receivedAt',
      'reportCount',
      'reportedAt',
      'status',
      'stopCode',
      'stopName',
      'updatedAt',
    ])
    expect((await r.call<PublicReport>('GET', `/api/reports/${report.id}`)).body).toEqual(report)

    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('reported')
    const [ticket] = await ticketsAt(code)
    expect(ticket).toMatchObject({
      kind: 'sign',
      category: 'damaged',
      status: 'open',
      reportCount: 1,
      photoCount: 1,
      stopName: '石坝村',
      nextActions: ['assign', 'reject'],
    })
    const detail = await ticketOf(ticket?.id ?? 0)
    expect(detail.reports).toHaveLength(1)
    expect(detail.reports[0]).toMatchObject({ id: report.id, category: 'damaged', note: '站牌被车撞歪了' })
    expect(detail.steps).toEqual([
      { action: 'open', from: null, to: 'open', by: 'villager', at: report.receivedAt, note: null, assignee: null },
    ])

    const photo = detail.reports[0]?.photo
    // Stored upright: the 64×48 image with orientation 6 (turn 90°) is 48×64.
    expect(photo).toMatchObject({ mime: 'image/jpeg', width: 48, height: 64 })
    const created = files().filter((f) => !before.includes(f))
    expect(created).toEqual([`${photo?.id}.jpg`])
    expect(created[0]).toMatch(/^[0-9a-f]{32}\.jpg$/)
    expect(statSync(join(uploads, created[0] as string)).mode & 0o777).toBe(0o600)

    const res = await fetch(`${server.baseUrl}${photo?.url}`, { headers: dispatcher.headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.equals((await preparePhoto(phoneJpeg(6))).bytes)).toBe(true)
    expect(containsAny(bytes, SECRETS)).toEqual([])
    // A villager (no session) cannot download it.
    expect((await fetch(`${server.baseUrl}${photo?.url}`)).status).toBe(401)
  })

  it('takes the photo as multipart/form-data, cleaned the same way', async () => {
    const code = await r.newStop()
    const sent = await r.multipart(
      code,
      { category: 'faded', note: '字看不清' },
      { bytes: taggedPng(), name: 'IMG_0001.png', type: 'image/png' },
    )
    expect(sent.status).toBe(201)
    expect(sent.body).toMatchObject({ category: 'faded', hasPhoto: true })
    const [ticket] = await ticketsAt(code)
    const photo = (await ticketOf(ticket?.id ?? 0)).reports[0]?.photo
    expect(photo).toMatchObject({ mime: 'image/png', width: 48, height: 32 })
    const bytes = Buffer.from(
      await (await fetch(`${server.baseUrl}${photo?.url}`, { headers: dispatcher.headers })).arrayBuffer(),
    )
    expect(bytes.equals((await preparePhoto(taggedPng())).bytes)).toBe(true)
    expect(containsAny(bytes, SECRETS)).toEqual([])
  })

  it('a resent report with the same idempotency key is stored once, also when the resends race', async () => {
    const code = await r.newStop()
    const key = r.key()
    const body = { category: 'missing', photo: fixture('photo.webp').toString('base64') }
    const before = files().length
    const first = await r.json(code, body, key)
    expect(first.status).toBe(201)
    const again = await r.json(code, body, key)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body.id).toBe(first.body.id)
    // An offline queue flushing the same report five times at once.
    const burst = await Promise.all(Array.from({ length: 5 }, () => r.json(code, body, key)))
    expect(new Set(burst.map((b) => b.body.id))).toEqual(new Set([first.body.id]))
    const [ticket] = await ticketsAt(code)
    expect(ticket).toMatchObject({ reportCount: 1, photoCount: 1 })
    expect((await ticketOf(ticket?.id ?? 0)).reports).toHaveLength(1)
    expect(files().length).toBe(before + 1)
  })

  it('refuses the same key for a report of another stop or category (a client bug, not a resend)', async () => {
    const [a, b] = [await r.newStop(), await r.newStop()]
    const key = r.key()
    expect((await r.json(a, { category: 'damaged' }, key)).status).toBe(201)
    const other = await r.json(b, { category: 'damaged' }, key)
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('CONFLICT')
    expect((await r.json(a, { category: 'faded' }, key)).status).toBe(409)
  })

  it('gathers reports of the same sign on one ticket, keeping each villager report; road hazards by kind', async () => {
    const code = await r.newStop()
    const sign = await Promise.all(['damaged', 'faded', 'blocked'].map((category) => r.json(code, { category })))
    const ids = new Set<number>()
    for (const s of sign) expect(s.status).toBe(201)
    const signTickets = (await ticketsAt(code)).filter((t) => t.kind === 'sign')
    expect(signTickets).toHaveLength(1)
    const ticket = signTickets[0] as TicketView
    ids.add(ticket.id)
    expect(ticket.reportCount).toBe(3)
    const detail = await ticketOf(ticket.id)
    expect(detail.reports.map((x) => x.id).sort()).toEqual(sign.map((s) => s.body.id).sort())
    expect(detail.categories.sort()).toEqual(['blocked', 'damaged', 'faded'])
    expect((await r.call<PublicReport>('GET', `/api/reports/${sign[0]?.body.id}`)).body.reportCount).toBe(3)

    // Road hazards at the stop: one ticket per kind of hazard, and the sign's status is left alone.
    const pothole1 = await r.json(code, { category: 'pothole', note: '站牌前有个大坑' })
    const pothole2 = await r.json(code, { category: 'pothole' })
    const flood = await r.json(code, { category: 'flooding' })
    expect([pothole1.body.kind, flood.body.kind]).toEqual(['road', 'road'])
    const all = await ticketsAt(code)
    expect(all).toHaveLength(3)
    expect(all.find((t) => t.category === 'pothole')?.reportCount).toBe(2)
    expect(pothole2.body.reportCount).toBe(2)
    expect(all.find((t) => t.category === 'flooding')?.reportCount).toBe(1)
    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('reported')
    const roadOnly = await r.call<{ items: TicketView[]; total: number }>(
      'GET',
      `/api/tickets?stop=${code}&kind=road&status=open,assigned`,
      undefined,
      { as: dispatcher },
    )
    expect(roadOnly.body.total).toBe(2)
    expect(
      (
        await r.call<{ items: TicketView[] }>('GET', `/api/tickets?stop=${code}&category=faded`, undefined, {
          as: dispatcher,
        })
      ).body.items.map((t) => t.id),
    ).toEqual([ticket.id])
  })

  it('moves a ticket open → assigned → fixed with who, when and notes; the sign goes reported → in repair → ok', async () => {
    const code = await r.newStop()
    const report = (await r.json(code, { category: 'damaged' })).body
    const id = report.id
    const ticketId = (await ticketsAt(code))[0]?.id as number
    const stopStatus = async (): Promise<string> =>
      (await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status
    const villager = async (): Promise<PublicReport> => (await r.call<PublicReport>('GET', `/api/reports/${id}`)).body

    const early = await act(ticketId, 'fix', {})
    expect(early.status).toBe(409)
    expect(early.body.error).toMatchObject({
      code: 'TICKET_STATE_CONFLICT',
      details: { status: 'open', allowed: ['assign', 'reject'] },
    })

    const assigned = await act(ticketId, 'assign', { assignee: '石坝村养护队 李师傅', note: '明早去换' })
    expect(assigned.status).toBe(200)
    expect(assigned.body).toMatchObject({
      status: 'assigned',
      assignee: '石坝村养护队 李师傅',
      nextActions: ['assign', 'fix', 'reject'],
    })
    expect(await stopStatus()).toBe('in_repair')
    expect((await villager()).status).toBe('assigned')

    const fixed = await act(ticketId, 'fix', { note: '换了新站牌' })
    expect(fixed.body).toMatchObject({ status: 'fixed', assignee: '石坝村养护队 李师傅', nextActions: ['reopen'] })
    expect(fixed.body.closedAt).not.toBeNull()
    expect(await stopStatus()).toBe('ok')
    const seen = await villager()
    expect(seen.status).toBe('fixed')
    expect(seen.history.map((h) => h.status)).toEqual(['open', 'assigned', 'fixed'])
    expect(fixed.body.steps.map((s) => [s.action, s.from, s.to, s.by, s.note])).toEqual([
      ['open', null, 'open', 'villager', null],
      ['assign', 'open', 'assigned', 't-dispatcher', '明早去换'],
      ['fix', 'assigned', 'fixed', 't-dispatcher', '换了新站牌'],
    ])
    expect((await act(ticketId, 'fix', {})).status).toBe(409)

    const audit = await server.apiJson<{
      items: { action: string; username: string; before: unknown; after: unknown }[]
    }>('GET', `/api/audit?target=ticket:${ticketId}`)
    expect(audit.body.items.map((a) => `${a.action} ${a.username}`)).toEqual([
      'ticket.fix t-dispatcher',
      'ticket.assign t-dispatcher',
    ])
    expect(audit.body.items[0]).toMatchObject({
      before: { status: 'assigned' },
      after: { status: 'fixed', note: '换了新站牌' },
    })
  })

  it('after a repair: a late offline report joins the closed ticket, a new one opens a linked ticket; reject and reopen', async () => {
    const code = await r.newStop()
    await r.json(code, { category: 'damaged' })
    const first = (await ticketsAt(code))[0]?.id as number
    await act(first, 'assign', { assignee: 'crew A' })
    const fixedAt = Date.parse((await act(first, 'fix', {})).body.closedAt ?? '')

    // Made an hour before the fix on a phone without signal, delivered now.
    const late = await r.json(code, { category: 'damaged', reportedAt: new Date(fixedAt - 3_600_000).toISOString() })
    expect(late.body).toMatchObject({ status: 'fixed', reportCount: 2 })
    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('ok')

    const again = await r.json(code, { category: 'blocked' })
    expect(again.body).toMatchObject({ status: 'open', reportCount: 1 })
    const second = (await ticketsAt(code)).find((t) => t.id !== first) as TicketView
    expect(second.previousTicketId).toBe(first)
    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('reported')

    // One open ticket per sign: the old one cannot be reopened beside it.
    const clash = await act(first, 'reopen', { note: '又坏了' })
    expect(clash.status).toBe(409)
    expect(clash.body.error.details).toMatchObject({ openTicketId: second.id })

    expect((await act(second.id, 'reject', {})).status).toBe(400)
    const rejected = await act(second.id, 'reject', { note: '树枝已被村民清走' })
    expect(rejected.body.status).toBe('rejected')
    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('ok')

    const reopened = await act(first, 'reopen', { note: '新站牌又被撞了' })
    expect(reopened.body).toMatchObject({ status: 'open', assignee: null, closedAt: null })
    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('reported')
    // New reports now gather on the reopened ticket.
    expect((await r.json(code, { category: 'damaged' })).body.reportCount).toBe(3)
  })

  it('pushes each report to the dispatcher console live as an alert, and the sign status to the console and the stop page', async () => {
    const code = await r.newStop()
    const console_ = connectSocket(server.baseUrl, {
      transports: ['websocket'],
      auth: { token: dispatcher.token },
    }) as Socket<ServerToClientEvents, ClientToServerEvents>
    const page = connectSocket(server.baseUrl, { transports: ['websocket'] }) as Socket<
      ServerToClientEvents,
      ClientToServerEvents
    >
    const alerts: LiveAlert[] = []
    const statuses: StopStatusChange[] = []
    const pageStatuses: StopStatusChange[] = []
    console_.on('alerts', (batch) => alerts.push(...batch))
    console_.on('stopStatus', (batch) => statuses.push(...batch))
    page.on('stopStatus', (batch) => pageStatuses.push(...batch))
    try {
      const joined = await new Promise<{ ok: boolean }>((resolve) => console_.emit('subscribe', ['all'], resolve))
      expect(joined.ok).toBe(true)
      await new Promise((resolve) => page.emit('subscribe', [`stop:${code}`], resolve))

      const sign = (
        await r.json(code, { category: 'damaged', note: '倒了', photo: fixture('photo.jpg').toString('base64') })
      ).body
      const road = (await r.json(code, { category: 'landslide' })).body
      const signAlert = await waitFor(() => alerts.find((a) => a.id === `sign_report:${sign.id}`))
      expect(signAlert).toMatchObject({
        type: 'sign_report',
        severity: 'info',
        state: 'active',
        stopCode: code,
        data: { reportId: sign.id, category: 'damaged', note: '倒了', hasPhoto: true },
      })
      const roadAlert = await waitFor(() => alerts.find((a) => a.id === `road_report:${road.id}`))
      expect(roadAlert).toMatchObject({ type: 'road_report', severity: 'critical', state: 'active' })
      await waitFor(() => statuses.find((s) => s.stopCode === code && s.status === 'reported'))
      await waitFor(() => pageStatuses.find((s) => s.status === 'reported'))

      // Stored too: the alert list has them.
      const listed = await r.call<{ items: LiveAlert[] }>('GET', '/api/alerts?type=sign_report', undefined, {
        as: dispatcher,
      })
      expect(listed.body.items.map((a) => a.id)).toContain(`sign_report:${sign.id}`)

      const ticketId = signAlert.data.ticketId as number
      await act(ticketId, 'assign', { assignee: 'crew B' })
      await waitFor(() =>
        statuses.find((s) => s.stopCode === code && s.status === 'in_repair' && s.ticketStatus === 'assigned'),
      )
      await act(ticketId, 'fix', {})
      const ok = await waitFor(() => statuses.find((s) => s.stopCode === code && s.status === 'ok'))
      expect(ok).toMatchObject({ previous: 'in_repair', ticketId, ticketStatus: 'fixed' })
      await waitFor(() => pageStatuses.find((s) => s.status === 'ok'))
      // Handled: the report's alert is re-sent cleared.
      await waitFor(() => alerts.find((a) => a.id === `sign_report:${sign.id}` && a.state === 'cleared'))
    } finally {
      console_.close()
      page.close()
    }
  })

  it('refuses a bad photo with a clear 4xx and stores nothing; the same key then works with a good photo', async () => {
    const code = await r.newStop()
    const before = files()
    const key = r.key()
    const max = 2048 * 1024
    const gif = await r.json(
      code,
      { category: 'damaged', photo: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64') },
      key,
    )
    expect(gif.status).toBe(415)
    expect(gif.body.error).toMatchObject({ code: 'UNSUPPORTED_PHOTO', details: { reason: 'type' } })
    expect(gif.body.error.message).toContain('JPEG, PNG or WebP')

    const text = await r.multipart(
      code,
      { category: 'damaged' },
      { bytes: Buffer.from('#!/bin/sh\necho hi\n'), name: 'photo.jpg', type: 'image/jpeg' },
      key,
    )
    expect(text.status).toBe(415)
    const cut = await r.json(
      code,
      { category: 'damaged', photo: fixture('photo.jpg').subarray(0, 200).toString('base64') },
      key,
    )
    expect(cut.status).toBe(415)
    expect(cut.body.error.details).toEqual({ reason: 'damaged' })

    const big = Buffer.concat([fixture('photo.jpg'), Buffer.alloc(max + 1 - fixture('photo.jpg').length)])
    const tooBig = await r.json(code, { category: 'damaged', photo: big.toString('base64') }, key)
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error).toMatchObject({ code: 'PHOTO_TOO_LARGE', details: { maxBytes: max } })
    expect(tooBig.body.error.message).toContain('at most 2 MB')
    const tooBigForm = await r.multipart(
      code,
      { category: 'damaged' },
      { bytes: big, name: 'p.jpg', type: 'image/jpeg' },
      key,
    )
    expect(tooBigForm.status).toBe(413)
    expect(tooBigForm.body.error.code).toBe('PHOTO_TOO_LARGE')
    const huge = await r.json(code, { category: 'damaged', photo: Buffer.alloc(4 * max).toString('base64') }, key)
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('PHOTO_TOO_LARGE')

    const notBase64 = await r.json(code, { category: 'damaged', photo: '<<not base64>>' }, key)
    expect(notBase64.status).toBe(400)
    const wrongPart = await r.multipart(
      code,
      { category: 'damaged' },
      { bytes: fixture('photo.jpg'), name: 'p.jpg', type: 'image/jpeg', field: 'image' },
      key,
    )
    expect(wrongPart.status).toBe(400)

    expect(await ticketsAt(code)).toEqual([])
    expect((await r.call<{ status: string }>('GET', `/api/stops/${code}`)).body.status).toBe('ok')
    expect(files()).toEqual(before)

    const good = await r.json(code, { category: 'damaged', photo: fixture('photo.jpg').toString('base64') }, key)
    expect(good.status).toBe(201)
    expect(good.headers.get('idempotent-replayed')).toBeNull()
    expect(files().length).toBe(before.length + 1)
  })

  it('checks what it takes: stop, category, note length, idempotency key; a retired sign takes road reports only', async () => {
    const code = await r.newStop()
    const unknown = await r.json('RP-9999', { category: 'damaged' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('STOP_NOT_FOUND')
    expect((await r.json(code, { category: 'graffiti' })).status).toBe(400)
    expect((await r.json(code, { category: 'damaged', note: '坏'.repeat(501) })).body.error.code).toBe(
      'VALIDATION_FAILED',
    )
    expect((await r.json(code, { category: 'damaged', note: '坏'.repeat(500) })).status).toBe(201)
    const noKey = await r.call<ErrorBody>('POST', `/api/stops/${code}/reports`, { category: 'damaged' })
    expect(noKey.status).toBe(400)
    expect(noKey.body.error.message).toContain('Idempotency-Key')
    expect((await r.json(code, { category: 'damaged' }, 'short')).status).toBe(400)
    expect((await r.call('GET', '/api/reports/R2222222222222222')).status).toBe(404)
    expect((await r.call('GET', '/api/reports/not-an-id')).status).toBe(400)

    const retired = await r.newStop()
    expect((await server.apiJson('DELETE', `/api/stops/${retired}`)).status).toBe(200)
    const sign = await r.json(retired, { category: 'missing' })
    expect(sign.status).toBe(409)
    expect(sign.body.error.details).toMatchObject({ reason: 'removed' })
    expect((await r.json(retired, { category: 'pothole' })).status).toBe(201)
    expect((await r.call<{ status: string }>('GET', `/api/stops/${retired}`)).body.status).toBe('removed')
  })

  it('keeps tickets and photos to dispatchers and operators', async () => {
    const code = await r.newStop()
    await r.json(code, { category: 'damaged' })
    const id = (await ticketsAt(code))[0]?.id as number
    expect((await r.call<ErrorBody>('GET', '/api/tickets')).status).toBe(401)
    await server.apiJson('PUT', '/api/drivers/RP-D001', {
      name: '陈师傅',
      phone: '13812340001',
      licenceClass: 'A1',
      serviceSince: '2012-05-01',
      pioneer: false,
      status: 'active',
    })
    const driver = await server.loginAs('driver', { username: 'rp-driver', driverCode: 'RP-D001' })
    expect((await r.call<ErrorBody>('GET', '/api/tickets', undefined, { as: driver })).status).toBe(403)
    expect((await act(id, 'assign', { assignee: 'x' }, driver)).status).toBe(403)
    const operator = await server.loginAs('operator')
    expect((await r.call('GET', `/api/tickets/${id}`, undefined, { as: operator })).status).toBe(200)
    expect((await act(id, 'assign', { assignee: '运维 王工' }, operator)).body.assignee).toBe('运维 王工')
    expect((await r.call<ErrorBody>('GET', '/api/tickets/999999', undefined, { as: dispatcher })).body.error.code).toBe(
      'TICKET_NOT_FOUND',
    )
  })
})

describe('repair report photos in the database (DATA_DIR=memory), and the public rate limits', () => {
  let server: TestServer
  let dispatcher: RoleSession
  let r: ReturnType<typeof createReportClient>
  /** Each test is its own client address (TRUST_PROXY=on), so the limits of one do not touch another. */
  const from = (n: number): Record<string, string> => ({ 'x-forwarded-for': `10.9.0.${n}` })
  const photoRows = async (): Promise<number> =>
    (await server.app.rb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_photo')).rows[0]?.n ?? -1

  beforeAll(async () => {
    server = await startServer({
      COUNTY_PREFIX: 'RQ',
      REPORT_RATE_LIMIT: '3',
      PUBLIC_RATE_LIMIT: '20',
      TRUST_PROXY: 'on',
    })
    r = createReportClient(server, 'RQ')
    dispatcher = await server.loginAs('dispatcher')
  })

  afterAll(async () => {
    await server?.close()
  })

  it('keeps the cleaned photo in the database and serves it back', async () => {
    expect(server.app.rb.reports.photos.kind).toBe('db')
    const code = await r.newStop()
    const sent = await r.multipart(
      code,
      { category: 'blocked' },
      { bytes: phoneJpeg(3), name: 'IMG.jpg', type: 'image/jpeg' },
      r.key(),
      from(1),
    )
    expect(sent.status).toBe(201)
    const tickets = await r.call<{ items: TicketView[] }>('GET', `/api/tickets?stop=${code}`, undefined, {
      as: dispatcher,
    })
    const detail = await r.call<TicketDetail>('GET', `/api/tickets/${tickets.body.items[0]?.id}`, undefined, {
      as: dispatcher,
    })
    const url = detail.body.reports[0]?.photo?.url
    const bytes = Buffer.from(
      await (await fetch(`${server.baseUrl}${url}`, { headers: dispatcher.headers })).arrayBuffer(),
    )
    expect(bytes.equals((await preparePhoto(phoneJpeg(3))).bytes)).toBe(true)
    expect(containsAny(bytes, SECRETS)).toEqual([])
  })

  it('stores nothing for a refused photo', async () => {
    const code = await r.newStop()
    const before = await photoRows()
    const wrong = await r.json(
      code,
      { category: 'damaged', photo: Buffer.from('%PDF-1.7 ...').toString('base64') },
      r.key(),
      from(2),
    )
    expect(wrong.status).toBe(415)
    const big = await r.json(
      code,
      { category: 'damaged', photo: Buffer.alloc(2048 * 1024 + 1, 0xff).toString('base64') },
      r.key(),
      from(2),
    )
    expect(big.status).toBe(413)
    expect(await photoRows()).toBe(before)
    expect(
      (await r.call<{ items: unknown[] }>('GET', `/api/tickets?stop=${code}`, undefined, { as: dispatcher })).body
        .items,
    ).toEqual([])
  })

  it('limits reports per client address (REPORT_RATE_LIMIT) and lookups by the public limit (PUBLIC_RATE_LIMIT)', async () => {
    const code = await r.newStop()
    const sent: number[] = []
    for (let i = 0; i < 4; i++) sent.push((await r.json(code, { category: 'other' }, r.key(), from(3))).status)
    expect(sent).toEqual([201, 201, 201, 429])
    const over = await r.json(code, { category: 'other' }, r.key(), from(3))
    expect(over.body.error.code).toBe('RATE_LIMITED')
    expect(over.body.error.message).toContain('reports from this address')
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another address (a neighbour's phone) is not held back.
    const other = await r.json(code, { category: 'other' }, r.key(), from(4))
    expect(other.status).toBe(201)

    const lookups: number[] = []
    for (let i = 0; i < 21; i++)
      lookups.push((await r.call('GET', `/api/reports/${other.body.id}`, undefined, { headers: from(5) })).status)
    expect(lookups.slice(0, 20).every((s) => s === 200)).toBe(true)
    expect(lookups[20]).toBe(429)
  })
})
