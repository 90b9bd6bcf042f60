/** Words of the basemap, the replay's chart and timeline, and the geofence editor. */
export const MAP_WORDS = {
  'Demo county basemap, made from its own data': '示例县底图（由示例县数据生成）',
  // Replay: several buses, the speed chart and the event lanes.
  'Add a bus': '加一辆车',
  Remove: '移除',
  'Speed (km/h)': '车速（公里/小时）',
  'Speed and events over time': '车速与事件时间轴',
  Geofences: '电子围栏',
  Other: '其他',
  // Stored geofence events (the replay's event list and timeline).
  'geofence enter': '进入围栏',
  'geofence exit': '离开围栏',
  'geofence dwell': '围栏内停留',
} as const
