import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { useTypeScriptLoader } from '../cli/typescript-loader.ts';
import { bundleInputs, cachedBundle, storeBundle } from './model-cache.ts';

/**
 * Imports the model's entry, `model/index.ts`.
 *
 * From the TypeScript sources (tsx, vitest) the running loader compiles the model. The compiled
 * generator (dist/gen/, see bin/build.mjs) has no loader: esbuild bundles the model into one ES
 * module in memory, with its imports of generator/dsl/ pointed at the compiled DSL, so the model
 * and the generator share one copy of it; packages stay imports, resolved as Node resolves them.
 * The bundle is reused while its inputs are unchanged (model-cache.ts). A loader such as tsx
 * would instead start a thread of its own and compile file by file.
 *
 * A model that needs what a bundle changes is imported through tsx, as before: one that uses
 * `import.meta` (it would describe the bundle), an `import()` of a computed name (it would resolve
 * from the bundle), or whose files import each other in a cycle (a bundle declares top-level
 * bindings with `var`, so a read before initialization gives undefined where ES modules throw);
 * and one esbuild cannot compile, so that its errors read as they always did.
 */
export async function importModel(entry: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(entry).href;
  if (import.meta.url.endsWith('.ts')) return import(url);
  const code = await bundle(entry);
  if (code === null) {
    await useTypeScriptLoader();
    return import(url);
  }
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** `import(` not followed by a string literal and `)`. */
const COMPUTED_IMPORT = /\bimport\s*\((?!\s*(['"])[^'"\n]*\1\s*\))/;

/** Whether the bundled files import each other in a cycle. */
function hasCycle(metafile: Metafile): boolean {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string): boolean => {
    const s = state.get(file);
    if (s) return s === 'open';
    state.set(file, 'open');
    for (const imp of metafile.inputs[file]?.imports ?? []) if (!imp.external && visit(imp.path)) return true;
    state.set(file, 'done');
    return false;
  };
  return Object.keys(metafile.inputs).some(visit);
}

async function bundle(entry: string): Promise<string | null> {
  // dist/gen/ is two levels below the package root, as generator/<dir>/ is
  const dslSource = realpathSync(fileURLToPath(new URL('../../generator/dsl/index.ts', import.meta.url)));
  const dslCompiled = new URL('./dsl.js', import.meta.url).href;
  const stamp = readFileSync(new URL('./stamp.json', import.meta.url), 'utf8');
  const key = createHash('sha256').update(`${stamp}\0${process.versions.node}`).digest('hex');
  const cached = cachedBundle(entry, key, dslSource);
  if (cached !== null) return cached;

  const { build } = await import('esbuild');
  const base = dirname(entry);
  const read = new Map<string, string>(); // what esbuild compiled, as it was read
  const dslLinks: string[] = []; // the DSL's import paths, before symlinks are followed
  let bundleable = true;
  let cacheable = true;
  const result = await build({
    absWorkingDir: base,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    // resolve packages as Node does: no `module` condition, no `module` field
    conditions: [],
    mainFields: ['main'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'schemagen-model',
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind === 'entry-point' || args.pluginData === 'resolving') return undefined;
            if (isBuiltin(args.path)) return { path: args.path, external: true };
            const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
            if (resolved.errors.length > 0) return { errors: resolved.errors };
            if (resolved.path === dslSource) {
              if (args.path.startsWith('./') || args.path.startsWith('../')) dslLinks.push(resolve(args.resolveDir, args.path));
              else cacheable = false;
              return { path: dslCompiled, external: true };
            }
            // a package: imported from where Node finds it (a data: module cannot resolve a bare name itself)
            if (/(^|[\\/])node_modules[\\/]/.test(resolved.path)) return { path: pathToFileURL(resolved.path).href, external: true };
            return resolved;
          });
          b.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => {
            const loader = /\.[cm]?ts$/.test(args.path) ? 'ts' : /\.[cm]?js$/.test(args.path) ? 'js' : /\.json$/.test(args.path) ? 'json' : null;
            if (loader === null) {
              bundleable = false;
              return undefined;
            }
            const contents = await readFile(args.path, 'utf8');
            if (loader !== 'json' && (/\bimport\s*\.\s*meta\b/.test(contents) || COMPUTED_IMPORT.test(contents))) bundleable = false;
            read.set(args.path, contents);
            return { contents, loader };
          });
        },
      },
    ],
  }).catch(() => null);
  if (result === null || !bundleable || result.warnings.length > 0 || hasCycle(result.metafile)) return null;
  const code = result.outputFiles[0]!.text;
  const inputs = cacheable ? bundleInputs(result.metafile, base, read, { compiled: dslCompiled, links: dslLinks }) : null;
  if (inputs) storeBundle(entry, key, inputs, code);
  return code;
}
