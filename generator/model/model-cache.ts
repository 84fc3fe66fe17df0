import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';

/**
 * The bundled model of the last run, reused while nothing it was built from has changed: starting
 * esbuild costs a tenth of a second, more than the rest of loading the model. Like tsx's transform
 * cache it lives in the temporary directory (`SCHEMAGEN_CACHE_DIR` moves it), one file per model
 * entry and compiled generator, in a directory only this user may write.
 *
 * An entry is kept only for a model whose bundle depends on nothing but its files' contents: every
 * import of a bundled file names its file exactly (`./schema.ts`), the generator's DSL or a Node
 * built-in. What else esbuild reads, `tsconfig.json`, `jsconfig.json` and `package.json` in every
 * directory above a bundled file, is recorded as present with its digest, or absent. Any difference
 * in any of them, or a model that imports a package, `extends` a tsconfig or names a file without
 * its extension, means esbuild runs again.
 */
export interface BundleInputs {
  /** Bundled files (absolute) → SHA-256 of their contents. */
  readonly files: Record<string, string>;
  /** Configuration files esbuild consults (absolute) → SHA-256, or null when absent. */
  readonly configs: Record<string, string | null>;
  /** Import paths (as written, made absolute) that must still lead, through symlinks, to the generator's DSL. */
  readonly dsl: readonly string[];
}

interface Entry extends BundleInputs {
  readonly format: 1;
  readonly key: string;
  readonly code: string;
}

const CONFIG_FILES = ['tsconfig.json', 'jsconfig.json', 'package.json'];
const KEEP = 100;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const digestOf = (path: string): string | null => {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
};

/** The private cache directory, created if needed; null when it cannot be trusted (another owner, writable by others) or made. */
function cacheDir(): string | null {
  const dir = process.env.SCHEMAGEN_CACHE_DIR || join(tmpdir(), `schemagen-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return null;
    return dir;
  } catch {
    return null;
  }
}

const entryFile = (dir: string, entry: string, key: string) => join(dir, `model-${sha256(`${entry}\0${key}`).slice(0, 32)}.json`);

/** The cached bundle of `entry` for the compiled generator `key`, if every input it recorded is as it was. */
export function cachedBundle(entry: string, key: string, dslSource: string): string | null {
  const dir = cacheDir();
  if (!dir) return null;
  let cached: Entry;
  try {
    cached = JSON.parse(readFileSync(entryFile(dir, entry, key), 'utf8')) as Entry;
  } catch {
    return null;
  }
  if (cached.format !== 1 || cached.key !== key) return null;
  for (const [file, digest] of Object.entries(cached.files)) if (digestOf(file) !== digest) return null;
  for (const [file, digest] of Object.entries(cached.configs)) if (digestOf(file) !== digest) return null;
  for (const path of cached.dsl) {
    try {
      if (realpathSync(path) !== dslSource) return null;
    } catch {
      return null;
    }
  }
  return cached.code;
}

/**
 * What a bundle was built from, from esbuild's metafile (paths relative to `base`) and the contents
 * esbuild compiled (`read`, by absolute path); null when it depends on more than its files' contents
 * (see above).
 */
export function bundleInputs(metafile: Metafile, base: string, read: ReadonlyMap<string, string>, dsl: { readonly compiled: string; readonly links: readonly string[] }): BundleInputs | null {
  const files: Record<string, string> = {};
  const configs: Record<string, string | null> = {};
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    if (input.includes(':')) return null; // not a file (another namespace)
    const file = resolve(base, input);
    const contents = read.get(file);
    if (contents === undefined) return null;
    files[file] = sha256(contents);
    for (const imp of imports) {
      const original = imp.original ?? imp.path;
      const relative = original.startsWith('./') || original.startsWith('../');
      const exact = imp.external ? imp.path === dsl.compiled || isBuiltin(imp.path) : relative && resolve(dirname(file), original) === resolve(base, imp.path);
      if (!exact) return null;
    }
    for (let d = dirname(file); ; d = dirname(d)) {
      for (const name of CONFIG_FILES) {
        const path = join(d, name);
        if (path in configs) continue;
        const digest = digestOf(path);
        if (digest !== null && name !== 'package.json' && readFileSync(path, 'utf8').includes('"extends"')) return null;
        configs[path] = digest;
      }
      if (dirname(d) === d) break;
    }
  }
  return { files, configs, dsl: [...new Set(dsl.links)] };
}

/** Stores a bundle; failures only cost the next run its esbuild start. */
export function storeBundle(entry: string, key: string, inputs: BundleInputs, code: string): void {
  const dir = cacheDir();
  if (!dir) return;
  const file = entryFile(dir, entry, key);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ format: 1, key, ...inputs, code } satisfies Entry), { mode: 0o600 });
    renameSync(tmp, file);
    const entries = readdirSync(dir).filter((f) => f.startsWith('model-') && f.endsWith('.json'));
    if (entries.length > 2 * KEEP)
      entries
        .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
        .sort((a, b) => b.at - a.at)
        .slice(KEEP)
        .forEach(({ f }) => rmSync(join(dir, f), { force: true }));
  } catch {
    rmSync(tmp, { force: true });
  }
}
