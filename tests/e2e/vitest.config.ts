import { defineConfig } from 'vitest/config'

// End-to-end tests: the real server in-process, the built console, Debian's Chromium.
process.env.TZ = 'UTC'

export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser and one server at a time: the machine has two cores.
    fileParallelism: false,
  },
})
