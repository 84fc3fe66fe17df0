import { readCatalog } from './catalog.ts';
import type { Db } from './db.ts';
import { MigrationError } from './migration-error.ts';
import { migrateDown, migrateUp, type Migration } from './migrations.ts';

/**
 * `migrate verify`: on a scratch database, every migration up, every one down
 * (the catalog must be as it was before), every one up again (the catalog
 * must be as after the first up). Throws a `verify_failed` MigrationError
 * naming the lines that differ.
 */
export async function verifyMigrations(db: Db, migrations: readonly Migration[], log: (line: string) => void = () => {}): Promise<void> {
  const empty = await readCatalog(db);
  log('verify: up');
  await migrateUp(db, migrations, { log });
  const first = await readCatalog(db);
  log('verify: down, every migration');
  await migrateDown(db, migrations, { to: 0, log });
  compare(empty, await readCatalog(db), 'after every down, the schema is not what it was before the first up');
  log('verify: up again');
  await migrateUp(db, migrations, { log });
  compare(first, await readCatalog(db), 'after down and up again, the schema differs from the first up');
  log(`verify: ${migrations.length} migration(s) go up, down and up again; the catalogs match (${first.length} objects)`);
}

function compare(expected: readonly string[], actual: readonly string[], what: string): void {
  const missing = expected.filter((l) => !actual.includes(l));
  const extra = actual.filter((l) => !expected.includes(l));
  if (missing.length === 0 && extra.length === 0) return;
  const show = (sign: string, lines: readonly string[]) => lines.slice(0, 20).map((l) => `  ${sign} ${l.split('\n')[0]}`);
  throw new MigrationError(
    'verify_failed',
    [`migrate verify: ${what}:`, ...show('missing:', missing), ...show('extra:  ', extra), 'a down.sql does not undo its up.sql: fix the model (or the hand-written migration) and regenerate'].join('\n'),
  );
}
