import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Forks, not threads: the Temporal worker's native (Rust) runtime is per process.
    pool: 'forks',
    // The CI box has 2 cores and also runs the Temporal dev server.
    maxWorkers: 2,
    testTimeout: 60_000,
    // Starting the dev server and bundling workflows happen in hooks/global setup.
    hookTimeout: 120_000,
    globalSetup: ['tests/support/global-setup.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
