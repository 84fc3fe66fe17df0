import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isModel } from '../dsl/model.ts';
import type { SeedSpec } from '../dsl/seed.ts';
import { buildIr } from './build-ir.ts';
import { Diagnostics, type Diagnostic } from '../ir/diagnostics.ts';
import type { Ir } from '../ir/types.ts';
import { validateIr } from '../ir/validate.ts';
import { UserError } from '../cli/errors.ts';
import { importModel } from './import-model.ts';
import { readModelSource } from './read-comments.ts';
import { seedSourceFile, withSeeds } from './seed-source.ts';

export interface LoadedModel {
  readonly ir: Ir;
  readonly diagnostics: readonly Diagnostic[];
  /** The seeds as declared: generated profiles are functions, so only static profiles are in `ir.seeds`. */
  readonly seeds: SeedSpec | null;
}

export const MODEL_ENTRY = 'model/index.ts';

const modelFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? modelFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
    .sort();

/** Imports `<root>/model/index.ts`, reads its JSDoc, builds and validates the IR. */
export async function loadModel(root: string): Promise<LoadedModel> {
  const entry = join(root, MODEL_ENTRY);
  if (!existsSync(entry)) throw new UserError(`${relative(process.cwd(), entry) || entry}: no model found; create it with \`export default defineModel({ schema })\` (see README "Writing a model")`);
  let mod: { default?: unknown };
  try {
    mod = await importModel(entry);
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? '';
    const hint = /require\(\) ES Module/.test(message)
      ? 'the model is loaded as CommonJS: add "type": "module" to the package.json beside model/'
      : 'fix the error in the model file (run `npx tsc --noEmit` for details)';
    throw new UserError(`${MODEL_ENTRY}: the model could not be loaded: ${message}; ${hint}`);
  }
  if (!isModel(mod.default)) throw new UserError(`${MODEL_ENTRY}: the default export is not a model; end the file with \`export default defineModel({ schema })\``);
  const files = modelFiles(join(root, 'model'));
  const info = readModelSource(files, root);
  const diagnostics = new Diagnostics((name) => info.files[name] ?? MODEL_ENTRY);
  const schemaIr = buildIr(mod.default, info, diagnostics);
  validateIr(schemaIr, diagnostics);
  const seeds = mod.default.seeds;
  const ir = withSeeds(schemaIr, seeds, seeds ? seedSourceFile(files, root, MODEL_ENTRY) : MODEL_ENTRY, diagnostics);
  return { ir, diagnostics: diagnostics.sorted(), seeds: seeds ?? null };
}
