import { describe, expect, it } from 'vitest'
import type { Driver } from '@rb/domain'
import { driverDirectory } from './driver-directory.js'

const makeDriver = (over: Partial<Driver> = {}): Driver => ({
  id: 'XY-D007',
  name: '王建国',
  phone: '13812345678',
  licenceClass: 'A1',
  qualificationCert: '5105242008123456',
  photoUrl: null,
  pioneer: false,
  serviceSince: '2008-05-01' as Driver['serviceSince'],
  status: 'active',
  ...over,
})

describe('driver directory', () => {
  const dir = driverDirectory([
    makeDriver(),
    makeDriver({ id: 'XY-D008', name: '李梅', qualificationCert: '5105242011654321' }),
    makeDriver({ id: 'XY-D009', qualificationCert: '' }),
  ])

  it('takes a known driver number first, then the certificate', () => {
    expect(dir.resolve({ driverId: 'XY-D008', cert: '5105242008123456' })?.id).toBe('XY-D008')
    expect(dir.resolve({ driverId: 'XY-D999', cert: '5105242008123456' })?.id).toBe('XY-D007')
    expect(dir.resolve({ cert: ' 5105242011654321 ' })?.id).toBe('XY-D008')
  })

  it('reads a certificate padded with ASCII zeros or spaces, as some terminals send it', () => {
    expect(dir.resolve({ cert: '51052420081234560000' })?.id).toBe('XY-D007')
    expect(dir.resolve({ cert: '0000510524201165432 1' })).toBeNull()
  })

  it('names nobody for an unknown certificate, an empty one, or nothing at all', () => {
    expect(dir.resolve({ cert: '9999999999999999' })).toBeNull()
    expect(dir.resolve({ cert: '' })).toBeNull()
    expect(dir.resolve({ cert: '0000' })).toBeNull()
    expect(dir.resolve({})).toBeNull()
  })

  it('does not guess between two drivers whose certificates differ only in padding', () => {
    const twin = driverDirectory([
      makeDriver({ id: 'A-D001', qualificationCert: '123450' }),
      makeDriver({ id: 'A-D002', qualificationCert: '12345' }),
    ])
    expect(twin.resolve({ cert: '12345' })?.id).toBe('A-D002')
    expect(twin.resolve({ cert: '1234500' })).toBeNull()
  })
})
