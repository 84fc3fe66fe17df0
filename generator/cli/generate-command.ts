import { join } from 'node:path';
import { SLUG } from '../emit/evolve.ts';
import { generate } from '../emit/generate.ts';
import { checkLineage } from '../emit/lineage.ts';
import { formatDiagnostic, isError } from '../ir/diagnostics.ts';
import { loadModel } from '../model/load.ts';
import { UserError } from './errors.ts';
import { readLineage } from './migration-history.ts';
import { lockLines, pendingLine as describePending, pendingRefusal } from './pending-message.ts';
import { compareFile, GENERATED_DIR, listOwnedFiles, MIGRATIONS_DIR, readApiPackageInputs, readHistory, removeGenerated, writeGenerated } from './project-files.ts';

export interface GenerateOptions {
  readonly root: string;
  readonly check: boolean;
  /** `--name <slug>`: write the pending model change as the next migration, `NNNN_<slug>`. */
  readonly name?: string;
  /** `--allow-destructive`: let that migration drop tables or columns, narrow types or set NOT NULL unsafely. */
  readonly allowDestructive?: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** `gen` writes generated/; `gen --check` compares in memory and fails on any difference. Returns the exit code. */
export async function runGenerate({ root, check, name, allowDestructive, out, err }: GenerateOptions): Promise<number> {
  if (name !== undefined && !SLUG.test(name))
    throw new UserError(`--name ${JSON.stringify(name)}: a migration name is lower-case letters, digits and _ (e.g. add_workflow_slug)`);
  const { ir, diagnostics } = await loadModel(root);
  for (const d of diagnostics) err(formatDiagnostic(d));
  const errors = diagnostics.filter(isError);
  if (errors.length > 0) throw new UserError(`the model has ${errors.length} error(s), listed above; fix them and run \`npx gen\` again`);

  const { history, problems: historyProblems } = readHistory(root);
  const forks = checkLineage(readLineage(join(root, MIGRATIONS_DIR)), MIGRATIONS_DIR);
  const problems = [...historyProblems, ...forks];
  if (name !== undefined && forks.length > 0) {
    for (const f of forks) err(f);
    throw new UserError(`the migration history has a fork, listed above; resolve it before writing a new migration`);
  }
  // --check writes nothing, so it never plans a new migration's files either
  const { files, pending } = generate(ir, history, check ? {} : { name, allowDestructive }, readApiPackageInputs(root));
  const produced = new Set(files.map((f) => f.path));
  const extra = listOwnedFiles(root).filter((p) => !produced.has(p));

  const pendingLine = pending ? describePending(pending) : null;

  if (check) {
    const stale = files.flatMap((f) => {
      const state = compareFile(root, f);
      return state === 'unchanged' ? [] : [`${GENERATED_DIR}/${f.path}: ${state === 'missing' ? 'missing' : 'stale'}`];
    });
    const lines = [...stale, ...extra.map((p) => `${GENERATED_DIR}/${p}: not produced by the model any more`), ...problems, ...(pendingLine ? [`${pendingLine}: not yet captured in a migration`, ...pending!.problems] : [])];
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
  if (pending && pending.written.length > 0)
    out(`wrote migration ${pending.written.join(', ')}: ${pending.steps.length} step(s)${pending.hazards.length ? `, ${pending.hazards.length} destructive (allowed)` : ''}; review its up.sql and down.sql, then apply with \`npx gen migrate up\``);
  if (pending && pending.written.length > 0) for (const l of lockLines(pending)) out(l);
  else if (pending) throw new UserError(pendingRefusal(pending, name));
  else if (name !== undefined && history.folders.length > 0) out(`the model has not changed since ${history.folders.at(-1)}: no migration written`);
  if (written === 0 && extra.length === 0 && !pending) out(`${GENERATED_DIR}/ is up to date`);
  return problems.length > 0 ? 1 : 0;
}
