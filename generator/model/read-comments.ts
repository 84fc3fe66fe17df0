import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { ModelSourceInfo } from './build-ir.ts';
import { parseModelSource } from './read-comments-ts.ts';
import { scanModelSource } from './scan-model-source.ts';

/**
 * Reads the JSDoc of `entity(...)` / `pgEnum(...)` declarations and of each column property, and
 * which file declares each name. JSDoc is the model's documentation: it becomes COMMENT ON and
 * OpenAPI descriptions.
 *
 * Each file is read by a scanner that needs no parser (`scan-model-source.ts`); a file it is not
 * sure of is parsed with TypeScript's compiler, which takes a quarter of a second to load.
 */
export function readModelSource(files: readonly string[], root: string): ModelSourceInfo {
  const comments: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(root, file).split('\\').join('/');
    for (const d of scanModelSource(text) ?? parseModelSource(file, text)) {
      sources[d.name] ??= rel;
      if (d.doc) comments[d.name] = d.doc;
      for (const [column, doc] of d.columns) if (doc) comments[`${d.name}.${column}`] = doc;
    }
  }
  return { comments, files: sources };
}
