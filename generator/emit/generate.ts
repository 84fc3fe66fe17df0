import { planCreate } from '../diff/plan-create.ts';
import type { Ir } from '../ir/types.ts';
import { renderApi, type ApiPackageInputs } from './api/render.ts';
import { renderMigration } from './migration.ts';
import { renderSchemaDoc } from './schema-doc.ts';
import { DEFAULT_PROFILE, renderSeedSql, SEED_FILE } from './seed-sql.ts';
import { evolve, type EvolveOptions, type PendingChange } from './evolve.ts';
import { makeSnapshot, renderSnapshot, type Snapshot } from './snapshot.ts';

/** A file under generated/, path relative to it with `/` separators. */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string;
}

/** What is already in generated/migrations: history, never regenerated. */
export interface MigrationHistory {
  readonly folders: readonly string[];
  readonly latest: Snapshot | null;
}

export type { EvolveOptions, PendingChange } from './evolve.ts';
export type { ApiPackageInputs } from './api/render.ts';

export interface GenerateResult {
  readonly files: readonly GeneratedFile[];
  readonly pending: PendingChange | null;
}

export const INITIAL_MIGRATION = '0001_initial';

/**
 * Everything gen writes, computed in memory. With no migrations yet, the first
 * one creates the whole model; afterwards migrations are history and a model
 * that differs from the latest snapshot is reported as pending.
 */
export function generate(full: Ir, history: MigrationHistory, options: EvolveOptions = {}, apiPackage?: ApiPackageInputs): GenerateResult {
  // Seed data is not schema: snapshots never carry it, so editing a seed never makes a migration pending.
  const ir: Ir = { ...full, seeds: [] };
  const files: GeneratedFile[] = [{ path: 'schema.md', contents: renderSchemaDoc(ir) }, ...renderApi(ir, apiPackage)];
  if (full.seeds.some((r) => r.profile === DEFAULT_PROFILE)) files.push({ path: SEED_FILE, contents: renderSeedSql(full) });
  let pending: PendingChange | null = null;
  if (history.folders.length === 0) {
    const sql = renderMigration(INITIAL_MIGRATION, planCreate(ir));
    const dir = `migrations/${INITIAL_MIGRATION}`;
    files.push(
      { path: `${dir}/up.sql`, contents: sql.up },
      { path: `${dir}/down.sql`, contents: sql.down },
      { path: `${dir}/snapshot.json`, contents: renderSnapshot(makeSnapshot(ir, null)) },
    );
  } else if (history.latest) {
    // the change since the latest snapshot: pending, or written as the next migration(s) with options.name
    const next = evolve(ir, history.folders, history.latest, options);
    files.push(...next.files);
    pending = next.pending;
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), pending };
}
