/** County-wide holiday exceptions (migration 014): spans of days when every calendar of a kind stops. */
import type { CalendarKind, HolidayException } from '@rb/domain'
import type { Queryable } from '../port.js'

interface Row {
  id: string
  name: string
  start_date: string
  end_date: string
  kinds: CalendarKind[]
  exempt_calendars: string[]
}

const SELECT = `SELECT id, name, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, kinds, exempt_calendars FROM holiday_exception`
const of = (r: Row): HolidayException => ({
  id: r.id,
  name: r.name,
  start: r.start_date,
  end: r.end_date,
  kinds: r.kinds,
  exemptCalendars: r.exempt_calendars,
})

export async function listHolidays(q: Queryable): Promise<HolidayException[]> {
  return (await q.query<Row>(`${SELECT} ORDER BY start_date, id`)).rows.map(of)
}

export async function getHoliday(q: Queryable, id: string): Promise<HolidayException | null> {
  const r = (await q.query<Row>(`${SELECT} WHERE id = $1`, [id])).rows[0]
  return r ? of(r) : null
}

export async function saveHoliday(q: Queryable, h: HolidayException, by: string): Promise<void> {
  await q.query(
    `INSERT INTO holiday_exception (id, name, start_date, end_date, kinds, exempt_calendars, updated_at, updated_by)
     VALUES ($1, $2, $3::date, $4::date, $5::text[], $6::text[], now(), $7)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,
       kinds = EXCLUDED.kinds, exempt_calendars = EXCLUDED.exempt_calendars, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [h.id, h.name, h.start, h.end, [...h.kinds], [...h.exemptCalendars], by],
  )
}

export async function deleteHoliday(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM holiday_exception WHERE id = $1', [id])).rowCount > 0
}
