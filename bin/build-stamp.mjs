// What the compiled generator in dist/gen/ was built from, and whether that is still today's sources.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where `bin/build.mjs` writes the compiled generator, relative to the package root. */
export const BUILD_DIR = 'dist/gen';
export const STAMP_FILE = 'stamp.json';

const files = (root, dir, suffix) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(root, `${dir}/${e.name}`, suffix) : e.name.endsWith(suffix) ? [`${dir}/${e.name}`] : []))
    .sort();

/**
 * Every file the build reads: the generator's sources and templates, the build script and this
 * file, and Handlebars' package.json (the precompiled templates need its runtime's version).
 */
const inputs = (root) => [...files(root, 'generator', '.ts'), ...files(root, 'templates', '.hbs'), 'bin/build.mjs', 'bin/build-stamp.mjs', 'node_modules/handlebars/package.json'];

/** SHA-256 over the inputs' names and contents. */
export function sourceDigest(root, list = inputs(root)) {
  const hash = createHash('sha256');
  for (const f of list) hash.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  return hash.digest('hex');
}

/** Each input's size and modification time, by name. */
function sourceStats(root, list = inputs(root)) {
  return Object.fromEntries(list.map((f) => {
    const st = statSync(join(root, f));
    return [f, [st.size, st.mtimeMs]];
  }));
}

/** What `bin/build.mjs` records in dist/gen/stamp.json, taken before it compiles. */
export function sourceState(root) {
  const list = inputs(root);
  return { stats: sourceStats(root, list), digest: sourceDigest(root, list) };
}

/**
 * The compiled CLI's entry when dist/gen/ was built from today's sources; null when it is missing
 * or stale. The same files with the same sizes and modification times are the same sources; when
 * any of these differ (an edit, a file added or removed, a checkout), the contents decide.
 */
export function freshBuild(root) {
  try {
    const stamp = JSON.parse(readFileSync(join(root, BUILD_DIR, STAMP_FILE), 'utf8'));
    const list = inputs(root);
    const stats = sourceStats(root, list);
    const same = list.length === Object.keys(stamp.stats).length && list.every((f) => stamp.stats[f]?.[0] === stats[f][0] && stamp.stats[f]?.[1] === stats[f][1]);
    return same || stamp.digest === sourceDigest(root, list) ? join(root, BUILD_DIR, stamp.main) : null;
  } catch {
    return null;
  }
}
