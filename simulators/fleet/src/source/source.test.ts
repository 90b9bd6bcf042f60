import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoCounty, serviceDate } from '@rb/domain'
import { gtfs } from '@rb/gtfs'
import { createFleet } from '../model/fleet.js'
import { DEFAULT_BEHAVIOUR, faultProfile } from '../model/config.js'
import { loadNetwork } from './index.js'
import { networkFromSnapshot } from './snapshot.js'

const DATE = '2026-11-25'

describe('network sources', () => {
  const demo = demoCounty()

  it('expands a snapshot (the demo county) into the trips of the day, with township-centre stops', () => {
    const net = networkFromSnapshot(demo, DATE)
    expect(net.trips.length).toBeGreaterThan(50)
    expect(net.vehicles.length).toBe(demo.vehicles.filter((v) => v.status === 'active').length)
    expect(net.stops.filter((s) => s.townshipCentre).length).toBeGreaterThanOrEqual(demo.townships.length - 1)
    const fleet = createFleet(net, { seed: 1, faults: faultProfile('realistic'), behaviour: DEFAULT_BEHAVIOUR })
    expect(fleet.unassigned).toHaveLength(0)
  })

  it('reads a GTFS zip through the GTFS package, making up vehicles GTFS does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-sim-gtfs-'))
    const file = join(dir, 'feed.zip')
    writeFileSync(
      file,
      gtfs.exportGtfs(demo, {
        from: serviceDate('2026-11-01'),
        to: serviceDate('2026-12-31'),
        agencyUrl: 'https://bus.example.cn',
      }),
    )
    const { network, warnings } = await loadNetwork({ gtfs: file }, DATE)
    expect(network.trips.map((t) => t.id).sort()).toEqual(
      networkFromSnapshot(demo, DATE)
        .trips.map((t) => t.id)
        .sort(),
    )
    expect(network.vehicles[0]?.id).toBe('SIM-V001')
    expect(warnings).toContainEqual(expect.stringMatching(/GTFS has no vehicles/))
  })

  it('asks for exactly one source', async () => {
    await expect(loadNetwork({}, DATE)).rejects.toThrow(/no network/)
    await expect(loadNetwork({ api: 'http://x', gtfs: 'y.zip' }, DATE)).rejects.toThrow(/exactly one/)
    await expect(loadNetwork({ gtfs: '/nonexistent/feed.zip' }, DATE)).rejects.toThrow(/cannot read GTFS feed/)
  })
})
