import { generate } from '../emit/generate.ts';
import { formatDiagnostic, isError } from '../ir/diagnostics.ts';
import { loadModel } from '../model/load.ts';
import { UserError } from './errors.ts';
import { compareFile, GENERATED_DIR, listOwnedFiles, readHistory, removeGenerated, writeGenerated } from './project-files.ts';

export interface GenerateOptions {
  readonly root: string;
  readonly check: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** `gen` writes generated/; `gen --check` compares in memory and fails on any difference. Returns the exit code. */
export async function runGenerate({ root, check, out, err }: GenerateOptions): Promise<number> {
  const { ir, diagnostics } = await loadModel(root);
  for (const d of diagnostics) err(formatDiagnostic(d));
  const errors = diagnostics.filter(isError);
  if (errors.length > 0) throw new UserError(`the model has ${errors.length} error(s), listed above; fix them and run \`npx gen\` again`);

  const { history, problems } = readHistory(root);
  const { files, pending } = generate(ir, history);
  const produced = new Set(files.map((f) => f.path));
  const extra = listOwnedFiles(root).filter((p) => !produced.has(p));

  const pendingLine = pending
    ? `the model differs from ${GENERATED_DIR}/migrations/${pending.since}/snapshot.json (${[
        pending.added.length ? `added: ${pending.added.join(', ')}` : '',
        pending.removed.length ? `removed: ${pending.removed.join(', ')}` : '',
        pending.changed.length ? `changed: ${pending.changed.join(', ')}` : '',
      ].filter(Boolean).join('; ')})`
    : null;

  if (check) {
    const stale = files.flatMap((f) => {
      const state = compareFile(root, f);
      return state === 'unchanged' ? [] : [`${GENERATED_DIR}/${f.path}: ${state === 'missing' ? 'missing' : 'stale'}`];
    });
    const lines = [...stale, ...extra.map((p) => `${GENERATED_DIR}/${p}: not produced by the model any more`), ...problems, ...(pendingLine ? [`${pendingLine}: not yet captured in a migration`] : [])];
    for (const l of lines) err(l);
    if (lines.length > 0) {
      err(`gen --check: ${lines.length} problem(s); run \`npx gen\` and commit ${GENERATED_DIR}/`);
      return 1;
    }
    out(`gen --check: ${GENERATED_DIR}/ is up to date (${history.folders.length || 1} migration(s), ${files.filter((f) => !f.path.startsWith('migrations/')).length} other file(s))`);
    return 0;
  }

  for (const p of problems) err(p);
  let written = 0;
  for (const f of files)
    if (compareFile(root, f) !== 'unchanged') {
      writeGenerated(root, f);
      out(`wrote ${GENERATED_DIR}/${f.path}`);
      written++;
    }
  for (const p of extra) {
    removeGenerated(root, p);
    out(`removed ${GENERATED_DIR}/${p} (no longer produced by the model)`);
  }
  if (pendingLine)
    throw new UserError(
      `${pendingLine}. Migrations from model changes (0002_…) are not generated yet; if no database has applied ${pending!.since}, delete ${GENERATED_DIR}/migrations and run \`npx gen\` to regenerate the initial migration`,
    );
  if (written === 0 && extra.length === 0) out(`${GENERATED_DIR}/ is up to date`);
  return problems.length > 0 ? 1 : 0;
}
