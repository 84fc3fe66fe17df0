import { fileURLToPath } from 'node:url';
import { freshBuild } from '../../bin/build-stamp.mjs';
import { buildGenerator } from '../../bin/build.mjs';

/**
 * vitest's global setup: the CLI tests spawn `node bin/gen.mjs`, which runs dist/gen/ only while it
 * matches the sources (else the sources through tsx, slower). Rebuilding a stale dist/gen/ here
 * makes them test the compiled generator, as a fresh clone after `npm ci` runs it.
 */
export default async function setup(): Promise<void> {
  if (!freshBuild(fileURLToPath(new URL('../../', import.meta.url)))) await buildGenerator();
}
