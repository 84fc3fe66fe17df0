import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  array, bigint, bytea, char, citext, doublePrecision, entity, index, integer, interval, numeric, real, smallint, sql, text, time, unique, uuid, varchar, type ColumnBuilder, type SqlExpr,
} from '../../generator/dsl/index.ts';
import { readSql } from '../../generator/emit/api/value-sql.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import { readCatalog } from '../../generator/runtime/catalog.ts';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { MigrationError, migrateDown, migrateUp, readMigrations } from '../../generator/runtime/migrations.ts';
import { loadSeed } from '../../generator/runtime/seed-loader.ts';
import { verifyMigrations } from '../../generator/runtime/verify.ts';
import { build } from '../support/build-model.ts';
import { migrationChain, ROOT_DIR } from '../support/diff-case.ts';
import { describeEachEngine, resetPublicSchema, type EngineHandle } from '../support/engines.ts';

/** test/golden/column-types: a fixture model with every type beyond EPIC-01's (the EPIC model does not use them). */
export const FIXTURE = join(ROOT_DIR, 'test/golden/column-types');

const model = (schema: Record<string, unknown>): Ir => {
  const { ir, diagnostics } = build(schema);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir;
};
const rows = async (db: Queryable, sqlText: string) => (await db.query<Record<string, unknown>>(sqlText)).rows;
const hasCitext = async (db: Queryable) => (await rows(db, `select count(*)::int as n from pg_extension where extname = 'citext'`))[0]!.n === 1;

function caught(promise: Promise<unknown>): Promise<MigrationError> {
  return promise.then(
    () => expect.fail('expected a MigrationError'),
    (err: unknown) => {
      expect(err).toBeInstanceOf(MigrationError);
      return err as MigrationError;
    },
  );
}

const NEW_TYPES: Record<string, () => ColumnBuilder<unknown, boolean>> = {
  smallint: () => smallint(),
  real: () => real(),
  double: () => doublePrecision(),
  char: () => char(3),
  time: () => time(),
  interval: () => interval(),
  bytea: () => bytea(),
  citext: () => citext(),
  citext_array: () => array(citext()),
  smallint_array: () => array(smallint()),
};

