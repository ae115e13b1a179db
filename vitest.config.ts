import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-build.ts', 'test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One process per worker, reused for every test file it runs: importing the broker's module
    // graph cost about 4 s per file in a fresh process (110 files). Test files share no state but
    // the process-wide caches of the package's own files (compiled schemas, decision tables);
    // each builds its own broker, database and clock (docs/performance.md, "Test suite").
    isolate: false,
    maxWorkers: 2,
  },
});
