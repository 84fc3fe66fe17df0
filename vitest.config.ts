import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // PGlite runs initdb on every start (seconds) and blocks the event loop while it works.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
