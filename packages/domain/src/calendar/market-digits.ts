/**
 * The market-day digit sets by the names towns give them. A module of its own, importing nothing,
 * so the console bundles it (`@rb/domain/market-digits`) without the lunar calendar behind
 * `market-day.ts`.
 */

/** Last digits of the market days; 0 stands for days 10, 20 and 30. */
export type DayDigit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/** The usual digit sets by the names towns give them ("4-7-10" is written with 10 for digit 0). */
export const MARKET_DIGITS = {
  '1-4-7': [1, 4, 7],
  '2-5-8': [2, 5, 8],
  '3-6-9': [3, 6, 9],
  '4-7-10': [4, 7, 0],
  odd: [1, 3, 5, 7, 9],
  even: [2, 4, 6, 8, 0],
} as const satisfies Record<string, readonly DayDigit[]>

export type MarketPattern = keyof typeof MARKET_DIGITS
