/**
 * The heat map of departures by stop and hour: per cell the on-time share and the mean delay
 * (how far running time has drifted from the timetable by then). Pure: the repository gives the sums.
 */

export interface StopHourSums {
  stopCode: string
  stopName: string
  /** Local hour of the day (Asia/Shanghai), 0–23. */
  hour: number
  departures: number
  onTime: number
  delaySumS: number
}

export interface StopHourRow {
  stopCode: string
  stopName: string
  hour: number
  departures: number
  onTime: number
  /** onTime / departures, 0–1 (4 digits). */
  onTimeShare: number
  /** Mean delay in seconds (1 digit); positive is behind the timetable. */
  meanDelayS: number
}

export function stopHourRow(s: StopHourSums): StopHourRow {
  const d = Math.max(1, s.departures)
  return {
    stopCode: s.stopCode,
    stopName: s.stopName,
    hour: s.hour,
    departures: s.departures,
    onTime: s.onTime,
    onTimeShare: Math.round((s.onTime / d) * 10_000) / 10_000,
    meanDelayS: Math.round((s.delaySumS / d) * 10) / 10,
  }
}
