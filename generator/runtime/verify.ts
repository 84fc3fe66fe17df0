import { readCatalog } from './catalog.ts';
import type { Db } from './db.ts';
import { MigrationError } from './migration-error.ts';
import { migrateDown, migrateUp, type Migration } from './migrations.ts';

/**
 * `migrate verify`: on a scratch database, first step by step (each migration
 * up, down — the catalog must be as before it — and up again — as after its
 * first up — so a step that cannot be re-applied after its down is caught,
 * as a deployment that rolls one migration back and forward again would),
 * then every migration down (the schema must be empty again) and every one up
 * again. Throws a `verify_failed` MigrationError naming the lines that differ.
 */
export async function verifyMigrations(db: Db, migrations: readonly Migration[], log: (line: string) => void = () => {}): Promise<void> {
  const empty = await readCatalog(db);
  log('verify: each migration up, down and up again');
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  let before = empty;
  for (const m of sorted) {
    await migrateUp(db, migrations, { to: m.version, log });
    const after = await readCatalog(db);
    await migrateDown(db, migrations, { steps: 1, log });
    compare(before, await readCatalog(db), `after ${m.name}'s down, the schema is not what it was before its up`);
    await migrateUp(db, migrations, { to: m.version, log });
    compare(after, await readCatalog(db), `${m.name} up again after its down gives another schema than its first up`);
    before = after;
  }
  log('verify: down, every migration');
  await migrateDown(db, migrations, { to: 0, log });
  compare(empty, await readCatalog(db), 'after every down, the schema is not what it was before the first up');
  log('verify: up again');
  await migrateUp(db, migrations, { log });
  compare(before, await readCatalog(db), 'after down and up again, the schema differs from the first up');
  log(`verify: ${migrations.length} migration(s) go up, down and up again, one by one and all together; the catalogs match (${before.length} objects)`);
}

/**
 * Column order is not compared (PostgreSQL cannot reorder columns): a column a down adds back (a dropped
 * one, or a generated one computed anew, which is dropped and added) comes last.
 */
const unordered = (lines: readonly string[]) => lines.map((l) => (l.startsWith('column ') ? l.replace(/ #\d+ /, ' ') : l));

function compare(expectedLines: readonly string[], actualLines: readonly string[], what: string): void {
  const expected = unordered(expectedLines);
  const actual = unordered(actualLines);
  const missing = expected.filter((l) => !actual.includes(l));
  const extra = actual.filter((l) => !expected.includes(l));
  if (missing.length === 0 && extra.length === 0) return;
  const show = (sign: string, lines: readonly string[]) => lines.slice(0, 20).map((l) => `  ${sign} ${l.split('\n')[0]}`);
  throw new MigrationError(
    'verify_failed',
    [`migrate verify: ${what}:`, ...show('missing:', missing), ...show('extra:  ', extra), 'a down.sql does not undo its up.sql: fix the model (or the hand-written migration) and regenerate'].join('\n'),
  );
}
