import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    globalSetup: ['test/support/build-generator.ts'],
    // Hang guards, not speed limits: tests assert outcomes, and CI runs them on a busy 2-core machine where PGlite's
    // initdb and a `gen` process each take seconds (a 60 s limit failed CI twice). CI's own bound is 90 minutes.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // vitest's default (cores - 1) is one worker on a 2-core machine; most files wait on PostgreSQL or child
    // processes, so two workers take npm test from 138 s to 100 s here
    maxWorkers: 2,
  },
});
