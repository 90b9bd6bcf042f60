/**
 * The vehicle panel's driver line: who drives and how the server knows — the IC card in the
 * terminal, the driver page, a device, or only the roster (the plan) — and the rostered driver
 * when someone else is at the wheel.
 */
import type { VehicleStateView } from '@rb/protocol'

export const DRIVER_SOURCE_LABELS = {
  card: 'IC card 刷卡',
  app: 'driver page 司机端',
  device: 'device 车载设备',
  roster: 'roster 排班',
} as const

type Who = (code: string) => { name: string; pioneer: boolean } | undefined

export function driverLine(s: Pick<VehicleStateView, 'driverCode' | 'driverSource' | 'rosteredDriverCode'> | null, who: Who): string {
  if (!s || s.driverSource === null) return '—'
  const named = (code: string): string => {
    const d = who(code)
    return d ? `${d.name} · ${code}${d.pioneer ? ' ★' : ''}` : code
  }
  // A card or device naming nobody on file: someone is at the wheel, the server cannot say who.
  const driver = s.driverCode ? named(s.driverCode) : 'unknown 未登记'
  const rostered = s.driverSource !== 'roster' && s.rosteredDriverCode && s.rosteredDriverCode !== s.driverCode ? ` · rostered 排班 ${s.rosteredDriverCode}` : ''
  return `${driver} (${DRIVER_SOURCE_LABELS[s.driverSource]})${rostered}`
}
