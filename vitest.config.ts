import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // PGlite runs initdb on every start (seconds) and blocks the event loop while it works.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default (cores - 1) is one worker on a 2-core machine; most files wait on PostgreSQL or child
    // processes, so two workers take npm test from 138 s to 100 s here
    maxWorkers: 2,
  },
});
