/**
 * The vehicle panel's driver line: who drives and how the server knows — the IC card in the
 * terminal, the driver page, a device, or only the roster (the plan) — and the rostered driver
 * when someone else is at the wheel.
 */
import type { VehicleStateView } from '@rb/protocol'
import { t, type MessageKey } from './i18n/index.js'

const DRIVER_SOURCE_WORDS = {
  card: 'IC card',
  app: 'driver page',
  device: 'device',
  roster: 'roster',
} as const satisfies Record<NonNullable<VehicleStateView['driverSource']>, MessageKey>

type Who = (code: string) => { name: string; pioneer: boolean } | undefined

export function driverLine(
  s: Pick<VehicleStateView, 'driverCode' | 'driverSource' | 'rosteredDriverCode'> | null,
  who: Who,
): string {
  if (!s || s.driverSource === null) return '—'
  const named = (code: string): string => {
    const d = who(code)
    return d ? `${d.name} · ${code}${d.pioneer ? ' ★' : ''}` : code
  }
  // A card or device naming nobody on file: someone is at the wheel, the server cannot say who.
  const driver = s.driverCode ? named(s.driverCode) : t('unknown driver')
  const rostered =
    s.driverSource !== 'roster' && s.rosteredDriverCode && s.rosteredDriverCode !== s.driverCode
      ? ` · ${t('rostered {code}', { code: s.rosteredDriverCode })}`
      : ''
  return `${driver} (${t(DRIVER_SOURCE_WORDS[s.driverSource])})${rostered}`
}
