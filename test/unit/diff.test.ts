import { describe, expect, it } from 'vitest';
import type { Change } from '../../generator/diff/changes.ts';
import { isWidening } from '../../generator/diff/column-types.ts';
import { formatHazard, hazardsOf } from '../../generator/diff/destructive.ts';
import { diff } from '../../generator/diff/diff.ts';
import { ORDER } from '../../generator/diff/order.ts';
import { splitParts } from '../../generator/diff/split.ts';
import type { AnyColumn } from '../../generator/dsl/column.ts';
import type { ConstraintSpec } from '../../generator/dsl/constraints.ts';
import { entity, index, integer, numeric, pgEnum, sql, text, uuid, varchar, type ColumnRef } from '../../generator/dsl/index.ts';
import { evolve } from '../../generator/emit/evolve.ts';
import { renderMigration } from '../../generator/emit/migration.ts';
import { CHANGE_KINDS } from '../../generator/emit/plan-change.ts';
import { makeSnapshot, parseSnapshot, renderSnapshot } from '../../generator/emit/snapshot.ts';
import type { ColumnType, Ir } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import { isNoTransaction } from '../../generator/runtime/migrations.ts';
import { build } from '../support/build-model.ts';
import { caseNames, loadCase, ROOT_DIR } from '../support/diff-case.ts';

const ir = (schema: Record<string, unknown>): Ir => {
  const { ir, diagnostics } = build(schema);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir;
};
const kinds = (changes: readonly Change[]) => changes.map((c) => c.kind);

const users = (columns: Record<string, AnyColumn>, options: { constraints?: (t: Record<string, ColumnRef>) => ConstraintSpec[] } = {}) =>
  ir({ users: entity('users', { id: uuid().primaryKey().defaultRandom(), ...columns }, options as never) });

