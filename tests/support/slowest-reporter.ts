/**
 * A reporter beside the default one: at the end of a run it prints the slowest test files (import
 * plus tests and hooks, wall time as the worker saw it) and appends every file's time to
 * TEST_TIMES_FILE when that is set, so the suite's wall time can be looked at file by file.
 */
import { appendFileSync } from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

const SHOW = 20

export default class SlowestReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => {
        const d = m.diagnostic()
        return {
          file: m.relativeModuleId,
          project: m.project.name,
          ms: d.collectDuration + d.setupDuration + d.duration,
          state: m.state(),
        }
      })
      .sort((a, b) => b.ms - a.ms)
    if (rows.length === 0) return
    const total = rows.reduce((n, r) => n + r.ms, 0)
    const lines = rows
      .slice(0, SHOW)
      .map(
        (r) =>
          `  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.project.padEnd(5)} ${r.file}${r.state === 'passed' ? '' : ` (${r.state})`}`,
      )
    process.stdout.write(
      `\nSlowest test files (of ${rows.length}; ${(total / 1000).toFixed(0)} s of file time in all):\n${lines.join('\n')}\n`,
    )
    const out = process.env.TEST_TIMES_FILE
    if (out)
      appendFileSync(out, rows.map((r) => `${Math.round(r.ms)}\t${r.project}\t${r.file}\t${r.state}`).join('\n') + '\n')
  }
}
