import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { check, entity, index, integer, sql, text, uuid, varchar, type ColumnRef } from '../../generator/dsl/index.ts';
import type { Ir } from '../../generator/ir/types.ts';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import { AFTER_COMMIT_MARKER, checksum, MigrationError, migrateDown, migrateUp, migrationStatus, type Migration } from '../../generator/runtime/migrations.ts';
import { build } from '../support/build-model.ts';
import { migrationChain } from '../support/diff-case.ts';
import { describeEachEngine, describePg, resetPublicSchema, type EngineHandle } from '../support/engines.ts';

const model = (schema: Record<string, unknown>): Ir => {
  const { ir, diagnostics } = build(schema);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir;
};
const ref = (table: string, column: string): ColumnRef => ({ kind: 'columnRef', table, column });

const tags = () => entity('tags', { id: uuid().primaryKey().defaultRandom(), label: varchar(40).notNull() });
/** notes holds rows; the next version adds a check on an existing column and a foreign key from an existing column. */
const before = () =>
  model({ tags: tags(), notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull(), rank: integer().notNull(), tag_id: uuid() }) });
const after = () =>
  model({
    tags: tags(),
    notes: entity(
      'notes',
      { id: uuid().primaryKey().defaultRandom(), body: text().notNull(), rank: integer().notNull(), tag_id: uuid().references(() => ref('tags', 'id')) },
      { constraints: (t) => [check('notes_rank_not_negative', sql`${t.rank} >= 0`)] },
    ),
  });

const applied = async (db: Queryable) => (await db.query<{ name: string }>('select name from _schemagen_migrations order by version')).rows.map((r) => r.name);
const constraints = async (db: Queryable) =>
  (await db.query<{ conname: string; convalidated: boolean }>(`select conname, convalidated from pg_constraint where conrelid = 'notes'::regclass and contype in ('c', 'f') order by conname`)).rows;

async function caught(p: Promise<unknown>): Promise<MigrationError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError);
    return err as MigrationError;
  }
  return expect.fail('expected a MigrationError');
}

