// Minimal types for the parts of lunar-javascript (6tail, untyped CommonJS) this folder uses.
declare module 'lunar-javascript' {
  interface Lunar {
    /** Lunar year number (the Gregorian year in which the lunar year starts). */
    getYear(): number
    /** Lunar month 1–12; negative for a leap month (−6 is 闰六月). */
    getMonth(): number
    /** Day of the lunar month, 1–30. */
    getDay(): number
    toString(): string
  }
  interface Solar {
    getLunar(): Lunar
  }
  interface SolarStatic {
    fromYmd(year: number, month: number, day: number): Solar
  }
  interface LunarYear {
    /** The leap month of the lunar year, 0 when it has none. */
    getLeapMonth(): number
  }
  interface LunarYearStatic {
    fromYear(lunarYear: number): LunarYear
  }
  const lunarJavascript: { Solar: SolarStatic; LunarYear: LunarYearStatic }
  export default lunarJavascript
}
