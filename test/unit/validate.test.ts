import { describe, expect, it } from 'vitest';
import { bytea, entity, foreignKey, index, integer, pgEnum, text, unique, uuid, varchar } from '../../generator/dsl/index.ts';
import { formatDiagnostic } from '../../generator/ir/diagnostics.ts';
import { build, codes } from '../support/build-model.ts';

const parents = entity('parents', { id: uuid().primaryKey().defaultRandom(), code: integer().notNull() });

describe('validate', () => {
  it('accepts a well-formed model with no diagnostics', () => {
    const children = entity('children', {
      id: uuid().primaryKey(),
      parent_id: uuid().notNull().references(() => parents.id, { onDelete: 'cascade' }),
    }, { constraints: (t) => [index(t.parent_id)] });
    expect(build({ parents, children }).diagnostics).toEqual([]);
  });

  it('lists every problem at once, each naming entity and column', () => {
    const orphan = entity('orphan', { id: uuid().primaryKey() });
    const bad = entity('bad', {
      id: uuid().primaryKey(),
      // references an entity that is not part of the model
      orphan_id: uuid().references(() => orphan.id),
      // integer vs uuid
      parent_id: integer().notNull().references(() => parents.id, { onDelete: 'setNull' }),
      user: text(),
      a_very_long_column_name_that_goes_past_the_postgres_identifier_limit: text(),
    });
    const { diagnostics } = build({ parents, bad });
    expect(codes(diagnostics)).toEqual(expect.arrayContaining([
      'unknown-table bad.orphan_id',
      'fk-type-mismatch bad.parent_id',
      'set-null-not-null bad.parent_id',
      'reserved-word bad.user',
      'identifier-too-long bad.a_very_long_column_name_that_goes_past_the_postgres_identifier_limit',
    ]));
    const typeLine = diagnostics.find((d) => d.code === 'fk-type-mismatch')!;
    expect(formatDiagnostic(typeLine)).toBe(
      'model/test.ts: bad.parent_id: error: is integer but references parents.id of type uuid; declare bad.parent_id as uuid [fk-type-mismatch]',
    );
  });

  it('rejects duplicate names across the shared relation namespace', () => {
    const a = entity('things', { id: uuid().primaryKey() });
    const b = entity('things', { id: uuid().primaryKey() });
    const c = entity('others', { id: uuid().primaryKey(), x: integer() }, { constraints: (t) => [index(t.x).named('things')] });
    expect(codes(build({ a, b, c }).diagnostics)).toEqual(expect.arrayContaining(['duplicate-name things', 'duplicate-name others.things']));
  });

  it('rejects a foreign key to columns that are not unique, and a missing primary key', () => {
    const kids = entity('kids', { code: integer().references(() => parents.code) });
    expect(codes(build({ parents, kids }).diagnostics)).toEqual(expect.arrayContaining(['fk-target-not-unique kids.code', 'missing-primary-key kids']));
  });

  it('rejects bad defaults, bad types and camelCase names with a suggestion', () => {
    const status = pgEnum('status', ['a', 'b']);
    const t = entity('tbl', {
      id: uuid().primaryKey(),
      s: status().default('c' as 'a'),
      n: integer().default(1.5),
      v: varchar(0),
      createdAt: text(),
    });
    const ds = build({ t, status }).diagnostics;
    expect(codes(ds)).toEqual(expect.arrayContaining(['bad-default tbl.s', 'bad-default tbl.n', 'bad-type tbl.v', 'invalid-identifier tbl.createdAt']));
    expect(ds.find((d) => d.code === 'invalid-identifier')!.hint).toContain('"created_at"');
  });

  it('warns about a foreign key without an index, with the fix', () => {
    const kids = entity('kids', { id: uuid().primaryKey(), parent_id: uuid().references(() => parents.id) });
    const [w] = build({ parents, kids }).diagnostics;
    expect(w).toMatchObject({ severity: 'warning', code: 'fk-without-index', path: 'kids.parent_id' });
    expect(w!.hint).toContain('index(t.parent_id)');
  });

  it('warns when an exposed entity gets no API routes, saying why, and not when it is kept out on purpose', () => {
    const blobs = entity('blobs', { data: bytea().primaryKey(), note: text() });
    const [w] = build({ blobs }).diagnostics;
    expect(w).toMatchObject({ severity: 'warning', code: 'api-unserved', path: 'blobs' });
    expect(w!.message).toContain('key column data (bytea) cannot be a path segment');
    expect(w!.hint).toContain('expose: false');
    expect(build({ blobs: entity('blobs', { data: bytea().primaryKey() }, { api: { expose: false } }) }).diagnostics).toEqual([]);
  });

  it('checks composite foreign keys column by column', () => {
    const p = entity('p', { id: uuid().primaryKey(), org: uuid().notNull() }, { constraints: (t) => [unique(t.org, t.id)] });
    const c = entity('c', { id: uuid().primaryKey(), org: uuid().notNull(), p_id: text() }, {
      constraints: (t) => [foreignKey({ columns: [t.org, t.p_id], references: () => [p.org, p.id] }), index(t.org, t.p_id)],
    });
    expect(codes(build({ p, c }).diagnostics)).toEqual(['fk-type-mismatch c.p_id']);
  });

  it('enforces tenancy rules: root, tenant key, global referencing scoped, undeclared tenancy', () => {
    const orgs = entity('orgs', { id: uuid().primaryKey() }, { tenancy: 'root' });
    const scopedOk = entity('notes', { id: uuid().primaryKey(), organization_id: uuid().notNull().references(() => orgs.id) }, { tenancy: 'scoped', constraints: (t) => [index(t.organization_id)] });
    const scopedBad = entity('tags', { id: uuid().primaryKey() }, { tenancy: 'scoped' });
    const global = entity('countries', { id: uuid().primaryKey(), note_id: uuid().references(() => scopedOk.id) }, { tenancy: 'global', constraints: (t) => [index(t.note_id)] });
    const undeclared = entity('misc', { id: uuid().primaryKey() });
    const ds = build({ orgs, scopedOk, scopedBad, global, undeclared }, { root: orgs }).diagnostics;
    expect(codes(ds).sort()).toEqual(['missing-tenancy misc', 'tenancy-global-ref countries.note_id', 'tenancy-key tags.organization_id']);
  });

  it('reads the tenant from a setting named after the tenant key, unless the model names one; a clash or a bad name is an error', () => {
    const accounts = entity('accounts', { id: uuid().primaryKey().defaultRandom() }, { tenancy: 'root' });
    const notes = entity('notes', { id: uuid().primaryKey().defaultRandom(), account_id: uuid().notNull().references(() => accounts.id) }, { tenancy: 'scoped', constraints: (t) => [index(t.account_id)] });
    const renamed = build({ accounts, notes }, { root: accounts, key: 'account_id' });
    expect(renamed.diagnostics).toEqual([]);
    expect(renamed.ir.tenancy).toMatchObject({ key: 'account_id', tenantSetting: 'app.account_id', userSetting: 'app.user_id' });
    const policy = renamed.ir.tables.find((t) => t.name === 'notes')!.policies.find((p) => p.command === 'select')!;
    expect(policy.using).toBe(`"account_id" = (SELECT nullif(current_setting('app.account_id', true), '')::uuid)`);
    expect(build({ accounts, notes }, { root: accounts, key: 'account_id', tenantSetting: 'acme.tenant' }).ir.tenancy?.tenantSetting).toBe('acme.tenant');

    const owners = entity('owners', { id: uuid().primaryKey().defaultRandom(), user_id: uuid().notNull().references(() => accounts.id) }, { tenancy: 'scoped', constraints: (t) => [index(t.user_id)] });
    const clash = build({ accounts, owners }, { root: accounts, key: 'user_id' }).diagnostics;
    expect(clash.map(formatDiagnostic)).toEqual([
      "model/test.ts: accounts: error: the tenant and the user are both read from setting 'app.user_id'; give tenancy.tenantSetting or tenancy.userSetting another name (the tenant's defaults to 'app.<key>', the user's to 'app.user_id') [tenancy-setting]",
    ]);
    expect(codes(build({ accounts, notes }, { root: accounts, key: 'account_id', tenantSetting: 'tenant', userSetting: 'App.User' }).diagnostics)).toEqual(['tenancy-setting accounts', 'tenancy-setting accounts']);
  });

  it('reports a thunk that throws instead of crashing', () => {
    const broken = entity('broken', {
      id: uuid().primaryKey(),
      x: uuid().references(() => {
        throw new Error('Cannot access before initialization');
      }),
    });
    expect(codes(build({ broken }).diagnostics)).toEqual(['unresolved-reference broken.x']);
  });
});
