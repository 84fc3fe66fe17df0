import { join } from 'node:path';
import { formatDiagnostic, isError } from '../ir/diagnostics.ts';
import { loadModel, type LoadedModel } from '../model/load.ts';
import type { Db } from '../runtime/db.ts';
import { migrationStatus, readMigrations } from '../runtime/migrations.ts';
import { describeTarget, openDb } from '../runtime/open-db.ts';
import { UserError } from './errors.ts';
import { MIGRATIONS_DIR } from './project-files.ts';

export interface DbCommandOptions {
  readonly root: string;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly err: (line: string) => void;
}

/** The model, refused with every error listed when it has any. */
export async function loadValidModel(o: Pick<DbCommandOptions, 'root' | 'err'>, command: string): Promise<LoadedModel> {
  const loaded = await loadModel(o.root);
  const errors = loaded.diagnostics.filter(isError);
  if (errors.length > 0) {
    for (const d of errors) o.err(formatDiagnostic(d));
    throw new UserError(`the model has ${errors.length} error(s), listed above; fix them and run \`npx gen\`, then \`npx gen ${command}\` again`);
  }
  return loaded;
}

/** Opens the database of a command that needs every migration applied; refuses one that is not, saying what to run. */
export async function openMigrated(o: DbCommandOptions, command: string): Promise<{ db: Db; where: string }> {
  const migrations = await readMigrations(join(o.root, MIGRATIONS_DIR));
  const where = describeTarget(o.databaseUrl, o.dataDir ?? '.data');
  const db = await openDb({ databaseUrl: o.databaseUrl, dataDir: o.dataDir ?? join(o.root, '.data') });
  try {
    const missing = (await migrationStatus(db, migrations)).filter((s) => s.state !== 'applied');
    if (missing.length > 0) {
      const pending = missing.every((s) => s.state === 'pending');
      throw new UserError(
        `${where} is not migrated (${missing.map((s) => `${s.name}: ${s.state}`).join(', ')}); ` +
          (pending ? `run \`npx gen migrate up\` first, then \`npx gen ${command}\` again` : `run \`npx gen migrate status\` and resolve it before \`gen ${command}\``),
      );
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return { db, where };
}
