import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatHazard, hazardsOf } from '../../generator/diff/destructive.ts';
import { diff } from '../../generator/diff/diff.ts';
import { planCreate } from '../../generator/diff/plan-create.ts';
import { formatProblem } from '../../generator/diff/problems.ts';
import type { Model } from '../../generator/dsl/model.ts';
import { evolve } from '../../generator/emit/evolve.ts';
import { renderMigration } from '../../generator/emit/migration.ts';
import { makeSnapshot } from '../../generator/emit/snapshot.ts';
import { buildIr } from '../../generator/model/build-ir.ts';
import { Diagnostics, formatDiagnostic, isError } from '../../generator/ir/diagnostics.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { validateIr } from '../../generator/ir/validate.ts';
import { checksum, type Migration } from '../../generator/runtime/migrations.ts';

export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** test/golden-diff/<case>/{before.ts, after.ts}: two models, and what gen makes of the change between them. */
export const GOLDEN_DIFF = fileURLToPath(new URL('../golden-diff/', import.meta.url));

export const caseNames = (): string[] => readdirSync(GOLDEN_DIFF).filter((n) => existsSync(join(GOLDEN_DIFF, n, 'after.ts'))).sort();

/** Builds and validates a model as gen does (JSDoc is not read: use `.comment()` in cases). */
export function irOf(model: Model, where: string): Ir {
  const d = new Diagnostics(() => where);
  const ir = buildIr(model, { comments: {}, files: {} }, d);
  validateIr(ir, d);
  const errors = d.sorted().filter(isError);
  if (errors.length > 0) throw new Error(`${where} is not a valid model:\n${errors.map(formatDiagnostic).join('\n')}`);
  return ir;
}

export interface DiffCase {
  readonly name: string;
  readonly before: Ir;
  readonly after: Ir;
}

export async function loadCase(name: string): Promise<DiffCase> {
  const load = async (file: string) => irOf(((await import(pathToFileURL(join(GOLDEN_DIFF, name, file)).href)) as { default: Model }).default, `${name}/${file}`);
  return { name, before: await load('before.ts'), after: await load('after.ts') };
}

/**
 * What gen writes for the case, as `gen --name <case> --allow-destructive`
 * would after the initial migration: `<folder>/up.sql` and `down.sql` per
 * migration, and `report.txt` with the problems and destructive steps.
 */
export function caseOutput(c: DiffCase): { path: string; contents: string }[] {
  const { changes, problems } = diff(c.before, c.after);
  const report = [...problems.map((p) => `problem: ${formatProblem(p)}`), ...hazardsOf(changes).map((h) => `destructive: ${formatHazard(h)}`)];
  const { files } = evolve(c.after, ['0001_initial'], makeSnapshot(c.before, null), { name: c.name.replaceAll('-', '_'), allowDestructive: true });
  return [
    ...files.filter((f) => !f.path.endsWith('snapshot.json')).map((f) => ({ path: f.path.replace(/^migrations\//, ''), contents: f.contents })),
    ...(report.length > 0 ? [{ path: 'report.txt', contents: `${report.join('\n')}\n` }] : []),
  ];
}

/** The initial migration of `ir` and the case's migrations after it, as the runner reads them. */
export function caseMigrations(c: DiffCase): { initial: Migration; next: Migration[] } {
  const init = renderMigration('0001_initial', planCreate(c.before));
  const initial = { version: 1, name: '0001_initial', up: init.up, down: init.down, checksum: checksum(init.up, init.down) };
  const { files } = evolve(c.after, ['0001_initial'], makeSnapshot(c.before, null), { name: c.name.replaceAll('-', '_'), allowDestructive: true });
  const folders = [...new Set(files.map((f) => f.path.split('/')[1]!))];
  const next = folders.map((folder) => {
    const up = files.find((f) => f.path === `migrations/${folder}/up.sql`)!.contents;
    const down = files.find((f) => f.path === `migrations/${folder}/down.sql`)!.contents;
    return { version: Number(folder.slice(0, 4)), name: folder, up, down, checksum: checksum(up, down) };
  });
  return { initial, next };
}

/** A migration for the initial state of `ir` alone (what a fresh database built from the model gets). */
export function initialMigration(ir: Ir): Migration {
  const sql = renderMigration('0001_initial', planCreate(ir));
  return { version: 1, name: '0001_initial', up: sql.up, down: sql.down, checksum: checksum(sql.up, sql.down) };
}

/**
 * The migrations gen writes for a sequence of models: the initial one, then
 * one change at a time (`gen --name step_N --allow-destructive`).
 */
export function migrationChain(models: readonly Ir[]): Migration[] {
  const [first, ...rest] = models;
  const out: Migration[] = [initialMigration(first!)];
  let snapshot = makeSnapshot(first!, null);
  for (const [i, ir] of rest.entries()) {
    const { files, pending } = evolve(ir, out.map((m) => m.name), snapshot, { name: `step_${i + 2}`, allowDestructive: true });
    if (!pending || pending.written.length === 0) throw new Error(`model ${i + 2} gives no migration: ${JSON.stringify(pending)}`);
    for (const folder of pending.written) {
      const up = files.find((f) => f.path === `migrations/${folder}/up.sql`)!.contents;
      const down = files.find((f) => f.path === `migrations/${folder}/down.sql`)!.contents;
      out.push({ version: Number(folder.slice(0, 4)), name: folder, up, down, checksum: checksum(up, down) });
    }
    snapshot = makeSnapshot(ir, snapshot.id);
  }
  return out;
}