describe('diff', () => {
  it('is empty between a model and itself (EPIC model, golden models, every golden-diff model)', async () => {
    const models: Ir[] = [(await loadModel(ROOT_DIR)).ir];
    for (const name of caseNames()) {
      const c = await loadCase(name);
      models.push(c.before, c.after);
    }
    for (const m of models) expect(diff(m, m)).toEqual({ changes: [], problems: [] });
  });

  it('every change kind has a planner and a place in the one ordering list', () => {
    for (const kind of CHANGE_KINDS) expect(ORDER.some((p) => p.kind === kind), kind).toBe(true);
    expect(new Set(ORDER.map((p) => p.reason)).has('')).toBe(false);
  });

  it('renames a column only from its renamedFrom hint; without one it drops and adds, and the drop is destructive', () => {
    const before = users({ phone: varchar(30) });
    const renamed = diff(before, users({ mobile: varchar(30).renamedFrom('phone') }));
    expect(renamed).toEqual({ changes: [{ kind: 'renameColumn', table: 'users', from: 'phone', to: 'mobile' }], problems: [] });
    const guessed = diff(before, users({ mobile: varchar(30) }));
    expect(kinds(guessed.changes)).toEqual(['dropColumn', 'addColumn']);
    const [hazard] = hazardsOf(guessed.changes);
    expect(formatHazard(hazard!)).toBe(
      "users.phone: drops column users.phone and its value in every row [drop-column]; fix: if it was renamed, add .renamedFrom('phone') to the new column; or, if that is intended, pass --allow-destructive",
    );
  });

  it('a hint already migrated is ignored; a hint naming nothing is a problem naming the entity', () => {
    const after = users({ mobile: varchar(30).renamedFrom('phone') });
    expect(diff(after, after).changes).toEqual([]);
    const { problems } = diff(users({ phone: varchar(30) }), users({ phone: varchar(30), mobile: varchar(30).renamedFrom('telephone') }));
    expect(problems.map((p) => [p.code, p.path])).toEqual([['rename-source-missing', 'users.mobile']]);
    expect(problems[0]!.message).toContain('users has no column telephone');
    const kept = diff(users({ phone: varchar(30) }), users({ phone: varchar(30), mobile: varchar(30).renamedFrom('phone') }));
    expect(kept.problems.map((p) => p.code)).toEqual(['rename-source-kept']);
    const table = diff(ir({ a: entity('a', { id: uuid().primaryKey() }) }), ir({ b: entity('b', { id: uuid().primaryKey() }, { renamedFrom: 'nope' }) }));
    expect(table.problems.map((p) => [p.code, p.path])).toEqual([['rename-source-missing', 'b']]);
  });

  it('orders removals before renames before creations, and creates before it references', () => {
    const a = entity('a', { id: uuid().primaryKey() });
    const before = ir({ a, b: entity('b', { id: uuid().primaryKey(), a_id: uuid().references(() => a.id) }, { constraints: (t) => [index(t.a_id)] }) });
    const c = entity('c', { id: uuid().primaryKey() });
    const after = ir({ c, d: entity('d', { id: uuid().primaryKey(), x: integer(), c_id: uuid().references(() => c.id) }, { renamedFrom: 'a', constraints: (t) => [index(t.c_id)] }) });
    expect(kinds(diff(before, after).changes)).toEqual([
      'dropForeignKey', 'dropTable', 'renameTable', 'renameConstraint', 'createTable', 'addColumn', 'addColumn', 'createIndex', 'addForeignKey',
    ]);
  });

  it('a rename onto the name of a table or column the model drops is ambiguous: a problem, never a guess', () => {
    const a = entity('a', { id: uuid().primaryKey() });
    const before = ir({ a, b: entity('b', { id: uuid().primaryKey(), a_id: uuid().references(() => a.id) }, { constraints: (t) => [index(t.a_id)] }) });
    const after = ir({ a: entity('a', { id: uuid().primaryKey() }, { renamedFrom: 'b' }) });
    expect(diff(before, after).problems.map((p) => [p.code, p.path])).toEqual([['rename-ambiguous', 'a']]);
    const cols = diff(users({ x: text(), y: text() }), users({ x: text().renamedFrom('y') }));
    expect(cols.problems.map((p) => [p.code, p.path])).toEqual([['rename-ambiguous', 'users.x']]);
  });

  it('a type change drops the old default first and sets the new one after; narrowing is destructive', () => {
    const { changes } = diff(users({ n: integer().default(1) }), users({ n: varchar(10).default('1') }));
    expect(changes.map((c) => (c.kind === 'alterColumnDefault' ? `${c.kind}:${c.to ? 'set' : 'drop'}` : c.kind))).toEqual([
      'alterColumnDefault:drop',
      'alterColumnType',
      'alterColumnDefault:set',
    ]);
    expect(hazardsOf(changes).map((h) => h.code)).toEqual(['narrowing-type']);
  });

  it('NOT NULL on an existing table needs a default or a backfill', () => {
    const before = users({ a: text() });
    expect(hazardsOf(diff(before, users({ a: text(), b: integer().notNull() })).changes).map((h) => h.path)).toEqual(['users.b']);
    expect(hazardsOf(diff(before, users({ a: text(), b: integer().notNull().default(0) })).changes)).toEqual([]);
    expect(hazardsOf(diff(before, users({ a: text(), b: integer().notNull().backfill(sql`0`) })).changes)).toEqual([]);
    expect(hazardsOf(diff(before, users({ a: text().notNull() })).changes).map((h) => h.code)).toEqual(['set-not-null']);
    expect(hazardsOf(diff(before, users({ a: text().notNull().default('x') })).changes)).toEqual([]);
  });

  it('enum values may only be added; removing or reordering is a problem naming the enum', () => {
    const model = (values: string[]) => {
      const e = pgEnum('mood', values);
      return ir({ e, t: entity('t', { id: uuid().primaryKey(), m: e() }) });
    };
    expect(diff(model(['a', 'c']), model(['a', 'b', 'c', 'd'])).changes).toEqual([
      { kind: 'addEnumValue', enum: 'mood', value: 'b', after: 'a', before: null },
      { kind: 'addEnumValue', enum: 'mood', value: 'd', after: 'c', before: null },
    ]);
    expect(diff(model(['a', 'b']), model(['z', 'a', 'b'])).changes).toEqual([{ kind: 'addEnumValue', enum: 'mood', value: 'z', after: null, before: 'a' }]);
    expect(diff(model(['a', 'b']), model(['a'])).problems.map((p) => [p.code, p.path])).toEqual([['enum-value-removed', 'enum mood']]);
    expect(diff(model(['a', 'b']), model(['b', 'a'])).problems.map((p) => [p.code, p.path])).toEqual([['enum-values-reordered', 'enum mood']]);
  });

  it('a changed onDelete is a drop and an add of the foreign key', () => {
    const model = (onDelete: 'cascade' | 'restrict') => {
      const p = entity('p', { id: uuid().primaryKey() });
      return ir({ p, c: entity('c', { id: uuid().primaryKey(), p_id: uuid().references(() => p.id, { onDelete }) }, { constraints: (t) => [index(t.p_id)] }) });
    };
    expect(kinds(diff(model('cascade'), model('restrict')).changes)).toEqual(['dropForeignKey', 'addForeignKey']);
  });
});

describe('column type widening', () => {
  const t = (kind: string, a?: number, b?: number): ColumnType =>
    kind === 'varchar' ? { kind, length: a! } : kind === 'numeric' ? { kind, precision: a ?? null, scale: b ?? null } : ({ kind } as ColumnType);
  it.each([
    [t('varchar', 10), t('varchar', 20), true],
    [t('varchar', 20), t('varchar', 10), false],
    [t('varchar', 20), t('text'), true],
    [t('text'), t('varchar', 20), false],
    [t('integer'), t('bigint'), true],
    [t('bigint'), t('integer'), false],
    [t('integer'), t('numeric', 10, 0), true],
    [t('integer'), t('numeric', 9, 0), false],
    [t('bigint'), t('numeric'), true],
    [t('numeric', 10, 2), t('numeric', 12, 4), true],
    [t('numeric', 10, 2), t('numeric', 12, 1), false],
    [t('numeric', 10, 2), t('numeric', 10, 3), false],
    [t('numeric'), t('numeric', 30, 2), false],
    [t('uuid'), t('text'), true],
    [t('text'), t('uuid'), false],
    [t('integer'), t('text'), false],
  ])('%j -> %j widening: %s', (from, to, widening) => expect(isWidening(from, to)).toBe(widening));
});

