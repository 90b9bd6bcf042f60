/** Test factories: valid objects with overridable fields (docs/design.md §5). */
import type { CalendarJson, ServiceCalendar } from './calendar.js'
import { parseCalendar } from './validate.js'

/**
 * A checked calendar that runs every day unless overridden. Overrides are raw JSON (plain date
 * strings), and the result goes through `parseCalendar`, so a test cannot build an invalid one.
 */
export function makeCalendar(overrides: Partial<CalendarJson> = {}): ServiceCalendar {
  return parseCalendar({
    rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] },
    added: [],
    removed: [],
    ...overrides,
  })
}
