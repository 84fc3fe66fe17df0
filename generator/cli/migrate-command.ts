import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { checkLineage } from '../emit/lineage.ts';
import type { Db } from '../runtime/db.ts';
import { MigrationError } from '../runtime/migration-error.ts';
import { migrateDown, migrateUp, migrationStatus, readMigrations } from '../runtime/migrations.ts';
import { describeTarget, openDb } from '../runtime/open-db.ts';
import { describeUrl, openPg } from '../runtime/pg-db.ts';
import { openPglite } from '../runtime/pglite-db.ts';
import { verifyMigrations } from '../runtime/verify.ts';
import { UserError } from './errors.ts';
import { readLineage } from './migration-history.ts';
import { MIGRATIONS_DIR } from './project-files.ts';

export interface MigrateOptions {
  readonly root: string;
  readonly action: 'up' | 'down' | 'status' | 'verify';
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly steps?: number;
  readonly to?: number;
  readonly lockTimeoutSeconds?: number;
  readonly lockRetries?: number;
  /** verify: create the scratch database on this server (given with --database-url); PGlite in memory without it. */
  readonly verifyServerUrl?: string;
  readonly out: (line: string) => void;
}

/** `gen migrate up | down | status | verify` against DATABASE_URL, or PGlite in `.data/`. */
export async function runMigrate(o: MigrateOptions): Promise<number> {
  const dir = join(o.root, MIGRATIONS_DIR);
  const migrations = await readMigrations(dir);
  if (migrations.length === 0) throw new UserError(`${MIGRATIONS_DIR}: no migrations; run \`npx gen\` first`);
  const forks = checkLineage(readLineage(dir), MIGRATIONS_DIR);
  if (forks.length > 0) throw new MigrationError('fork', `Refusing to migrate: the migration history has a fork.\n${forks.map((f) => `  - ${f}`).join('\n')}`);
  if (o.action === 'verify') return verify(o, migrations);

  const where = describeTarget(o.databaseUrl, o.dataDir ?? '.data');
  const db = await openDb({ databaseUrl: o.databaseUrl, dataDir: o.dataDir ?? join(o.root, '.data') });
  try {
    if (o.action === 'status') {
      const states = await migrationStatus(db, migrations);
      o.out(`migrations on ${where}:`);
      for (const s of states)
        o.out(
          `  ${s.state.padEnd(12)} ${s.name}${s.appliedAt ? `  (applied ${s.appliedAt.toISOString()})` : ''}` +
            (s.unvalidated ? '  constraints added NOT VALID are not validated yet: run `gen migrate up`' : ''),
        );
      return states.some((s) => s.state === 'changed' || s.state === 'missing-file' || s.state === 'out-of-order') ? 1 : 0;
    }
    const locks = lockOptions(o);
    if (o.action === 'up') {
      const ran = await migrateUp(db, migrations, { to: o.to, log: o.out, ...locks });
      o.out(ran.length === 0 ? `nothing to apply on ${where}` : `applied ${ran.length} migration(s) on ${where}`);
      return 0;
    }
    const ran = await migrateDown(db, migrations, { steps: o.to === undefined ? (o.steps ?? 1) : undefined, to: o.to, log: o.out, ...locks });
    o.out(ran.length === 0 ? `nothing to revert on ${where}` : `reverted ${ran.length} migration(s) on ${where}`);
    return 0;
  } finally {
    await db.close();
  }
}

function lockOptions(o: MigrateOptions): { lockTimeoutMs?: number; lockRetries?: number } {
  const { lockTimeoutSeconds: t, lockRetries: r } = o;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) throw new UserError(`--lock-timeout must be a number of seconds > 0, got ${t}`);
  if (r !== undefined && !(Number.isInteger(r) && r >= 0)) throw new UserError(`--lock-retries must be a whole number ≥ 0, got ${r}`);
  return { ...(t === undefined ? {} : { lockTimeoutMs: Math.round(t * 1000) }), ...(r === undefined ? {} : { lockRetries: r }) };
}

/** Up, down, up on a scratch database that is thrown away afterwards. */
async function verify(o: MigrateOptions, migrations: Awaited<ReturnType<typeof readMigrations>>): Promise<number> {
  const scratch = o.verifyServerUrl ? await scratchDatabase(o.verifyServerUrl) : { db: await openPglite({}), where: 'PGlite in memory', drop: async () => {} };
  o.out(`migrate verify on a scratch database (${scratch.where})`);
  try {
    await verifyMigrations(scratch.db, migrations, o.out);
    return 0;
  } finally {
    await scratch.db.close();
    await scratch.drop();
  }
}

async function scratchDatabase(url: string): Promise<{ db: Db; where: string; drop: () => Promise<void> }> {
  const name = `schemagen_verify_${randomBytes(6).toString('hex')}`;
  const admin = await openPg(url, { max: 1 });
  try {
    await admin.exec(`create database ${name}`);
  } catch (err) {
    await admin.close();
    throw new UserError(`migrate verify: cannot create a scratch database on ${describeUrl(url)}: ${(err as Error).message}; the user needs CREATEDB, or omit --database-url to verify on PGlite`);
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  let db: Db;
  try {
    db = await openPg(u.toString());
  } catch (err) {
    await admin.exec(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.close();
    throw err;
  }
  return {
    db,
    where: `database ${name} on ${describeUrl(url)}, dropped afterwards`,
    drop: async () => {
      try {
        await admin.exec(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.close();
      }
    },
  };
}
