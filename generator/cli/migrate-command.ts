import { join } from 'node:path';
import { openDb } from '../runtime/open-db.ts';
import { migrateDown, migrateUp, migrationStatus, readMigrations } from '../runtime/migrations.ts';
import { MIGRATIONS_DIR } from './project-files.ts';
import { UserError } from './errors.ts';

export interface MigrateOptions {
  readonly root: string;
  readonly action: 'up' | 'down' | 'status';
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly steps?: number;
  readonly to?: number;
  readonly out: (line: string) => void;
}

/** `gen migrate up | down | status` against DATABASE_URL, or PGlite in `.data/`. */
export async function runMigrate(o: MigrateOptions): Promise<number> {
  const migrations = await readMigrations(join(o.root, MIGRATIONS_DIR));
  if (migrations.length === 0) throw new UserError(`${MIGRATIONS_DIR}: no migrations; run \`npx gen\` first`);
  const where = o.databaseUrl ? redact(o.databaseUrl) : `PGlite at ${o.dataDir ?? '.data'}`;
  const db = await openDb({ databaseUrl: o.databaseUrl, dataDir: o.dataDir ?? join(o.root, '.data') });
  try {
    if (o.action === 'status') {
      const states = await migrationStatus(db, migrations);
      o.out(`migrations on ${where}:`);
      for (const s of states) o.out(`  ${s.state.padEnd(12)} ${s.name}${s.appliedAt ? `  (applied ${s.appliedAt.toISOString()})` : ''}`);
      return states.some((s) => s.state === 'changed' || s.state === 'missing-file') ? 1 : 0;
    }
    if (o.action === 'up') {
      const ran = await migrateUp(db, migrations, { to: o.to, log: o.out });
      o.out(ran.length === 0 ? `nothing to apply on ${where}` : `applied ${ran.length} migration(s) on ${where}`);
      return 0;
    }
    const ran = await migrateDown(db, migrations, { steps: o.to === undefined ? (o.steps ?? 1) : undefined, to: o.to, log: o.out });
    o.out(ran.length === 0 ? `nothing to revert on ${where}` : `reverted ${ran.length} migration(s) on ${where}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** A URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
