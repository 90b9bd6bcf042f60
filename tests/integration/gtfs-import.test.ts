/**
 * GTFS import made safe: a feed that reuses the county's ids (stop XY-0001, the county bus station)
 * is refused until the operator chooses, a dry run lists what it would do, the import is one change
 * that can be undone back to the exact previous state, and the feed publisher and the map's home
 * view stay the county's. A feed with frequencies.txt runs its headways and exports them back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { strFromU8, unzipSync } from 'fflate'
import { networkRepo } from '@rb/db'
import { demoCounty, type Stop } from '@rb/domain'
import { nevadaFeed, sampleFiles, zipFeed as zip } from '../support/gtfs-feeds.js'
import { startServer, targets, type TestServer } from '../support/server.js'

const csv = (zipBytes: Uint8Array, file: string): string[][] => {
  const text = unzipSync(zipBytes)[file]
  return text
    ? strFromU8(text)
        .trim()
        .split(/\r?\n/)
        .map((line) => line.split(','))
    : []
}

interface Conflict {
  key: string
  usedBy: number
  existing: string
  incoming: string
  choice: string | null
}
interface Preview {
  conflicts: Conflict[]
  unresolved: number
  added: Record<string, number>
  changed: Record<string, number>
  removed: Record<string, number>
  unchanged: Record<string, number>
  changesTotal: number
  renamed: { kind: string; externalId: string; localId: string }[]
}
interface Imported extends Preview {
  importId: number
  renumberedStops: Record<string, string>
}
interface ErrorBody {
  error: { code: string; message: string; details: { conflicts?: Conflict[]; blockers?: { reason: string }[] } }
}

describe.each(targets())('GTFS import, dry run and undo ($name)', ({ env }) => {
  let server: TestServer
  const post = (path: string, body: Uint8Array) =>
    server.api(path, { method: 'POST', headers: { 'content-type': 'application/zip' }, body })
  const postJson = async <T>(path: string, body: Uint8Array): Promise<{ status: number; body: T }> => {
    const res = await post(path, body)
    return { status: res.status, body: (await res.json()) as T }
  }
  const exportZip = async (): Promise<Uint8Array> =>
    new Uint8Array(await (await fetch(`${server.baseUrl}/api/gtfs/export?from=2026-11-23&to=2026-11-29`)).arrayBuffer())
  const homeView = async (): Promise<unknown> => (await fetch(`${server.baseUrl}/api/network/home-view`)).json()
  const state = async () => ({
    network: await networkRepo.loadNetwork(server.app.rb.db),
    externalIds: (await server.app.rb.db.query('SELECT * FROM gtfs_external_id')).rows,
  })

  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'auto', ...env })
    // The demo county seeds itself into the embedded database only; PostgreSQL gets it here.
    if ((await server.app.rb.network.snapshot()).stops.length === 0)
      await server.app.rb.network.importNetwork(demoCounty())
  })
  afterAll(async () => {
    await server?.close()
  })

  it('refuses a feed that reuses a county id, lists the conflict in the dry run, imports with a mapping and undoes it to the exact previous state', async () => {
    const before = await state()
    const exportBefore = await exportZip()
    const homeBefore = await homeView()
    const station = before.network.stops.find((s) => s.code === 'XY-0001') as Stop
    const stationRoutes = before.network.routes.filter(
      (r) => r.active && r.stops.some((s) => s.stopCode === 'XY-0001'),
    ).length
    expect(stationRoutes).toBeGreaterThan(1)

    // Without a choice: 409 naming the conflict, and nothing written.
    const refused = await postJson<ErrorBody>('/api/gtfs/import', nevadaFeed())
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('GTFS_CONFLICTS')
    expect(refused.body.error.details.conflicts?.map((c) => c.key)).toEqual(['stop:XY-0001'])
    expect(await state()).toEqual(before)

    // The dry run says what would happen, and writes nothing either.
    const dry = await postJson<Preview>('/api/gtfs/import/dry-run', nevadaFeed())
    expect(dry.status).toBe(200)
    expect(dry.body.conflicts).toEqual([
      {
        key: 'stop:XY-0001',
        kind: 'stop',
        id: 'XY-0001',
        existing: expect.stringContaining(station.name),
        incoming: expect.stringContaining('Stagecoach Hotel & Casino'),
        usedBy: stationRoutes,
        choice: null,
      },
    ])
    expect(dry.body.unresolved).toBe(1)
    expect(dry.body.added).toMatchObject({ operator: 1, stop: 8, route: 5, calendar: 2, trip: 8 + 136, frequency: 136 })
    expect(dry.body.changed.stop).toBe(0)
    expect(await state()).toEqual(before)
    const dryMapped = await postJson<Preview>('/api/gtfs/import/dry-run?resolve=stop:XY-0001=rename', nevadaFeed())
    expect(dryMapped.body).toMatchObject({ unresolved: 0, added: { stop: 9 } })

    // A bad choice is a 400 naming the field.
    const bad = await postJson<ErrorBody>('/api/gtfs/import?onConflict=overwrite', nevadaFeed())
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'onConflict' } })

    // Imported with the feed's stop renamed: the county's station is untouched.
    const done = await postJson<Imported>('/api/gtfs/import?resolve=stop:XY-0001=rename', nevadaFeed())
    expect(done.status).toBe(200)
    const nevadaCode = done.body.renumberedStops['XY-0001']
    expect(nevadaCode).toMatch(/^XY-\d{4}$/)
    expect(nevadaCode).not.toBe('XY-0001')
    const after = await networkRepo.loadNetwork(server.app.rb.db)
    expect(after.stops.find((s) => s.code === 'XY-0001')).toEqual(station)
    expect(after.stops.find((s) => s.code === nevadaCode)).toMatchObject({ name: 'Stagecoach Hotel & Casino (Demo)' })
    expect(after.routes.find((r) => r.id === 'CITY')?.stops[0]?.stopCode).toBe(nevadaCode)

    // The county's export still names the county as publisher; the map still opens on the county.
    const exportAfter = await exportZip()
    expect(csv(exportAfter, 'feed_info.txt')[1]?.[0]).toBe(csv(exportBefore, 'feed_info.txt')[1]?.[0])
    expect(csv(exportAfter, 'feed_info.txt')[1]?.[0]).toBe(before.network.operators[0]?.name)
    expect(await homeView()).toEqual(homeBefore)

    // The same feed again lands on the same rows: no conflict, nothing to change.
    const again = await postJson<Preview>('/api/gtfs/import/dry-run', nevadaFeed())
    expect(again.body).toMatchObject({
      conflicts: [],
      unresolved: 0,
      changesTotal: 0,
      unchanged: { stop: 9, route: 5, trip: 144 },
    })

    // Undone: back to the exact previous state, as stored and as exported.
    const undo = await server.apiJson<{ id: number; deleted: number }>(
      'POST',
      `/api/gtfs/imports/${done.body.importId}/undo`,
    )
    expect(undo.status).toBe(200)
    expect(undo.body.deleted).toBe(done.body.changesTotal)
    expect(await state()).toEqual(before)
    expect(await exportZip()).toEqual(exportBefore)
    const list = await server.apiJson<{ items: { id: number; undoneBy: string | null }[] }>('GET', '/api/gtfs/imports')
    expect(list.body.items[0]).toMatchObject({ id: done.body.importId, undoneBy: 'admin' })
    const twice = await server.apiJson<ErrorBody>('POST', `/api/gtfs/imports/${done.body.importId}/undo`)
    expect(twice.status).toBe(409)
  })

  it('replaces a county row only when chosen, and undo puts it back', async () => {
    const before = await state()
    const done = await postJson<Imported>('/api/gtfs/import?onConflict=replace', nevadaFeed())
    expect(done.status).toBe(200)
    expect(done.body.changed.stop).toBe(1)
    const replaced = (await networkRepo.loadNetwork(server.app.rb.db)).stops.find((s) => s.code === 'XY-0001')
    expect(replaced?.name).toBe('Stagecoach Hotel & Casino (Demo)')
    expect((await server.apiJson('POST', `/api/gtfs/imports/${done.body.importId}/undo`)).status).toBe(200)
    expect(await state()).toEqual(before)
  })

  it('refuses to undo when later changes depend on the imported rows, saying which', async () => {
    const done = await postJson<Imported>('/api/gtfs/import?onConflict=rename', nevadaFeed())
    expect(done.status).toBe(200)
    const code = done.body.renumberedStops.FUR_CREEK_RES as string
    const edit = await server.apiJson('PATCH', `/api/stops/${code}`, { name: 'Furnace Creek (renamed here)' })
    expect(edit.status).toBe(200)
    const blocked = await server.apiJson<ErrorBody>('POST', `/api/gtfs/imports/${done.body.importId}/undo`)
    expect(blocked.status).toBe(409)
    expect(blocked.body.error.code).toBe('IMPORT_UNDO_BLOCKED')
    expect(blocked.body.error.details.blockers?.map((b) => b.reason)).toContain(
      `stop ${code} was changed after the import`,
    )
    expect((await networkRepo.loadNetwork(server.app.rb.db)).stops.find((s) => s.code === code)?.name).toBe(
      'Furnace Creek (renamed here)',
    )
  })
})

describe.each(targets())('GTFS frequencies over HTTP ($name)', ({ env }) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ COUNTY_PREFIX: 'GT', ...env })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('runs a frequency-based trip at every headway and exports it back as frequencies.txt', async () => {
    const res = await server.api('/api/gtfs/import', {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: zip(sampleFiles()),
    })
    expect(res.status).toBe(200)
    // CITY1 runs every 30 minutes from 6:00, every 10 from 8:00, every 30 from 10:00 …
    const trips = (await (await fetch(`${server.baseUrl}/api/trips?date=2007-06-05`)).json()) as {
      items: { tripId: string; stopTimes: { departure?: string; arrival: string }[] }[]
    }
    const city1 = trips.items.filter((t) => t.tripId.startsWith('CITY1-')).map((t) => t.tripId)
    expect(city1).toHaveLength(52)
    expect(city1.slice(0, 6)).toEqual([
      'CITY1-0600',
      'CITY1-0630',
      'CITY1-0700',
      'CITY1-0730',
      'CITY1-0800',
      'CITY1-0810',
    ])

    const feed = new Uint8Array(
      await (await fetch(`${server.baseUrl}/api/gtfs/export?from=2007-06-01&to=2007-06-30`)).arrayBuffer(),
    )
    const frequencies = csv(feed, 'frequencies.txt')
    expect(frequencies[0]).toEqual(['trip_id', 'start_time', 'end_time', 'headway_secs', 'exact_times'])
    const sample = csv(zip(sampleFiles()), 'frequencies.txt')
      .slice(1)
      .map(([trip, start, end, headway]) =>
        [trip, start?.padStart(8, '0'), end?.padStart(8, '0'), headway, '0'].join(','),
      )
    expect(
      frequencies
        .slice(1)
        .map((r) => r.join(','))
        .sort(),
    ).toEqual(sample.sort())
    const tripIds = csv(feed, 'trips.txt')
      .slice(1)
      .map((r) => r[2])
    expect(tripIds).toContain('CITY1')
    expect(tripIds.filter((id) => id?.startsWith('CITY1-'))).toEqual([])
  })
})
