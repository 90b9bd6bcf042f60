import { describe, expect, it } from 'vitest'
import { accessFor, DEFAULT_ACCESS } from './policy.js'

describe('route access table', () => {
  it('keeps the villager page, published network and feeds public', () => {
    for (const [m, p] of [
      ['GET', '/s/XY-0421'],
      ['GET', '/api/stops/:code'],
      ['HEAD', '/api/stops'],
      ['GET', '/api/gtfs/export'],
      ['GET', '/api/health'],
      ['GET', '/api/trips'],
    ]) {
      expect(accessFor(m as string, p as string), `${m} ${p}`).toBe('public')
    }
  })

  it('gives live fleet data to dispatchers and operators, network changes to operators, accounts to admins', () => {
    expect(accessFor('GET', '/api/vehicles/positions')).toEqual(['dispatcher', 'operator'])
    expect(accessFor('GET', '/api/drivers/:id')).toEqual(['dispatcher', 'operator'])
    expect(accessFor('PUT', '/api/trip-instances/:id/assignment')).toEqual(['dispatcher', 'operator'])
    expect(accessFor('PATCH', '/api/stops/:code')).toEqual(['operator'])
    expect(accessFor('POST', '/api/sim/start')).toEqual(['operator'])
    expect(accessFor('GET', '/api/stops/sheets')).toEqual(['dispatcher', 'operator'])
    expect(accessFor('DELETE', '/api/users/:id')).toEqual(['admin'])
    expect(accessFor('POST', '/api/driver/vehicle')).toEqual(['driver'])
    expect(accessFor('DELETE', '/api/driver/vehicle')).toEqual(['driver'])
  })

  it('leaves an unknown route to the staff-only default', () => {
    expect(accessFor('GET', '/api/something-new')).toBeUndefined()
    expect(DEFAULT_ACCESS).toEqual(['dispatcher', 'operator', 'admin'])
  })
})
