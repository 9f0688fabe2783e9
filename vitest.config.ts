/** Vitest's projects: unit tests beside the code, end-to-end tests in test/e2e one file at a time. */

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    maxWorkers: 2,
    // JSON results feed the one-line summary that .ci/run prints ("N passed, N failed")
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/test-results.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'errors/**/*.test.ts',
            'contract/**/*.test.ts',
            'core-cluster/**/*.test.ts',
            'scheduler/**/*.test.ts',
            'executor/**/*.test.ts',
            'cli/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