describeEachEngine('migrations on tables that hold rows: constraints validated after commit, lock_timeout', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(db));

  it('a check and a foreign key added to an existing table are added NOT VALID and validated in a second transaction; the schema ends as a fresh migration makes it', async () => {
    const migrations = migrationChain([before(), after()]);
    const up = migrations[1]!.up;
    const [first, afterCommit] = up.split(AFTER_COMMIT_MARKER) as [string, string];
    expect(first).toMatch(/ADD CONSTRAINT "notes_rank_not_negative" CHECK \(.*\) NOT VALID;/);
    expect(first).toMatch(/FOREIGN KEY \("tag_id"\) REFERENCES "tags" \("id"\) NOT VALID;/);
    expect(afterCommit).toMatch(/ALTER TABLE "notes" VALIDATE CONSTRAINT "notes_rank_not_negative";/);
    expect(afterCommit).toMatch(/VALIDATE CONSTRAINT "notes_tag_id_fkey"/);
    // a table created in the same migration has no rows: its constraints are added plainly
    expect(migrationChain([after()])[0]!.up).not.toMatch(/NOT VALID|after commit/);

    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into tags (id, label) values ('00000000-0000-0000-0000-00000000000a', 'a');
      insert into notes (body, rank, tag_id) values ('x', 1, '00000000-0000-0000-0000-00000000000a'), ('y', 0, null)`);
    const log: string[] = [];
    await migrateUp(db, migrations, { log: (l) => log.push(l) });
    expect(await constraints(db)).toEqual([
      { conname: 'notes_rank_not_negative', convalidated: true },
      { conname: 'notes_tag_id_fkey', convalidated: true },
    ]);
    expect((await migrationStatus(db, migrations)).map((s) => [s.state, s.unvalidated ?? false])).toEqual([['applied', false], ['applied', false]]);
    const evolved = await readCatalog(db);
    await migrateDown(db, migrations, { to: 0 });
    await migrateUp(db, migrationChain([after()]));
    expect(await readCatalog(db)).toEqual(evolved);
  });

  it('rows that break the new check or foreign key: the migration is reverted whole, naming the constraint; fixed rows let it through', async () => {
    const migrations = migrationChain([before(), after()]);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into notes (body, rank) values ('ok', 1), ('bad', -3)`);
    const err = await caught(migrateUp(db, migrations));
    expect(err.code).toBe('migration_failed');
    expect(err.migration).toBe(migrations[1]!.name);
    expect(err.sqlstate).toBe('23514');
    expect(err.message).toContain('reverted with its down.sql, and nothing from it stays applied');
    expect(err.message).toContain('notes_rank_not_negative');
    expect(await applied(db)).toEqual([migrations[0]!.name]);
    expect(await constraints(db)).toEqual([]);
    expect((await db.query(`select body from notes order by body`)).rows).toEqual([{ body: 'bad' }, { body: 'ok' }]);

    await db.exec(`update notes set rank = 0 where body = 'bad'; update notes set tag_id = '00000000-0000-0000-0000-0000000000ff' where body = 'ok'`);
    const fk = await caught(migrateUp(db, migrations));
    expect(fk.sqlstate).toBe('23503');
    expect(fk.message).toContain('notes_tag_id_fkey');
    expect(fk.message).toMatch(/Key \(tag_id\)=\(00000000-0000-0000-0000-0000000000ff\) is not present/);
    expect(await applied(db)).toEqual([migrations[0]!.name]);

    await db.exec(`update notes set tag_id = null`);
    await migrateUp(db, migrations);
    expect(await applied(db)).toEqual(migrations.map((m) => m.name));
  });

  it('a run that stopped between the commit and the validation: status says so, and the next up validates first', async () => {
    const migrations = migrationChain([before(), after()]);
    await migrateUp(db, migrations);
    // what the first transaction leaves when the process dies before the second
    await db.exec(`alter table notes drop constraint notes_rank_not_negative;
      alter table notes add constraint notes_rank_not_negative check (rank >= 0) not valid;
      update _schemagen_migrations set validated = false where version = 2`);
    const states = await migrationStatus(db, migrations);
    expect(states.map((s) => s.unvalidated ?? false)).toEqual([false, true]);
    const log: string[] = [];
    expect(await migrateUp(db, migrations, { log: (l) => log.push(l) })).toEqual([]);
    expect(log).toEqual([expect.stringMatching(new RegExp(`^✓ ${migrations[1]!.name}: constraints validated`))]);
    expect(await constraints(db)).toEqual([
      { conname: 'notes_rank_not_negative', convalidated: true },
      { conname: 'notes_tag_id_fkey', convalidated: true },
    ]);
  });

  it('each migration transaction runs under the runner’s lock_timeout; the file sets 5 s itself when run without the runner', async () => {
    const fileUp = migrationChain([before()])[0]!.up;
    const setLine = fileUp.split('\n').find((l) => l.includes(`set_config('lock_timeout'`))!;
    expect(setLine).toBe(`SELECT pg_catalog.set_config('lock_timeout', '5s', true) WHERE pg_catalog.current_setting('lock_timeout') = '0';`);
    const probe = (version: number): Migration => {
      const up = `${setLine}\ncreate table lt_${version} as select current_setting('lock_timeout') as v;`;
      const down = `drop table lt_${version};`;
      return { version, name: `000${version}_probe`, up, down, checksum: checksum(up, down) };
    };
    await migrateUp(db, [probe(1)]);
    await migrateUp(db, [probe(1), probe(2)], { lockTimeoutMs: 250 });
    expect((await db.query(`select v from lt_1`)).rows).toEqual([{ v: '5s' }]);
    expect((await db.query(`select v from lt_2`)).rows).toEqual([{ v: '250ms' }]);
    // without the runner (psql -1 -f up.sql): the file's own line applies
    await db.transaction((tx) => tx.exec(probe(3).up));
    expect((await db.query(`select v from lt_3`)).rows).toEqual([{ v: '5s' }]);
    // and nothing outlives the transaction
    expect((await db.query<{ v: string }>(`select current_setting('lock_timeout') as v`)).rows[0]!.v).toBe('0');
  });
});

