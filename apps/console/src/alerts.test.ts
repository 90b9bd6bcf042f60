import { describe, expect, it } from 'vitest'
import type { LiveAlert } from '@rb/protocol'
import {
  alertTypeLabel,
  AlertStore,
  countByStatus,
  emergencyVehicles,
  filterAlerts,
  isEmergency,
  sounding,
  type AlertFilter,
} from './alerts.js'

const T0 = Date.UTC(2026, 2, 2, 2, 0)
const alert = (over: Partial<LiveAlert> = {}): LiveAlert => ({
  id: `off_route:XY-V001:${T0}`,
  type: 'off_route',
  severity: 'warning',
  state: 'active',
  ts: T0,
  clearedTs: null,
  vehicleId: 'XY-V001',
  tripInstanceId: 'XY-T1_20260302',
  stopCode: null,
  message: 'off route',
  data: {},
  status: 'open',
  ackBy: null,
  ackTs: null,
  ackNote: null,
  resolvedBy: null,
  resolvedTs: null,
  resolveNote: null,
  ...over,
})
const sos = (vehicleId: string, over: Partial<LiveAlert> = {}): LiveAlert =>
  alert({
    id: `driver_alarm:${vehicleId}:${over.ts ?? T0}`,
    type: 'driver_alarm',
    severity: 'critical',
    vehicleId,
    data: { alarm: 'emergency' },
    ...over,
  })
const all: AlertFilter = { status: 'all', type: null, subject: '' }

describe('alerts by their life-cycle', () => {
  const list = [
    alert({ id: 'a', ts: T0 + 1 }),
    alert({ id: 'b', ts: T0 + 2, status: 'acknowledged', ackBy: 'dispatcher', ackTs: T0 + 10, ackNote: '已电话联系' }),
    alert({
      id: 'c',
      ts: T0 + 3,
      status: 'resolved',
      state: 'cleared',
      clearedTs: T0 + 20,
      resolvedBy: 'system',
      resolvedTs: T0 + 20,
    }),
    alert({ id: 'd', ts: T0 + 4, type: 'trip_missed', vehicleId: null, tripInstanceId: 'XY-T9_20260302' }),
    sos('XY-V002', { id: 'e', ts: T0 - 5 }),
  ]

  it('counts and filters by state, newest first with open emergencies on top', () => {
    expect(countByStatus(list)).toEqual({ open: 3, acknowledged: 1, resolved: 1 })
    expect(filterAlerts(list, { ...all, status: 'open' }).map((a) => a.id)).toEqual(['e', 'd', 'a'])
    expect(filterAlerts(list, { ...all, status: 'acknowledged' }).map((a) => a.id)).toEqual(['b'])
    expect(filterAlerts(list, { ...all, status: 'resolved' }).map((a) => a.id)).toEqual(['c'])
    expect(filterAlerts(list, all).map((a) => a.id)).toEqual(['e', 'd', 'c', 'b', 'a'])
  })

  it('filters by type and by vehicle, stop or trip, any case', () => {
    expect(filterAlerts(list, { ...all, type: 'trip_missed' }).map((a) => a.id)).toEqual(['d'])
    expect(filterAlerts(list, { ...all, subject: 'xy-v002' }).map((a) => a.id)).toEqual(['e'])
    expect(filterAlerts(list, { ...all, subject: 'XY-T9_20260302' }).map((a) => a.id)).toEqual(['d'])
  })

  it('names every alert type, the new ones in words a dispatcher reads', () => {
    expect(alertTypeLabel({ type: 'trip_missed' })).toBe('班次未开行')
    expect(alertTypeLabel({ type: 'driver_mismatch' })).toBe('司机与排班不符')
  })

  it('takes a critical driver alarm as an emergency: it sounds while open, its bus is red until resolved', () => {
    expect(isEmergency(sos('V'))).toBe(true)
    expect(isEmergency(sos('V', { severity: 'warning' }))).toBe(false)
    expect(isEmergency(alert({ type: 'offline', severity: 'critical' }))).toBe(false)
    const a = sos('XY-V002', { id: 'x', ts: T0 + 5 })
    const b = sos('XY-V003', { id: 'y', ts: T0 + 1 })
    expect(sounding([a, b]).map((x) => x.id)).toEqual(['y', 'x'])
    const acked = { ...a, status: 'acknowledged' as const, ackBy: 'dispatcher', ackTs: T0 + 9, ackNote: '已报120' }
    expect(sounding([acked, b]).map((x) => x.id)).toEqual(['y'])
    expect([...emergencyVehicles([acked, b])].sort()).toEqual(['XY-V002', 'XY-V003'])
    expect([...emergencyVehicles([{ ...acked, status: 'resolved' as const }, b])]).toEqual(['XY-V003'])
  })

  it('keeps the newest step of an alert: a late copy of an earlier step does not undo it', () => {
    const store = new AlertStore()
    const seen: string[][] = []
    store.changed.on((batch) => seen.push(batch.map((a) => a.status)))
    const a = alert({ id: 'z' })
    store.apply([{ ...a, status: 'acknowledged', ackBy: 'd', ackTs: T0 + 1 }])
    store.apply([a])
    expect(store.get('z')?.status).toBe('acknowledged')
    store.apply([
      { ...a, status: 'resolved', state: 'cleared', clearedTs: T0 + 2, resolvedBy: 'system', resolvedTs: T0 + 2 },
    ])
    expect(store.get('z')?.status).toBe('resolved')
    expect(store.unacknowledged()).toBe(0)
    expect(seen).toEqual([['acknowledged'], ['resolved']])
  })

  it('refuses to acknowledge a critical alert or resolve anything without a note, before asking the server', async () => {
    const store = new AlertStore()
    store.apply([
      sos('XY-V002', { id: 's' }),
      alert({ id: 'o', type: 'offline', severity: 'critical' }),
      alert({ id: 'r' }),
    ])
    await expect(store.acknowledge('s', '  ')).rejects.toThrow(/说明.*紧急情况/)
    await expect(store.acknowledge('o', '')).rejects.toThrow(/说明/)
    await expect(store.resolve('r', '')).rejects.toThrow(/说明/)
  })
})
