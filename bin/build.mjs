#!/usr/bin/env node
// Compiles the generator to JavaScript in dist/gen/ (`npm ci` and `npm install` run it as `prepare`;
// `npm run build` by hand), so that `gen` starts without tsx and without compiling its templates.
// gen uses dist/gen/ only while it matches the sources (bin/build-stamp.mjs); otherwise it runs the
// TypeScript sources through tsx, so an edit to generator/ or templates/ is never ignored.
import { build } from 'esbuild';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, sourceState, STAMP_FILE } from './build-stamp.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE_SPECS = join(ROOT, 'generator/emit/template-specs.ts');

/** Every templates/**\/*.hbs precompiled with the options `render` compiles them with, as the module `template-specs.ts` stands for. */
function precompiledTemplates() {
  const walk = (dir) => readdirSync(join(ROOT, 'templates', dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}${e.name}/`) : e.name.endsWith('.hbs') ? [`${dir}${e.name}`] : []));
  const specs = walk('')
    .sort()
    .map((f) => `  ${JSON.stringify(f.slice(0, -'.hbs'.length))}: ${Handlebars.precompile(readFileSync(join(ROOT, 'templates', f), 'utf8'), { noEscape: true, strict: true })},`);
  return `export const TEMPLATE_SPECS = {\n${specs.join('\n')}\n};\n`;
}

export async function buildGenerator() {
  // taken before compiling: a source that changes meanwhile makes this build stale from the start
  const { stats, digest } = sourceState(ROOT);
  const out = join(ROOT, BUILD_DIR);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'generator/cli/main.ts', dsl: 'generator/dsl/index.ts' },
    outdir: tmp,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: '// Built by bin/build.mjs from generator/ and templates/; do not edit.' },
    plugins: [
      {
        name: 'precompiled-templates',
        setup(b) {
          b.onLoad({ filter: /template-specs\.ts$/ }, (args) => (args.path === TEMPLATE_SPECS ? { contents: precompiledTemplates(), loader: 'js' } : undefined));
        },
      },
    ],
  });
  writeFileSync(join(tmp, STAMP_FILE), `${JSON.stringify({ digest, main: 'main.js', dsl: 'dsl.js', stats }, null, 2)}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return { out, digest };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = performance.now();
  await buildGenerator();
  process.stderr.write(`built ${BUILD_DIR}/ in ${Math.round(performance.now() - t)} ms\n`);
}
