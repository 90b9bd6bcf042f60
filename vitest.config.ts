import { defineConfig } from 'vitest/config'

// Tests run in UTC with explicit clocks; service days are computed in Asia/Shanghai by the code itself.
process.env.TZ = 'UTC'

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'simulators/*/src/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'tests/e2e/**'],
    testTimeout: 180_000,
    // Hooks start servers: on a busy two-core box that can take a minute, and a file's part on the
    // shared broker waits for the other file's (tests/support/services-lock.ts). They wait on
    // conditions, so a long limit costs nothing when things are quick.
    hookTimeout: 600_000,
    pool: 'forks',
    // The slowest files are printed at the end (TEST_TIMES_FILE=path keeps every file's time).
    reporters: ['default', './tests/support/slowest-reporter.ts'],
    // Two files at a time (TEST_WORKERS=1 for one): most of a test's time is waiting on servers,
    // sockets and conditions, and the part of a file that runs against the shared broker holds a
    // lock (tests/support/services-lock.ts). Tests set no limit of their own below the suite's, so
    // a file that waits for the lock or for a slow start on a busy box does not run out of time.
    maxWorkers: Number(process.env.TEST_WORKERS ?? 2),
    // End-to-end tests (real Chromium, the built console) are their own project: tests/e2e/vitest.config.ts.
    projects: [{ extends: true, test: { name: 'main' } }, 'tests/e2e/vitest.config.ts'],
  },
})
