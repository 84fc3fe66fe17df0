#!/usr/bin/env node
// The `gen` CLI. The generator is TypeScript: it runs compiled from dist/gen/ (bin/build.mjs, run by
// `npm ci` as `prepare` and by `npm run build`) while that build matches the sources, and otherwise
// from the sources through tsx, so that an edit to generator/ or templates/ takes effect at once.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBuild } from './build-stamp.mjs';

const compiled = freshBuild(fileURLToPath(new URL('..', import.meta.url)));
let main;
if (compiled) {
  // stack traces of internal errors point into the sources, as they do through tsx
  if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(compiled).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../generator/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
