-- What the dispatcher console keeps per account (its language), and county-wide holiday
-- exceptions: a span of days on which every calendar of a kind does not run (Spring Festival:
-- market buses off 除夕–初三), with the calendars that run anyway (docs/console.md, docs/network.md).

CREATE TABLE app_user_pref (
  user_id    integer PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  -- null: the account never chose; the console starts in Chinese.
  lang       text CHECK (lang IN ('zh', 'en')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE holiday_exception (
  id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name             text NOT NULL,
  start_date       date NOT NULL,
  end_date         date NOT NULL,
  -- The kinds of calendar it stops (market, school, medical, daily, other: read from each calendar's rules).
  kinds            text[] NOT NULL CHECK (cardinality(kinds) > 0),
  -- Calendars of those kinds that run anyway (a per-calendar override).
  exempt_calendars text[] NOT NULL DEFAULT '{}',
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       text NOT NULL DEFAULT '',
  CHECK (end_date >= start_date AND end_date - start_date < 366)
);