describeEachEngine('column types beyond EPIC-01', (engine) => {
  let handle: EngineHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
  });
  afterAll(() => handle?.close());
  beforeEach(() => resetPublicSchema(db));

  it('the fixture migrates up, down and up again, and its seed stores each value as written', async () => {
    const { ir } = await loadModel(FIXTURE);
    const migrations = await readMigrations(join(FIXTURE, 'expected/migrations'));
    await verifyMigrations(db, migrations);
    const result = await loadSeed(db, ir, ir.seeds.filter((r) => r.profile === 'default'));
    expect(result.inserted).toBe(2);
    expect(await rows(db, `select sku, sku = 'WID-0001  ' as padded, octet_length(sku) as width, contact = 'sales@EXAMPLE.com' as ci, quantity, weight, price,
      opens_at::text as opens_at, lead_time = interval '1 day 2 hours 30 minutes' as lead, encode(thumbnail, 'hex') as thumbnail,
      aliases::text[] as aliases, sizes, ratios, slots::text[] as slots from products`)).toEqual([
      {
        sku: 'WID-0001', padded: true, width: 8, ci: true, quantity: 12, weight: 0.5, price: 19.99, opens_at: '09:30:00', lead: true, thumbnail: 'deadbeef',
        aliases: ['Widget', 'gadget'], sizes: [1, 2, 3], ratios: [0.25, 1.5], slots: ['08:00:00', '12:30:00.5'],
      },
    ]);
  });

  it('each new type, added to a table and removed again, goes up, down and up again (citext with its extension)', async () => {
    const base = () => ({ id: uuid().primaryKey().defaultRandom(), name: text().notNull() });
    for (const [name, make] of Object.entries(NEW_TYPES)) {
      await resetPublicSchema(db);
      const without = model({ things: entity('things', base()) });
      const withIt = model({ things: entity('things', { ...base(), [`v_${name}`]: make() }) });
      const chain = migrationChain([without, withIt, without]);
      await verifyMigrations(db, chain);
      // and a table of its own, created and dropped
      await resetPublicSchema(db);
      await verifyMigrations(db, migrationChain([without, model({ things: entity('things', base()), more: entity('more', { id: uuid().primaryKey().defaultRandom(), v: make() }) }), without]));
    }
  });

  it('citext: the first migration that uses it creates the extension and its down drops it; one the database had, or one that something else uses, stays', async () => {
    const plain = model({ people: entity('people', { id: uuid().primaryKey().defaultRandom(), email: text() }) });
    const ci = model({ people: entity('people', { id: uuid().primaryKey().defaultRandom(), email: citext() }) });
    const chain = migrationChain([plain, ci, plain]);
    await migrateUp(db, chain.slice(0, 1));
    expect(await hasCitext(db)).toBe(false);
    await migrateUp(db, chain.slice(0, 2));
    expect(await hasCitext(db)).toBe(true);
    await db.exec(`insert into people (email) values ('Ann@Example.com')`);
    expect(await rows(db, `select count(*)::int as n from people where email = 'ann@example.COM'`)).toEqual([{ n: 1 }]);
    await migrateUp(db, chain);
    expect(await hasCitext(db), 'the model no longer uses it: the migration that stops using it drops it').toBe(false);
    await migrateDown(db, chain, { steps: 1 });
    expect(await hasCitext(db)).toBe(true);
    await migrateDown(db, chain, { to: 1 });
    expect(await hasCitext(db)).toBe(false);

    // the database had it before: no down removes it
    await db.exec('create extension citext');
    await migrateUp(db, chain.slice(0, 2));
    await migrateDown(db, chain, { to: 0 });
    expect(await hasCitext(db)).toBe(true);
    await db.exec('drop extension citext');

    // a migration made it, but a table outside the model uses it by now: the down keeps it (and says so)
    await migrateUp(db, chain.slice(0, 2));
    await db.exec('create table outside_the_model (x citext)');
    await migrateDown(db, chain, { to: 0 });
    expect(await hasCitext(db)).toBe(true);
    expect(await rows(db, `select to_regclass('people') as people`)).toEqual([{ people: null }]);
  });

  it("the API's ISO 8601 form of an interval is PostgreSQL's own iso_8601 output, whatever the session's IntervalStyle", async () => {
    const values = [
      '0', '1 second', '-0.5 seconds', '0.000001 seconds', '1 year 2 months 3 days 04:05:06.789', '-1 year -2 months +3 days -04:05:06',
      '1 mon -3 days +04:05:06.5', '100 hours', '-100 hours 30 minutes', '7 days', '14 months', '-1 day', '23:59:59.999999', '1 mon', '1 minute',
    ];
    const list = values.map((v) => `('${v}'::interval)`).join(', ');
    const expr = readSql('v', { kind: 'interval' })!;
    await db.transaction(async (tx) => {
      await tx.query(`set local intervalstyle = 'postgres_verbose'`);
      const ours = await tx.query<{ iso: string; text: string }>(`select ${expr} as iso, v::text as text from (values ${list}) as t(v)`);
      await tx.query(`set local intervalstyle = 'iso_8601'`);
      const theirs = await tx.query<{ iso: string }>(`select v::text as iso from (values ${list}) as t(v)`);
      expect(ours.rows.map((r) => r.iso)).toEqual(theirs.rows.map((r) => r.iso));
      // and each reads back as the same interval, field by field
      const back = await tx.query<{ same: boolean }>(`select bool_and(v::text = (${expr})::interval::text) as same from (values ${list}) as t(v)`);
      expect(back.rows).toEqual([{ same: true }]);
    });
    expect(await rows(db, `select (${expr}) as v from (values (null::interval)) as t(v)`)).toEqual([{ v: null }]);
  });

  it('type changes among the new types: widenings change nothing else; a narrowing checks every row first and stops naming them', async () => {
    const cols = (t: 'before' | 'after') => ({
      id: uuid().primaryKey().defaultRandom(),
      a: t === 'before' ? smallint() : integer(),
      b: t === 'before' ? doublePrecision() : real(),
      c: t === 'before' ? text() : char(4),
      d: t === 'before' ? interval() : time(),
      e: t === 'before' ? real() : doublePrecision(),
      f: t === 'before' ? char(10) : varchar(20),
      g: t === 'before' ? text() : interval(),
      h: t === 'before' ? varchar(20) : citext(),
    });
    const migrations = migrationChain([model({ m: entity('m', cols('before')) }), model({ m: entity('m', cols('after')) })]);
    const up = migrations[1]!.up;
    // smallint → integer, real → double precision, char(10) → varchar(20) are widenings: no check; the others check every row
    for (const c of ['a', 'e', 'f']) expect(up).not.toContain(`every value of m.${c} must fit`);
    for (const c of ['b', 'c', 'd', 'g']) expect(up).toContain(`every value of m.${c} must fit`);
    await migrateUp(db, migrations.slice(0, 1));
    await db.exec(`insert into m (id, a, b, c, d, e, f, g, h) values
      ('00000000-0000-4000-8000-000000000001', 1, 1e300, 'abcdefg', '25 hours', 0.5, 'x', 'soon', 'Ann'),
      ('00000000-0000-4000-8000-000000000002', 2, 0.1, 'ab', '1 day', 1.5, 'yy', 'P1D', 'ann')`);
    const catalog = await readCatalog(db);
    const failure = async (fix: string) => {
      const message = (await caught(migrateUp(db, migrations))).message;
      expect(await readCatalog(db), 'nothing changed').toEqual(catalog);
      await db.exec(fix);
      return message;
    };
    expect(await failure(`update m set b = 1e30 where b > 1e30`)).toContain('m.b: 1 row(s) hold a value that does not fit real, e.g. the row with id 00000000-0000-4000-8000-000000000001');
    expect(await failure(`update m set c = 'abcd' where c = 'abcdefg'`)).toContain('m.c: 1 row(s) hold a value that does not fit char(4)');
    expect(await failure(`update m set d = '23:00' where d >= '24 hours'`)).toContain('m.d: 2 row(s) hold a value that does not fit time, e.g. the row with id 00000000-0000-4000-8000-000000000001');
    expect(await failure(`update m set g = 'PT1H' where g = 'soon'`)).toContain('m.g: 1 row(s) hold a value that does not fit interval');
    // text → citext: every value converts, but the unique key would not hold; here no key, so it goes through
    await migrateUp(db, migrations);
    expect(await rows(db, `select a, b, c, d::text as d, e, f, g::text as g, h = 'ANN' as h from m order by id`)).toEqual([
      { a: 1, b: 1e30, c: 'abcd', d: '23:00:00', e: 0.5, f: 'x', g: '01:00:00', h: true },
      { a: 2, b: 0.1, c: 'ab  ', d: '23:00:00', e: 1.5, f: 'yy', g: '1 day', h: true },
    ].map((r) => ({ ...r, b: expect.closeTo(r.b, -23) })));
    // the down: integer → smallint, double → real, varchar → char are narrowings too, each checked
    await db.exec(`update m set a = 40000 where a = 2; update m set e = 1e300 where e = 1.5`);
    const down = (await caught(migrateDown(db, migrations, { steps: 1 }))).message;
    expect(down).toContain('m.e: 1 row(s) hold a value that does not fit real');
    await db.exec(`update m set e = 2`);
    expect((await caught(migrateDown(db, migrations, { steps: 1 }))).message).toContain('m.a: 1 row(s) hold a value that does not fit smallint, e.g. the row with id 00000000-0000-4000-8000-000000000002');
    await db.exec(`update m set a = 4 where a = 40000`);
    await migrateDown(db, migrations, { steps: 1 });
    // char(10) pads again
    expect(await rows(db, `select a, e, f, d::text as d from m order by id`)).toEqual([{ a: 1, e: 2, f: 'x         ', d: '23:00:00' }, { a: 4, e: 2, f: 'yy        ', d: '23:00:00' }]);
  });

  it('identity: added to a column with rows, numbering goes on after them (counting down, below them); removed, the values stay; each step goes up, down and up again', async () => {
    const plain = model({ tickets: entity('tickets', { id: uuid().primaryKey().defaultRandom(), no: integer().notNull().default(0), label: text() }) });
    const always = model({ tickets: entity('tickets', { id: uuid().primaryKey().defaultRandom(), no: integer().generatedAlwaysAsIdentity(), label: text() }) });
    const down = model({ tickets: entity('tickets', { id: uuid().primaryKey().defaultRandom(), no: integer().generatedByDefaultAsIdentity({ increment: -1, maxValue: -1 }), label: text() }) });
    const chain = migrationChain([plain, always, down, plain]);
    await verifyMigrations(db, chain);
    await resetPublicSchema(db);
    await migrateUp(db, chain.slice(0, 1));
    await db.exec(`insert into tickets (no, label) values (41, 'a'), (7, 'b')`);
    await migrateUp(db, chain.slice(0, 2));
    await db.exec(`insert into tickets (label) values ('c')`);
    expect(await rows(db, `select no, label from tickets order by no`)).toEqual([{ no: 7, label: 'b' }, { no: 41, label: 'a' }, { no: 42, label: 'c' }]);
    await expect(db.exec(`insert into tickets (no, label) values (1, 'x')`)).rejects.toThrow(/GENERATED ALWAYS|cannot insert/i);
    await db.exec(`insert into tickets (no, label) values (-5, 'negative') `.replace('(no, label) values (-5,', '(no, label) overriding system value values (-5,'));
    await migrateUp(db, chain.slice(0, 3));
    await db.exec(`insert into tickets (label) values ('d')`);
    expect((await rows(db, `select no from tickets where label = 'd'`))[0]!.no, 'counting down: below the smallest value').toBe(-6);
    await migrateUp(db, chain);
    expect(await rows(db, `select count(*)::int as n, min(no) as lo, max(no) as hi from tickets`)).toEqual([{ n: 5, lo: -6, hi: 42 }]);
    await migrateDown(db, chain, { to: 1 });
    expect(await rows(db, `select count(*)::int as n from tickets`)).toEqual([{ n: 5 }]);
    // a new identity column on a table with rows numbers them; integer -> bigint takes the sequence along
    const added = model({ tickets: entity('tickets', { id: uuid().primaryKey().defaultRandom(), no: integer().notNull().default(0), label: text(), serial: integer().generatedAlwaysAsIdentity() }) });
    const wider = model({ tickets: entity('tickets', { id: uuid().primaryKey().defaultRandom(), no: integer().notNull().default(0), label: text(), serial: bigint().generatedAlwaysAsIdentity() }) });
    const grow = migrationChain([plain, added, wider]);
    await resetPublicSchema(db);
    await migrateUp(db, grow.slice(0, 1));
    await db.exec(`insert into tickets (label) values ('a'), ('b')`);
    await migrateUp(db, grow);
    expect(await rows(db, `select serial::int as serial from tickets order by serial`)).toEqual([{ serial: 1 }, { serial: 2 }]);
    expect(await rows(db, `select format_type(seqtypid, null) as t from pg_sequence where seqrelid = pg_get_serial_sequence('tickets', 'serial')::regclass`)).toEqual([{ t: 'bigint' }]);
    await migrateDown(db, grow, { to: 0 });
    await verifyMigrations(db, grow);
  });

  it('generated columns: computed for every row; a new expression, a plain column made generated and back, and a type change under them, each up, down and up again with rows', async () => {
    const v = (step: 1 | 2 | 3) => {
      const lines = entity('lines', {
        id: uuid().primaryKey().defaultRandom(),
        qty: step === 3 ? bigint().notNull() : integer().notNull(),
        price: numeric(10, 2).notNull(),
        total: numeric(14, 2).generatedAlwaysAs((): SqlExpr => (step === 1 ? sql`${lines.qty} * ${lines.price}` : sql`round(${lines.qty} * ${lines.price} * 1.19, 2)`)),
        label: step === 1 ? varchar(40) : text().notNull().generatedAlwaysAs((): SqlExpr => sql`'x' || ${lines.qty}::text`),
        code: step === 1 ? text().generatedAlwaysAs((): SqlExpr => sql`'L' || ${lines.qty}::text`) : text(),
      }, { constraints: (t) => [index(t.total), unique(t.code)] });
      return model({ lines });
    };
    const chain = migrationChain([v(1), v(2), v(3)]);
    await verifyMigrations(db, chain);
    await resetPublicSchema(db);
    await migrateUp(db, chain.slice(0, 1));
    await db.exec(`insert into lines (qty, price, label) values (2, 10, 'kept?'), (3, 1.5, null)`);
    const read = () => rows(db, `select qty::int as qty, total::text as total, label, code from lines order by qty`);
    expect(await read()).toEqual([{ qty: 2, total: '20.00', label: 'kept?', code: 'L2' }, { qty: 3, total: '4.50', label: null, code: 'L3' }]);
    await migrateUp(db, chain.slice(0, 2));
    // total computed anew, label's values replaced by computed ones, code's computed values kept as plain values
    expect(await read()).toEqual([{ qty: 2, total: '23.80', label: 'x2', code: 'L2' }, { qty: 3, total: '5.36', label: 'x3', code: 'L3' }]);
    await db.exec(`update lines set code = 'changed' where qty = 2; update lines set qty = 4 where qty = 3`);
    expect(await read()).toEqual([{ qty: 2, total: '23.80', label: 'x2', code: 'changed' }, { qty: 4, total: '7.14', label: 'x4', code: 'L3' }]);
    await expect(db.exec(`update lines set total = 1`)).rejects.toThrow(/can only be updated to DEFAULT/);
    await migrateUp(db, chain);
    expect(await read()).toEqual([{ qty: 2, total: '23.80', label: 'x2', code: 'changed' }, { qty: 4, total: '7.14', label: 'x4', code: 'L3' }]);
    await migrateDown(db, chain, { to: 1 });
    // the old expression again; label keeps the computed values as plain ones; code computed again
    expect(await read()).toEqual([{ qty: 2, total: '20.00', label: 'x2', code: 'L2' }, { qty: 4, total: '6.00', label: 'x4', code: 'L4' }]);
    expect(await rows(db, `select attname, attgenerated from pg_attribute where attrelid = 'lines'::regclass and attname in ('label', 'code', 'total') order by attname`)).toEqual([
      { attname: 'code', attgenerated: 's' }, { attname: 'label', attgenerated: '' }, { attname: 'total', attgenerated: 's' },
    ]);
  });
});