describe('splitting a model change into migrations', () => {
  it('new enum values go first, alone, when the same change uses them', async () => {
    const c = await loadCase('enum-add-value-used');
    const parts = splitParts(c.before, c.after, diff(c.before, c.after).changes);
    expect(parts.map((p) => [p.suffix, kinds(p.changes)])).toEqual([
      ['enum_values', ['addEnumValue']],
      [null, ['alterColumnDefault']],
    ]);
    expect(diff(parts[0]!.ir, parts[1]!.ir).changes).toEqual(parts[1]!.changes);
  });

  it('indexes marked concurrently on existing tables go last, in a no-transaction migration', async () => {
    const c = await loadCase('index-concurrently');
    const parts = splitParts(c.before, c.after, diff(c.before, c.after).changes);
    expect(parts.map((p) => [p.suffix, p.noTransaction, kinds(p.changes)])).toEqual([
      [null, false, ['addUnique']],
      ['concurrently', true, ['createIndex', 'createIndex']],
    ]);
    const sql = renderMigration('0003_x_concurrently', parts[1]!.changes, { noTransaction: true });
    expect(isNoTransaction(sql.up) && isNoTransaction(sql.down)).toBe(true);
    expect(sql.up).toContain('CREATE INDEX CONCURRENTLY "tasks_project_id_idx"');
    expect(sql.down).toContain('DROP INDEX CONCURRENTLY "tasks_project_id_idx"');
    expect(isNoTransaction(renderMigration('0002_x', parts[0]!.changes).up)).toBe(false);
  });

  it('a new table gets its concurrently index in the same transaction (it is empty)', () => {
    const t = entity('t', { id: uuid().primaryKey(), n: integer() }, { constraints: (r) => [index(r.n).concurrently()] });
    const after = ir({ t });
    const parts = splitParts(ir({}), after, diff(ir({}), after).changes);
    expect(parts.map((p) => p.suffix)).toEqual([null]);
  });
});

describe('snapshots and pending changes', () => {
  it('hints (backfill, concurrently) are not recorded, so adding one never makes a migration pending', () => {
    const plain = users({ n: integer() }, { constraints: (r) => [index(r.n!)] });
    const hinted = users({ n: integer().backfill(sql`0`) }, { constraints: (r) => [index(r.n!).concurrently()] });
    const snapshot = parseSnapshot(renderSnapshot(makeSnapshot(plain, null)), 'x');
    expect(renderSnapshot(makeSnapshot(hinted, null))).toBe(renderSnapshot(makeSnapshot(plain, null)));
    expect(snapshot.ir).toEqual(plain);
    expect(evolve(hinted, ['0001_initial'], snapshot, { name: 'x' })).toEqual({ files: [], pending: null });
  });

  it('writes NNNN_<name> on top of the latest snapshot, or refuses a destructive change unless allowed', () => {
    const before = users({ a: text(), b: text() });
    const after = users({ a: text() });
    const latest = makeSnapshot(before, 'p');
    const refused = evolve(after, ['0001_initial', '0007_x'], latest, { name: 'drop_b' });
    expect(refused.files).toEqual([]);
    expect(refused.pending?.hazards).toHaveLength(1);
    expect(refused.pending?.changed).toEqual(['users']);
    const written = evolve(after, ['0001_initial', '0007_x'], latest, { name: 'drop_b', allowDestructive: true });
    expect(written.pending?.written).toEqual(['0008_drop_b']);
    expect(written.files.map((f) => f.path)).toEqual(['migrations/0008_drop_b/up.sql', 'migrations/0008_drop_b/down.sql', 'migrations/0008_drop_b/snapshot.json']);
    const snapshot = JSON.parse(written.files[2]!.contents) as { parent: string; id: string };
    expect(snapshot.parent).toBe(latest.id);
    expect(written.files[0]!.contents).toContain('-- DESTRUCTIVE: drops column users.b and its value in every row\nALTER TABLE "users" DROP COLUMN "b";');
    expect(written.files[1]!.contents).toContain('data the up removed is not restored');
  });

  it('numeric precision change is named with both types in the destructive message', () => {
    const { changes } = diff(users({ n: numeric(12, 2) }), users({ n: numeric(8, 2) }));
    expect(hazardsOf(changes).map(formatHazard)[0]).toMatch(/^users\.n: changes users\.n from numeric\(12,2\) to numeric\(8,2\), which can truncate values/);
  });
});
