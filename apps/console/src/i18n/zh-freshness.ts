/** Words of a bus whose position is older than the server's ETA grace (trip board, stop and vehicle panels). */
export const FRESHNESS_WORDS = {
  Lost: '失联',
  'no position': '暂无实时位置',
  'no live position · timetable {time}': '暂无实时位置 · 按时刻表 {time}',
  'last position {age}': '最后位置 {age}',
} as const
