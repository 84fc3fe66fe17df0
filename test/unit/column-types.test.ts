import { describe, expect, it } from 'vitest';
import { isWidening } from '../../generator/diff/column-types.ts';
import {
  array, bigint, boolean, bytea, char, citext, defineSeeds, doublePrecision, entity, index, integer, interval, me, numeric, real, row, smallint, sql, text, time,
  timestamptz, uuid, type SeedProfile, type SqlExpr,
} from '../../generator/dsl/index.ts';
import { defineModel } from '../../generator/dsl/model.ts';
import { buildIr } from '../../generator/model/build-ir.ts';
import { Diagnostics } from '../../generator/ir/diagnostics.ts';
import { validateIr } from '../../generator/ir/validate.ts';
import { buildSeeds } from '../../generator/ir/seed-build.ts';
import { inputSchema } from '../../generator/emit/api/json-schema.ts';
import { fitsTest } from '../../generator/emit/fits.ts';
import { formatDiagnostic } from '../../generator/ir/diagnostics.ts';
import { BASE64_PATTERN, INTERVAL_PATTERN, seedValueProblem, TIME_PATTERN } from '../../generator/ir/seed-values.ts';
import type { ColumnType, Ir } from '../../generator/ir/types.ts';
import { sqlType, typedLiteral } from '../../generator/sql/quote.ts';
import { build, codes } from '../support/build-model.ts';

const T = (kind: string, length?: number): ColumnType => (length === undefined ? { kind } : { kind, length }) as ColumnType;
const none = new Map<string, readonly string[]>();

