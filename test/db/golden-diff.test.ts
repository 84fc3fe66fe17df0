import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import type { Db } from '../../generator/runtime/db.ts';
import { migrateDown, migrateUp } from '../../generator/runtime/migrations.ts';
import { caseMigrations, caseNames, caseOutput, initialMigration, loadCase } from '../support/diff-case.ts';
import { describeEachEngine, resetPublicSchema, type EngineHandle } from '../support/engines.ts';

/**
 * What a down cannot restore exactly: a column re-added by a down comes last
 * (compared without its position), and PostgreSQL cannot remove an enum value
 * (the enum keeps the values an up added; checked on its own).
 */
const restorable = (lines: readonly string[]) => lines.filter((l) => !l.startsWith('enum ')).map((l) => (l.startsWith('column ') ? l.replace(/ #\d+ /, ' ') : l));
const enumsOf = (lines: readonly string[]) => lines.filter((l) => l.startsWith('enum '));

/**
 * Every golden-diff case runs on a database: the initial migration of
 * before.ts, then the case's migrations. The schema must then be exactly what
 * a fresh database built from after.ts has; down must bring back the schema
 * of before.ts, and then nothing.
 */
describeEachEngine('golden diff on a database', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(db));

  for (const name of caseNames()) {
    it(name, async () => {
      const c = await loadCase(name);
      if (caseOutput(c).some((f) => f.path === 'report.txt' && f.contents.includes('problem:'))) return;
      const { initial, next } = caseMigrations(c);
      const empty = await readCatalog(db);
      await migrateUp(db, [initial]);
      const before = await readCatalog(db);
      await migrateUp(db, [initial, ...next]);
      const after = await readCatalog(db);
      await migrateDown(db, [initial, ...next], { to: 1 });
      const down = await readCatalog(db);
      expect(restorable(down), 'down brings back the schema of before.ts').toEqual(restorable(before));
      if (next.some((m) => m.up.includes(' ADD VALUE '))) expect(enumsOf(down), 'enum values added stay').toEqual(enumsOf(after));
      else expect(enumsOf(down)).toEqual(enumsOf(before));
      await migrateDown(db, [initial], { to: 0 });
      expect(await readCatalog(db)).toEqual(empty);

      await migrateUp(db, [initialMigration(c.after)]);
      // a generated column computed anew is dropped and added: it comes last, where a fresh table has it in its place
      const regenerates = next.some((m) => / ADD COLUMN .* GENERATED ALWAYS AS \(/.test(m.up));
      const positions = (lines: readonly string[]) => (regenerates ? lines.map((l) => (l.startsWith('column ') ? l.replace(/ #\d+ /, ' ') : l)) : lines);
      expect(positions(after), 'the migrations give the schema a fresh database built from after.ts has').toEqual(positions(await readCatalog(db)));
    });
  }
});