describePg('migrations wait for table locks a bounded time, and retry', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  let holder: pg.Client | undefined;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(async () => {
    await holder?.end().catch(() => {});
    await handle?.close();
  });
  beforeEach(async () => {
    await holder?.end().catch(() => {});
    holder = undefined;
    await resetPublicSchema(db);
  });

  const withRank = () => model({ tags: tags(), notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull(), rank: integer().notNull(), tag_id: uuid(), extra: text() }) });

  /** Another session reading notes in a long transaction: its ACCESS SHARE lock stops ALTER TABLE. */
  async function holdReadLock(): Promise<pg.Client> {
    holder = new pg.Client({ connectionString: handle.url });
    await holder.connect();
    await holder.query(`begin; lock table notes in access share mode`);
    return holder;
  }

  it('a lock held by a long transaction: the migration times out, rolls back, says so and succeeds on a retry once the lock is free', async () => {
    const migrations = migrationChain([before(), withRank()]);
    await migrateUp(db, migrations.slice(0, 1));
    const h = await holdReadLock();
    const log: string[] = [];
    let released: Promise<unknown> | undefined;
    const ran = await migrateUp(db, migrations, {
      lockTimeoutMs: 100,
      retryDelayMs: 50,
      lockRetries: 50,
      log: (l) => {
        log.push(l);
        if (l.startsWith('⟳') && !released) released = h.query('commit');
      },
    });
    expect(ran.map((m) => m.name)).toEqual([migrations[1]!.name]);
    expect(log[0]).toMatch(new RegExp(`^⟳ ${migrations[1]!.name} \\(up\\): a table lock was not free within 100 ms; rolled back, retry 1 of 50 in 50 ms$`));
    expect(log.at(-1)).toMatch(new RegExp(`^↑ ${migrations[1]!.name}`));
  });

  it('a lock that is never freed: it gives up after the retries, names the way to find the holder, and nothing is applied', async () => {
    const migrations = migrationChain([before(), withRank()]);
    await migrateUp(db, migrations.slice(0, 1));
    await holdReadLock();
    const log: string[] = [];
    const err = await caught(migrateUp(db, migrations, { lockTimeoutMs: 50, retryDelayMs: 10, lockRetries: 2, log: (l) => log.push(l) }));
    expect(err.code).toBe('lock_timeout');
    expect(err.sqlstate).toBe('55P03');
    expect(err.message).toContain('Gave up after 3 attempt(s)');
    expect(err.message).toContain('pg_stat_activity');
    expect(err.message).toContain('--lock-timeout');
    expect(log.filter((l) => l.startsWith('⟳'))).toHaveLength(2);
    expect(await applied(db)).toEqual([migrations[0]!.name]);
    expect((await db.query(`select count(*)::int as n from pg_attribute where attrelid = 'notes'::regclass and attname = 'extra'`)).rows).toEqual([{ n: 0 }]);
  });
});

describe('lock notes in up.sql', () => {
  it('a rewrite, a NOT NULL scan and an index built without CONCURRENTLY on an existing table are marked -- LOCKS:, a widening in place is not', () => {
    const v1 = model({ notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: varchar(20).notNull(), rank: varchar(10), label: text() }) });
    const v2 = model({
      notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: varchar(40).notNull(), rank: integer(), label: text().notNull().default('none') }, { constraints: (t) => [index(t.label)] }),
      fresh: entity('fresh', { id: uuid().primaryKey().defaultRandom(), body: text() }, { constraints: (t) => [index(t.body)] }),
    });
    const up = migrationChain([v1, v2])[1]!.up;
    const locks = up.split('\n').filter((l) => l.startsWith('-- LOCKS:'));
    expect(locks).toEqual([
      expect.stringMatching(/^-- LOCKS: rewrites notes \(varchar\(10\) -> integer copies every row and rebuilds every index\) under ACCESS EXCLUSIVE/),
      expect.stringMatching(/^-- LOCKS: updates the rows holding NULL, then scans notes for NULLs under ACCESS EXCLUSIVE/),
      expect.stringMatching(/^-- LOCKS: builds index notes_label_idx under SHARE: writes to notes wait/),
    ]);
  });
});
