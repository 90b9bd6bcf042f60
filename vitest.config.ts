import { defineConfig } from 'vitest/config'

// Tests run in UTC with explicit clocks; service days are computed in Asia/Shanghai by the code itself.
process.env.TZ = 'UTC'

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'simulators/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // End-to-end tests (real Chromium, the built console) are their own project: tests/e2e/vitest.config.ts.
    projects: [{ extends: true, test: { name: 'main' } }, 'tests/e2e/vitest.config.ts'],
  },
})
