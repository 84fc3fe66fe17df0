import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bigint, entity, index, integer, pgEnum, sql, text, uuid, varchar, type ColumnRef } from '../../generator/dsl/index.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { openPg } from '../../generator/runtime/pg-db.ts';
import { isNoTransaction, MigrationError, migrateDown, migrateUp, migrationStatus, readMigrations, type Migration } from '../../generator/runtime/migrations.ts';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import { generate } from '../../generator/emit/generate.ts';
import { join } from 'node:path';
import { verifyMigrations } from '../../generator/runtime/verify.ts';
import { build } from '../support/build-model.ts';
import { loadCase, migrationChain, ROOT_DIR } from '../support/diff-case.ts';
import { describeEachEngine, describePg, resetPublicSchema, type EngineHandle } from '../support/engines.ts';
import { buildGraph } from '../support/schema-fixtures.ts';

const model = (schema: Record<string, unknown>): Ir => {
  const { ir, diagnostics } = build(schema);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir;
};

function caught(promise: Promise<unknown>): Promise<MigrationError> {
  return promise.then(
    () => expect.fail('expected a MigrationError'),
    (err: unknown) => {
      expect(err).toBeInstanceOf(MigrationError);
      return err as MigrationError;
    },
  );
}

const applied = async (db: Queryable) => (await db.query<{ name: string }>('select name from _schemagen_migrations order by version')).rows.map((r) => r.name);
const rows = async (db: Queryable, sqlText: string) => (await db.query<Record<string, unknown>>(sqlText)).rows;

// Three versions of one small model.
const v1 = () => model({ notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull() }) });
const v2 = () => model({
  notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull() }),
  tags: entity('tags', { id: uuid().primaryKey().defaultRandom(), label: varchar(40).notNull().unique() }),
});
const v3 = () => model({
  notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull(), rank: integer().notNull().default(0) }),
  tags: entity('tags', { id: uuid().primaryKey().defaultRandom(), label: varchar(40).notNull().unique() }),
});
const withIndex = (unique: boolean) =>
  model({
    notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull() }, { constraints: (t) => [unique ? index(t.body).asUnique().concurrently() : index(t.body).concurrently()] }),
  });

