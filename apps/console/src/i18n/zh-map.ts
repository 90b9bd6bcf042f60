/** Words of the basemap, the replay's chart and timeline, and the geofence editor. */
export const MAP_WORDS = {
  'Demo county basemap, made from its own data': '示例县底图（由示例县数据生成）',
} as const
