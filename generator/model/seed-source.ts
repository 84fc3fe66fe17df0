import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { SeedSpec } from '../dsl/seed.ts';
import { Diagnostics } from '../ir/diagnostics.ts';
import { buildSeeds } from '../ir/seed-build.ts';
import type { Ir } from '../ir/types.ts';

/** The model file that calls `defineSeeds(`, which seed diagnostics name; the entry file if none does. */
export function seedSourceFile(files: readonly string[], root: string, fallback: string): string {
  const file = files.find((f) => /\bdefineSeeds\s*\(/.test(readFileSync(f, 'utf8')));
  return file ? relative(root, file).split('\\').join('/') : fallback;
}

/** The IR with its seed rows, every seed problem added to `diagnostics` under the seed file's name. */
export function withSeeds(ir: Ir, spec: SeedSpec | undefined, source: string, diagnostics: Diagnostics): Ir {
  if (!spec) return ir;
  const d = new Diagnostics(() => source);
  const seeds = buildSeeds(spec, ir, (code, path, message, hint) => d.error(code, path, message, hint));
  diagnostics.list.push(...d.list);
  return { ...ir, seeds };
}