describeEachEngine('schema evolution runner', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(db));

  it('a narrowing or a cast that can fail checks every row first: it stops naming the column, the rows and an example, and changes nothing', async () => {
    const status = pgEnum('doc_status', ['draft', 'final']);
    const before = model({ docs: entity('docs', { id: uuid().primaryKey().defaultRandom(), mime: varchar(255).notNull(), pages: text(), state: text(), size: bigint() }) });
    const after = model({ doc_status: status, docs: entity('docs', { id: uuid().primaryKey().defaultRandom(), mime: varchar(5).notNull(), pages: integer(), state: status(), size: integer() }) });
    const migrations = migrationChain([before, after]);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into docs (id, mime, pages, state, size) values ('00000000-0000-4000-8000-000000000001', 'application/pdf', '12', 'final', 3), ('00000000-0000-4000-8000-000000000002', 'text', 'many', 'lost', 9999999999)`);
    const catalog = await readCatalog(db);
    const err = await caught(migrateUp(db, migrations));
    expect(err.message).toContain('docs.mime: 1 row(s) hold a value that does not fit varchar(5), e.g. the row with id 00000000-0000-4000-8000-000000000001');
    expect(err.message).toContain('SQLSTATE 22000');
    expect(await readCatalog(db)).toEqual(catalog);
    expect(await rows(db, `select mime from docs order by id`)).toEqual([{ mime: 'application/pdf' }, { mime: 'text' }]);
    // each value in turn: text → integer, text → enum, bigint → integer
    await db.exec(`update docs set mime = 'pdf'`);
    expect((await caught(migrateUp(db, migrations))).message).toContain('docs.pages: 1 row(s) hold a value that does not fit integer, e.g. the row with id 00000000-0000-4000-8000-000000000002');
    await db.exec(`update docs set pages = '3' where pages = 'many'`);
    expect((await caught(migrateUp(db, migrations))).message).toContain('docs.state: 1 row(s) hold a value that does not fit "doc_status", e.g. the row with id 00000000-0000-4000-8000-000000000002');
    await db.exec(`update docs set state = 'draft' where state = 'lost'`);
    expect((await caught(migrateUp(db, migrations))).message).toContain('docs.size: 1 row(s) hold a value that does not fit integer');
    await db.exec(`update docs set size = 9 where size > 100`);
    await migrateUp(db, migrations);
    expect(await rows(db, `select mime, pages, state::text, size from docs order by id`)).toEqual([
      { mime: 'pdf', pages: 12, state: 'final', size: 3 },
      { mime: 'pdf', pages: 3, state: 'draft', size: 9 },
    ]);
    // the down widens (nothing to check) and the data is all there
    await migrateDown(db, migrations);
    expect(await rows(db, `select mime, pages, size from docs order by id`)).toEqual([{ mime: 'pdf', pages: '12', size: '3' }, { mime: 'pdf', pages: '3', size: '9' }]);
  });

  it('an enum value added by a migration survives its down, and the up applies again', async () => {
    const before = model({ s: pgEnum('stage', ['a', 'b']), things: entity('things', { id: uuid().primaryKey().defaultRandom(), stage: pgEnum('stage', ['a', 'b'])() }) });
    const after = model({ s: pgEnum('stage', ['a', 'b', 'c']), things: entity('things', { id: uuid().primaryKey().defaultRandom(), stage: pgEnum('stage', ['a', 'b', 'c'])() }) });
    const migrations = migrationChain([before, after]);
    expect(migrations[1]!.up).toContain(`ALTER TYPE "stage" ADD VALUE IF NOT EXISTS 'c' AFTER 'b';`);
    await migrateUp(db, migrations);
    await migrateDown(db, migrations, { steps: 1 });
    await migrateUp(db, migrations);
    expect(await rows(db, `select string_agg(enumlabel, ',' order by enumsortorder) as v from pg_enum where enumtypid = 'stage'::regtype`)).toEqual([{ v: 'a,b,c' }]);
  });

  it("the committed history gives exactly the schema a fresh initial migration of today's model gives", async () => {
    const { ir } = await loadModel(ROOT_DIR);
    const committed = await readMigrations(join(ROOT_DIR, 'generated/migrations'));
    await migrateUp(db, committed);
    const history = await readCatalog(db);
    await resetPublicSchema(db);
    const fresh = generate(ir, { folders: [], latest: null }).files;
    const file = (name: string) => fresh.find((f) => f.path === `migrations/0001_initial/${name}`)!.contents;
    await migrateUp(db, [{ version: 1, name: '0001_initial', up: file('up.sql'), down: file('down.sql'), checksum: 'fresh' } as Migration]);
    expect(await readCatalog(db)).toEqual(history);
  });

  it('refuses a pending migration numbered below the newest applied one (merged late), naming both', async () => {
    const [m1, m2, m3] = migrationChain([v1(), v2(), v3()]) as [Migration, Migration, Migration];
    // 0003 was deployed from main before the branch with 0002 was merged
    await migrateUp(db, [m1, m3]);
    const err = await caught(migrateUp(db, [m1, m2, m3]));
    expect(err.code).toBe('out_of_order');
    expect(err.migration).toBe('0002_step_2');
    expect(err.message).toContain('0002_step_2 is not applied, but 0003_step_3, a later migration, is');
    expect(err.message).toContain('regenerate it on top with `npx gen --name step_2`');
    expect((await migrationStatus(db, [m1, m2, m3])).map((s) => `${s.name}:${s.state}`)).toEqual(['0001_initial:applied', '0002_step_2:out-of-order', '0003_step_3:applied']);
    expect(await applied(db)).toEqual(['0001_initial', '0003_step_3']);
  });

  it('runs a no-transaction migration (CREATE INDEX CONCURRENTLY) statement by statement; two runners apply it once', async () => {
    const migrations = migrationChain([v1(), withIndex(false)]);
    expect(migrations.map((m) => m.name)).toEqual(['0001_initial', '0002_step_2_concurrently']);
    expect(isNoTransaction(migrations[1]!.up) && isNoTransaction(migrations[1]!.down)).toBe(true);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into notes (body) select 'note ' || g from generate_series(1, 200) g`);
    const logs: string[] = [];
    const runs = await Promise.all([migrateUp(db, migrations, { log: (l) => logs.push(l) }), migrateUp(db, migrations, { log: (l) => logs.push(l) })]);
    expect(runs.flat().map((m) => m.name)).toEqual(['0002_step_2_concurrently']);
    expect(logs).toEqual([expect.stringMatching(/^↑ 0002_step_2_concurrently \(\d+ ms\)$/)]);
    expect(await rows(db, `select indisvalid as valid from pg_index where indexrelid = 'notes_body_idx'::regclass`)).toEqual([{ valid: true }]);
    await migrateDown(db, migrations);
    expect(await rows(db, `select to_regclass('notes_body_idx') as idx`)).toEqual([{ idx: null }]);
    expect(await applied(db)).toEqual(['0001_initial']);
  });

  it('a failed CREATE INDEX CONCURRENTLY is reported by statement and leaves no bookkeeping; after fixing the data it runs again', async () => {
    const migrations = migrationChain([v1(), withIndex(true)]);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into notes (body) values ('same'), ('same')`);
    const err = await caught(migrateUp(db, migrations));
    expect(err.code).toBe('migration_failed');
    expect(err.sqlstate).toBe('23505');
    expect(err.message).toContain('0002_step_2_concurrently/up.sql runs outside a transaction and failed at statement 2 of 2; statements 1 to 1 stay applied');
    expect(await applied(db)).toEqual(['0001_initial']);
    await db.exec(`delete from notes where ctid <> (select min(ctid) from notes)`);
    expect((await migrateUp(db, migrations)).map((m) => m.name)).toEqual(['0002_step_2_concurrently']);
    expect(await rows(db, `select indisvalid as valid, indisunique as "unique" from pg_index where indexrelid = 'notes_body_idx'::regclass`)).toEqual([{ valid: true, unique: true }]);
  });

  it('verify: every up, every down (nothing left), every up again (same catalog); a down that leaves something behind fails', async () => {
    const c = await loadCase('tenant-table-drop');
    const migrations = migrationChain([c.before, c.after, c.before]);
    const log: string[] = [];
    await verifyMigrations(db, migrations, (l) => log.push(l));
    expect(log.at(-1)).toMatch(/^verify: 3 migration\(s\) go up, down and up again, one by one and all together; the catalogs match/);
    await migrateDown(db, migrations, { to: 0 });
    const broken = migrations.map((m) => (m.version === 1 ? { ...m, down: m.down.replace(/DROP TABLE "countries";/, '') } : m));
    const err = await caught(verifyMigrations(db, broken));
    expect(err.code).toBe('verify_failed');
    // caught at the first step: 0001's own down leaves the table behind
    expect(err.message).toContain("after 0001_initial's down, the schema is not what it was before its up");
    expect(err.message).toContain('extra:   table countries');
  });

  it('verify walks the history step by step: a migration that cannot be re-applied after its own down fails verify', async () => {
    const c = await loadCase('tenant-table-drop');
    const migrations = migrationChain([c.before, c.after]);
    // an up that only works once (as ALTER TYPE … ADD VALUE without IF NOT EXISTS did, with a down that keeps the value)
    const once = migrations.map((m) => (m.version === 2 ? { ...m, up: `CREATE TABLE once_only (id int);\n${m.up}`, down: `${m.down}\n-- keeps once_only` } : m));
    const err = await caught(verifyMigrations(db, once));
    expect(err.code).toBe('verify_failed');
    expect(err.message).toMatch(/0002_step_2's down, the schema is not what it was before its up|0002_step_2 up again/);
  });
});

describePg('schema evolution on PostgreSQL with data', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(db));

  it('a rename of a table and of a column keeps the data', async () => {
    const before = model({
      accounts: entity('accounts', { id: uuid().primaryKey().defaultRandom(), handle: varchar(40).notNull().unique(), phone: text() }, { constraints: (t) => [index(t.phone)] }),
    });
    const after = model({
      members: entity('members', { id: uuid().primaryKey().defaultRandom(), handle: varchar(40).notNull().unique(), mobile: text().renamedFrom('phone') }, { renamedFrom: 'accounts', constraints: (t) => [index(t.mobile)] }),
    });
    const migrations = migrationChain([before, after]);
    expect(migrations[1]!.up).not.toMatch(/DROP|CREATE TABLE/);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into accounts (handle, phone) values ('ada', '+44 1'), ('bob', null)`);
    await migrateUp(db, migrations);
    expect(await rows(db, `select handle, mobile from members order by handle`)).toEqual([{ handle: 'ada', mobile: '+44 1' }, { handle: 'bob', mobile: null }]);
    await migrateDown(db, migrations);
    expect(await rows(db, `select handle, phone from accounts order by handle`)).toEqual([{ handle: 'ada', phone: '+44 1' }, { handle: 'bob', phone: null }]);
  });

  it('NOT NULL columns on a table with rows: with a default, with a backfill, and NULLs filled when NOT NULL is set', async () => {
    const body: ColumnRef = { kind: 'columnRef', table: 'notes', column: 'body' };
    const before = model({ notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull(), label: text() }) });
    const after = model({
      notes: entity('notes', {
        id: uuid().primaryKey().defaultRandom(),
        body: text().notNull(),
        label: text().notNull().default('none'),
        rank: integer().notNull().default(5),
        title: varchar(20).notNull().backfill(sql`left(upper(${body}), 20)`),
      }),
    });
    const migrations = migrationChain([before, after]);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into notes (body, label) values ('first', 'a'), ('second', null)`);
    await migrateUp(db, migrations);
    expect(await rows(db, `select body, label, rank, title from notes order by body`)).toEqual([
      { body: 'first', label: 'a', rank: 5, title: 'FIRST' },
      { body: 'second', label: 'none', rank: 5, title: 'SECOND' },
    ]);
    await db.exec(`insert into notes (body, title) values ('third', 't')`);
    expect(await rows(db, `select label, rank from notes where body = 'third'`)).toEqual([{ label: 'none', rank: 5 }]);
  });

  it('a backfill on a tenant table with forced row-level security and an audit trigger goes through the owner maintenance path, writing no audit rows', async () => {
    const epic = (await loadModel(ROOT_DIR)).ir;
    const withSlug: Ir = {
      ...epic,
      tables: epic.tables.map((t) =>
        t.name !== 'workflows'
          ? t
          : { ...t, columns: [...t.columns, { ...t.columns.find((c) => c.name === 'name')!, name: 'slug', comment: null, renamedFrom: null, backfill: `lower("name")` }] },
      ),
    };
    const migrations = migrationChain([{ ...epic, seeds: [] }, withSlug]);
    expect(migrations[1]!.up).toContain(`SET LOCAL schemagen.maintenance = 'on';\nUPDATE "workflows" SET "slug" = (lower("name"));`);
    await migrateUp(db, migrations.slice(0, 1));
    await db.transaction(async (tx) => {
      await tx.exec(`set local schemagen.maintenance = 'on'`);
      await buildGraph(tx, epic);
      await buildGraph(tx, epic);
    });
    const auditRows = async () => Number((await rows(db, `select count(*)::int as n from audit_logs`))[0]!.n);
    const audits = await auditRows();
    await migrateUp(db, migrations);
    expect(await rows(db, `select count(*)::int as n from workflows where slug = lower(name)`)).toEqual([{ n: 2 }]);
    expect(await auditRows()).toBe(audits);
    expect(await rows(db, `select current_setting('schemagen.maintenance', true) as m`)).not.toEqual([{ m: 'on' }]);
  });

  it('two runners with separate pools apply each generated migration, the no-transaction one included, exactly once', async () => {
    const migrations = migrationChain([v1(), v2(), withIndex(false)]);
    expect(migrations.map((m) => m.name)).toEqual(['0001_initial', '0002_step_2', '0003_step_3', '0004_step_3_concurrently']);
    const slow = migrations.map((m) => (isNoTransaction(m.up) ? m : { ...m, up: `select pg_sleep(0.2);\n${m.up}` }));
    const [one, two] = await Promise.all([openPg(handle.url!, { max: 2 }), openPg(handle.url!, { max: 2 })]);
    try {
      const logs: string[] = [];
      const runs = await Promise.all([migrateUp(one, slow, { log: (l) => logs.push(`one ${l}`) }), migrateUp(two, slow, { log: (l) => logs.push(`two ${l}`) })]);
      expect(runs.flat().map((m) => m.version).sort()).toEqual([1, 2, 3, 4]);
      expect(logs).toHaveLength(4);
      expect(await applied(db)).toEqual(migrations.map((m) => m.name));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('an applied generated migration that was edited is refused, naming it', async () => {
    const migrations = migrationChain([v1(), v2()]);
    await migrateUp(db, migrations);
    const edited = migrations.map((m) => (m.version === 2 ? { ...m, up: m.up.replace('varchar(40)', 'varchar(80)'), checksum: 'f'.repeat(64) } : m));
    const err = await caught(migrateUp(db, edited));
    expect(err.code).toBe('checksum_mismatch');
    expect(err.message).toContain('0002_step_2 was edited after it was applied');
  });

  it('a migration that fails halfway leaves nothing behind: its earlier steps are rolled back and it is not recorded', async () => {
    const before = model({ notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text() }) });
    const after = model({ notes: entity('notes', { id: uuid().primaryKey().defaultRandom(), body: text().notNull(), rank: integer().notNull().default(0) }) });
    const migrations = migrationChain([before, after]);
    expect(migrations[1]!.up).toMatch(/ADD COLUMN "rank"[\s\S]*-- DESTRUCTIVE: sets NOT NULL on notes\.body/);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into notes (body) values (null)`);
    const err = await caught(migrateUp(db, migrations));
    expect(err.code).toBe('migration_failed');
    expect(err.sqlstate).toBe('23502');
    expect(err.message).toContain('0002_step_2/up.sql failed and was rolled back');
    expect(await rows(db, `select column_name from information_schema.columns where table_name = 'notes' order by ordinal_position`)).toEqual([{ column_name: 'id' }, { column_name: 'body' }]);
    expect(await applied(db)).toEqual(['0001_initial']);
  });
});

describe('schema evolution runner: what the Db adapters promise', () => {
  it('the no-transaction marker is the first line of both files', () => {
    const [, m] = migrationChain([v1(), withIndex(false)]);
    expect(m!.up.split('\n')[0]).toBe('-- schemagen: no-transaction');
    expect(m!.down.split('\n')[0]).toBe('-- schemagen: no-transaction');
  });
});