describe('column types beyond EPIC-01', () => {
  it('spell their SQL types', () => {
    expect([T('smallint'), T('real'), T('double'), T('char', 3), T('time'), T('interval'), T('bytea'), T('citext'), { kind: 'array', of: T('citext') } as ColumnType].map(sqlType)).toEqual([
      'smallint', 'real', 'double precision', 'char(3)', 'time', 'interval', 'bytea', 'citext', 'citext[]',
    ]);
  });

  it.each([
    [T('smallint'), T('integer'), true],
    [T('smallint'), T('bigint'), true],
    [T('smallint'), { kind: 'numeric', precision: 5, scale: 0 }, true],
    [T('smallint'), { kind: 'numeric', precision: 4, scale: 0 }, false],
    [T('integer'), T('smallint'), false],
    [T('smallint'), T('real'), true],
    [T('integer'), T('real'), false],
    [T('integer'), T('double'), true],
    [T('bigint'), T('double'), false],
    [T('real'), T('double'), true],
    [T('double'), T('real'), false],
    [T('char', 3), T('char', 5), true],
    [T('char', 5), T('char', 3), false],
    [T('char', 3), { kind: 'varchar', length: 3 }, true],
    [{ kind: 'varchar', length: 3 }, T('char', 3), true],
    [T('char', 3), T('text'), true],
    [T('text'), T('char', 3), false],
    [T('citext'), T('text'), true],
    [T('text'), T('citext'), false],
    [T('time'), T('interval'), true],
    [T('interval'), T('time'), false],
    [T('bytea'), T('text'), false],
    [{ kind: 'array', of: T('smallint') }, { kind: 'array', of: T('integer') }, true],
  ] as [ColumnType, ColumnType, boolean][])('%o -> %o is a widening: %s', (from, to, expected) => {
    expect(isWidening(from, to)).toBe(expected);
  });

  it('narrowings check what can fail: ranges, lengths, a time of day; floats round but must be in range', () => {
    expect(fitsTest('"c"', T('integer'), T('smallint'))).toBe('coalesce("c"::numeric BETWEEN -32768 AND 32767 AND "c"::numeric = trunc("c"::numeric), false)');
    expect(fitsTest('"c"', T('double'), T('integer'))).toContain('BETWEEN -2147483648 AND 2147483647');
    expect(fitsTest('"c"', T('double'), T('real'))).toBe(`("c" IN ('NaN', 'Infinity', '-Infinity') OR "c" = 0 OR abs("c") > 7.006492321624085e-46 AND abs("c") <= 3.4028234663852886e38)`);
    expect(fitsTest('"c"', T('bigint'), T('real')), 'never fails, only rounds').toBe('true');
    expect(fitsTest('"c"', T('text'), T('char', 4))).toBe('char_length("c"::text) <= 4');
    expect(fitsTest('"c"', T('text'), T('citext'))).toBe('true');
    expect(fitsTest('"c"', T('interval'), T('time'))).toContain(`"c" < interval '24 hours'`);
    // no cheaper test: the check tries the cast on each value
    expect(fitsTest('"c"', T('text'), T('interval'))).toBeNull();
    expect(fitsTest('"c"', T('text'), T('time'))).toBeNull();
    expect(fitsTest('"c"', T('text'), T('bytea'))).toBeNull();
  });

  it('gen refuses impossible lengths, arrays the API cannot carry, and defaults that do not fit, naming entity and column', () => {
    const things = entity('things', {
      id: uuid().primaryKey().defaultRandom(),
      a: char(0),
      b: char(-2),
      c: char(1.5),
      d: array(interval()),
      e: array(bytea()),
      f: smallint().default(40000),
      g: time().default('25:00:00'),
      h: interval().default('1 day'),
      i: bytea().default('not base64'),
      j: real().default(1e39),
      k: char(2).default('abc'),
      l: doublePrecision().default('1.5' as unknown as number),
      m: citext().default('fine'),
      n: time().defaultNow(),
    });
    const ds = build({ things }).diagnostics;
    expect(codes(ds)).toEqual([
      'bad-type things.a', 'bad-type things.b', 'bad-type things.c', 'bad-type things.d', 'bad-type things.e',
      'bad-default things.f', 'bad-default things.g', 'bad-default things.h', 'bad-default things.i', 'bad-default things.j', 'bad-default things.k', 'bad-default things.l',
    ]);
    expect(ds.map(formatDiagnostic).filter((l) => /things\.[abdh]:/.test(l))).toEqual([
      'model/test.ts: things.a: error: char(0) is not a valid length; use a whole number from 1 to 10485760, or text() [bad-type]',
      'model/test.ts: things.b: error: char(-2) is not a valid length; use a whole number from 1 to 10485760, or text() [bad-type]',
      'model/test.ts: things.d: error: is an array of interval, which the API cannot carry in its wire format; use a child entity with an interval column, or an array of text [bad-type]',
      "model/test.ts: things.h: error: default \"1 day\" is not an ISO 8601 duration such as 'P1DT2H30M' or 'PT0.5S'; give a default of type interval [bad-default]",
    ]);
  });

  it('seed and default values: each type its JSON form, checked as PostgreSQL would', () => {
    const ok: [ColumnType, unknown][] = [
      [T('smallint'), -32768], [T('smallint'), 32767], [T('real'), 0.1], [T('real'), 0], [T('real'), 1.401298464324817e-45], [T('double'), 5e-324],
      [T('char', 3), 'ab'], [T('char', 3), 'abc   '], [T('citext'), 'Ab'], [T('time'), '24:00:00'], [T('time'), '00:00:00.000001'],
      [T('interval'), 'PT0S'], [T('interval'), 'P1Y-2M3DT-4H5M6.5S'], [T('interval'), 'P2W'], [T('bytea'), ''], [T('bytea'), '3q2+7w=='],
    ];
    for (const [type, value] of ok) expect(seedValueProblem(value, type, none), `${sqlType(type)} ${JSON.stringify(value)}`).toBeNull();
    const bad: [ColumnType, unknown][] = [
      [T('smallint'), 32768], [T('smallint'), 1.5], [T('real'), 1e39], [T('real'), 1e-46], [T('double'), '1'], [T('char', 3), 'abcd'], [T('citext'), 'a\0b'],
      [T('time'), '9:30:00'], [T('time'), '12:00'], [T('time'), '24:00:01'], [T('interval'), '1 day'], [T('interval'), 'P'], [T('interval'), 'PT'],
      [T('interval'), 'P1.5D'], [T('interval'), 'P123456789Y'], [T('bytea'), 'abc'], [T('bytea'), '\\xdead'],
    ];
    for (const [type, value] of bad) expect(seedValueProblem(value, type, none), `${sqlType(type)} ${JSON.stringify(value)}`).not.toBeNull();
    expect(typedLiteral('3q2+7w==', T('bytea'))).toBe(`'\\xdeadbeef'::bytea`);
    expect(typedLiteral('', T('bytea'))).toBe(`'\\x'::bytea`);
    expect(typedLiteral('P1D', T('interval'))).toBe(`'P1D'`);
  });

  it('API input schemas: bounds, lengths and the text forms of time, interval and bytea', () => {
    expect(inputSchema(T('smallint'))).toEqual({ type: 'integer', minimum: -32768, maximum: 32767 });
    expect(inputSchema(T('char', 8))).toEqual({ type: 'string', maxLength: 8 });
    expect(inputSchema(T('double'))).toEqual({ type: 'number' });
    expect(inputSchema(T('real'))).toMatchObject({ type: 'number', maximum: 3.4028234663852886e38 });
    expect(inputSchema(T('time'))).toEqual({ type: 'string', pattern: TIME_PATTERN });
    expect(inputSchema(T('interval'))).toEqual({ type: 'string', pattern: INTERVAL_PATTERN, maxLength: 64 });
    expect(inputSchema(T('bytea'))).toEqual({ type: 'string', format: 'byte', contentEncoding: 'base64' });
    expect(new RegExp(BASE64_PATTERN).test(Buffer.from('any bytes at all').toString('base64'))).toBe(true);
    expect(inputSchema({ kind: 'array', of: T('smallint') })).toEqual({ type: 'array', items: { type: 'integer', minimum: -32768, maximum: 32767 } });
  });

  it('a model using them builds: typed builders, no diagnostics', () => {
    const things = entity('things', { id: uuid().primaryKey().defaultRandom(), a: smallint().notNull(), b: real(), c: integer(), d: text() });
    expect(build({ things }).diagnostics).toEqual([]);
  });

  describe('identity columns', () => {
    it('build into the IR with their options as strings, NOT NULL, and no default', () => {
      const t = entity('t', { id: bigint().primaryKey().generatedAlwaysAsIdentity({ start: 10n ** 17n, cache: 20 }), n: smallint().generatedByDefaultAsIdentity({ increment: -1, cycle: true }) });
      const { ir, diagnostics } = build({ t });
      expect(diagnostics).toEqual([]);
      expect(ir.tables[0]!.columns.map((c) => [c.name, c.notNull, c.default, c.identity])).toEqual([
        ['id', true, null, { generation: 'always', start: '100000000000000000', increment: null, minValue: null, maxValue: null, cache: '20', cycle: false }],
        ['n', true, null, { generation: 'byDefault', start: null, increment: '-1', minValue: null, maxValue: null, cache: null, cycle: true }],
      ]);
      // columns without one do not mention it: snapshots of models without identities stay as they were
      expect('identity' in build({ u: entity('u', { id: uuid().primaryKey() }) }).ir.tables[0]!.columns[0]!).toBe(false);
    });

    it('gen refuses identity on a non-integer type, with a default, and impossible options, naming entity and column', () => {
      const t = entity('t', {
        id: uuid().primaryKey().defaultRandom(),
        a: text().generatedAlwaysAsIdentity(),
        b: integer().default(5).generatedAlwaysAsIdentity(),
        c: integer().generatedAlwaysAsIdentity({ increment: 0 }),
        d: smallint().generatedAlwaysAsIdentity({ start: 40000 }),
        e: integer().generatedAlwaysAsIdentity({ start: 1.5 }),
        f: integer().generatedAlwaysAsIdentity({ minValue: 10, maxValue: 5 }),
        g: integer().generatedAlwaysAsIdentity({ minValue: 10, start: 3 }),
        h: bigint().generatedByDefaultAsIdentity({ cache: 0 }),
        i: array(integer()).generatedAlwaysAsIdentity(),
      });
      const ds = build({ t }).diagnostics;
      expect(codes(ds)).toEqual(['bad-identity t.a', 'bad-identity t.b', 'bad-identity t.c', 'bad-identity t.d', 'bad-identity t.e', 'bad-identity t.f', 'bad-identity t.g', 'bad-identity t.h', 'bad-identity t.i']);
      expect(ds.map(formatDiagnostic).slice(0, 4)).toEqual([
        'model/test.ts: t.a: error: is an identity column of type text; identity numbers rows with whole numbers; declare it smallint(), integer() or bigint() [bad-identity]',
        'model/test.ts: t.b: error: has both a default and an identity: the identity is its default; remove .default(...) (or the identity) [bad-identity]',
        'model/test.ts: t.c: error: identity option increment is 0; use a positive increment (or a negative one, to count down) [bad-identity]',
        'model/test.ts: t.d: error: identity option start 40000 is outside the range of smallint; keep it within -32768..32767, or widen the column [bad-identity]',
      ]);
    });

    it('warns that an identity of a tenant table is a count every tenant can watch', () => {
      const orgs = entity('orgs', { id: uuid().primaryKey().defaultRandom() }, { tenancy: 'root' });
      const notes = entity('notes', { id: uuid().primaryKey().defaultRandom(), organization_id: uuid().notNull().references(() => orgs.id), no: integer().generatedAlwaysAsIdentity() }, { tenancy: 'scoped' });
      const ds = build({ orgs, notes }, { root: orgs }).diagnostics.filter((d) => d.code === 'tenant-oracle');
      expect(ds.map((d) => `${d.severity} ${d.path}`)).toEqual(['warning notes.no']);
    });

    it('seeds leave identity columns out; an entity keyed by one cannot be seeded idempotently', () => {
      const tickets = entity('tickets', { id: uuid().primaryKey().defaultRandom(), no: integer().generatedAlwaysAsIdentity(), label: text().notNull() });
      const events = entity('events', { id: bigint().primaryKey().generatedByDefaultAsIdentity(), label: text() });
      const { ir } = build({ tickets, events });
      const check = (profiles: Record<string, SeedProfile>, model: Ir) => {
        const d = new Diagnostics(() => 'model/seed.ts');
        buildSeeds(defineSeeds(profiles), model, (...a) => d.error(...a));
        return d.sorted().map(formatDiagnostic);
      };
      expect(check({ default: [row(tickets, 'a', { label: 'A' })] }, ir)).toEqual([]);
      expect(check({ default: [row(tickets, 'a', { label: 'A', no: 3 }), row(events, 'e', { label: 'E' }), row(events, 'f', { id: 7 })] }, ir)).toEqual([
        "model/seed.ts: seeds.default.events['e'].id: error: id, the primary key, is an identity column: a seed row cannot fix it, so a second run would insert the row again; seed entities with a uuid primary key (filled from the row's key), or leave events out of the seed [seed-missing-column]",
        "model/seed.ts: seeds.default.events['f'].id: error: gives id, an identity column: the database numbers it; leave id out of the seed row [seed-generated-column]",
        "model/seed.ts: seeds.default.tickets['a'].no: error: gives no, an identity column: the database numbers it; leave no out of the seed row [seed-generated-column]",
      ]);
    });
  });

  describe('generated columns', () => {
    const other = entity('other', { id: uuid().primaryKey().defaultRandom(), rate: numeric(5, 2) });

    it('build into the IR with their expression quoted; no request, grant or seed writes them', () => {
      const orders = entity('orders', {
        id: uuid().primaryKey().defaultRandom(),
        qty: integer().notNull(),
        price: numeric(10, 2).notNull(),
        total: numeric(12, 2).notNull().generatedAlwaysAs((): SqlExpr => sql`${orders.qty} * ${orders.price}`),
        note: text(),
      }, { tenancy: 'global' });
      const orgs = entity('orgs', { id: uuid().primaryKey().defaultRandom() }, { tenancy: 'root' });
      const { ir, diagnostics } = build({ orders, orgs }, { root: orgs });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const t = ir.tables.find((x) => x.name === 'orders')!;
      expect(t.columns.find((c) => c.name === 'total')).toMatchObject({ generated: '"qty" * "price"', notNull: true, default: null });
      expect('generated' in t.columns.find((c) => c.name === 'qty')!).toBe(false);
      expect(t.grants[0]!.updateColumns).toEqual(['qty', 'price', 'note']);
    });

    it('gen refuses an expression of another entity or the session, another generated column, and what a generated column cannot also have', () => {
      const bad = entity('bad', {
        id: uuid().primaryKey().defaultRandom(),
        a: integer(),
        b: numeric(10, 2).generatedAlwaysAs((): SqlExpr => sql`${bad.a} * ${other.rate}`),
        c: uuid().generatedAlwaysAs(sql`${me.id}`),
        d: integer().generatedAlwaysAs((): SqlExpr => sql`${bad.e} + 1`),
        e: integer().generatedAlwaysAs((): SqlExpr => sql`${bad.a} + 1`),
        f: integer().generatedAlwaysAs((): SqlExpr => sql`${bad.f} + 1`),
        g: integer().default(1).generatedAlwaysAs((): SqlExpr => sql`${bad.a}`),
        h: bigint().generatedAlwaysAsIdentity().generatedAlwaysAs((): SqlExpr => sql`${bad.a}`),
        i: timestamptz().onUpdateNow().generatedAlwaysAs(sql`'2020-01-01T00:00:00Z'::timestamptz`),
        j: integer().generatedAlwaysAs(() => {
          throw new Error('not yet');
        }),
        k: uuid().references(() => other.id, { onDelete: 'setNull' }).generatedAlwaysAs(sql`NULL::uuid`),
      }, { constraints: (t) => [index(t.k)] });
      const ds = build({ bad, other }).diagnostics;
      expect(codes(ds).filter((c) => c.startsWith('bad-generated'))).toEqual([
        'bad-generated bad.b', 'bad-generated bad.c', 'bad-generated bad.d', 'bad-generated bad.f', 'bad-generated bad.g', 'bad-generated bad.h', 'bad-generated bad.i', 'bad-generated bad.j', 'bad-generated bad.k',
      ]);
      const lines = ds.map(formatDiagnostic);
      expect(lines).toContain('model/test.ts: bad.b: error: is computed from other.rate, a column of another entity; a generated column computes from its own row only: use columns of bad (a value from another table needs a trigger or a view) [bad-generated]');
      expect(lines).toContain('model/test.ts: bad.c: error: is computed from me.id, which changes with each request; a generated column must be immutable: compute it from the row alone, or use a default [bad-generated]');
      expect(lines).toContain('model/test.ts: bad.d: error: is computed from generated column e; PostgreSQL computes generated columns from the others only; compute it from the columns the application writes (repeat the other expression if need be) [bad-generated]');
      expect(lines).toContain('model/test.ts: bad.f: error: is computed from itself; PostgreSQL computes generated columns from the others only; compute it from the columns the application writes (repeat the other expression if need be) [bad-generated]');
      expect(lines).toContain('model/test.ts: bad.g: error: is generated and has a default too; its expression is its only value; remove a default [bad-generated]');
    });

    it('the tenant key cannot be generated; a permission listing a generated column is refused', () => {
      const orgs = entity('orgs', { id: uuid().primaryKey().defaultRandom() }, { tenancy: 'root', permissions: { admin: 'read' } });
      const users = entity('users', {
        id: uuid().primaryKey().defaultRandom(),
        organization_id: uuid().notNull().references(() => orgs.id),
        role: text().notNull().oneOf(['admin']),
        active: boolean().notNull().default(true),
        name: text(),
        name_key: text().generatedAlwaysAs((): SqlExpr => sql`lower(${users.name})`),
      }, { tenancy: 'scoped', constraints: (t) => [index(t.organization_id)], permissions: (t) => ({ admin: { select: true, update: { columns: [t.name, t.name_key] } } }) });
      const d = new Diagnostics(() => 'model/test.ts');
      validateIr(buildIr(defineModel({ schema: { orgs, users }, tenancy: { root: orgs }, users: { entity: users, role: 'role', active: 'active' } }), { comments: {}, files: {} }, d), d);
      expect(codes(d.sorted().filter((x) => x.severity === 'error'))).toEqual(['permission-column users.name_key']);
      const keyed = entity('notes', { id: uuid().primaryKey().defaultRandom(), organization_id: uuid().notNull().references(() => orgs.id).generatedAlwaysAs(sql`gen_random_uuid()`) }, { tenancy: 'scoped', constraints: (t) => [index(t.organization_id)] });
      expect(codes(build({ orgs: entity('orgs', { id: uuid().primaryKey().defaultRandom() }, { tenancy: 'root' }), keyed }, { root: orgs }).diagnostics)).toContain('bad-generated notes.organization_id');
    });

    it('a seed row may not give a generated column', () => {
      const items = entity('items', { id: uuid().primaryKey().defaultRandom(), qty: integer().notNull(), twice: integer().generatedAlwaysAs((): SqlExpr => sql`${items.qty} * 2`) });
      const { ir } = build({ items });
      const d = new Diagnostics(() => 'model/seed.ts');
      buildSeeds(defineSeeds({ default: [row(items, 'a', { qty: 1 }), row(items, 'b', { qty: 1, twice: 2 })] }), ir, (...a) => d.error(...a));
      expect(d.sorted().map(formatDiagnostic)).toEqual([
        "model/seed.ts: seeds.default.items['b'].twice: error: gives twice, a generated column: the database computes it from the row; leave twice out of the seed row [seed-generated-column]",
      ]);
    });
  });
});
