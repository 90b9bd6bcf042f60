/** The grid reporters' views in Chinese (views/grid.ts, views/grid-points.ts), keyed by their English. */
export const GRID_WORDS = {
  'Grid reporters': '网格员积分',
  'Grid reporter': '网格员',
  Rank: '排名',
  'Reporter id': '网格员编号',
  'Confirmed reports': '确认上报',
  Points: '积分',
  '{reporters} reporters, {points} points, {confirmed} confirmed reports':
    '{reporters} 名网格员，{points} 分，确认上报 {confirmed} 条',
  'No points in this month yet': '本月还没有积分',
  'Confirm points (+{n})': '确认积分（+{n}）',
  '+{n} points': '+{n} 分',
  '{n} points confirmed': '已确认 {n} 分',
  'duplicate: no points': '重复上报，不计分',
  'rejected: no points': '不予处理，不计分',
  'anonymous villager': '匿名村民',
  'Points are paid when the ticket is fixed, or confirmed here; none for rejected or duplicate reports.':
    '工单修复或在此确认后计分；不予处理或重复上报不计分。',
}
