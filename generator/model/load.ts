import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModel } from '../dsl/model.ts';
import { buildIr } from '../ir/build.ts';
import { Diagnostics, type Diagnostic } from '../ir/diagnostics.ts';
import type { Ir } from '../ir/types.ts';
import { validateIr } from '../ir/validate.ts';
import { UserError } from '../cli/errors.ts';
import { readModelSource } from './read-comments.ts';

export interface LoadedModel {
  readonly ir: Ir;
  readonly diagnostics: readonly Diagnostic[];
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
    mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? '';
    const hint = /require\(\) ES Module/.test(message)
      ? 'the model is loaded as CommonJS: add "type": "module" to the package.json beside model/'
      : 'fix the error in the model file (run `npx tsc --noEmit` for details)';
    throw new UserError(`${MODEL_ENTRY}: the model could not be loaded: ${message}; ${hint}`);
  }
  if (!isModel(mod.default)) throw new UserError(`${MODEL_ENTRY}: the default export is not a model; end the file with \`export default defineModel({ schema })\``);
  const info = readModelSource(modelFiles(join(root, 'model')), root);
  const diagnostics = new Diagnostics((name) => info.files[name] ?? MODEL_ENTRY);
  const ir = buildIr(mod.default, info, diagnostics);
  validateIr(ir, diagnostics);
  return { ir, diagnostics: diagnostics.sorted() };
}
