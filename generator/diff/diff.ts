import { canonicalJson, jsonEqual } from '../emit/canonical-json.ts';
import type { Column, EnumType, Grant, Ir, Table } from '../ir/types.ts';
import { quoteIdent, sqlType } from '../sql/quote.ts';
import { usedExtensions } from '../ir/extensions.ts';
import { dbRoles } from '../ir/permissions.ts';
import { FUNCTION_DEPENDS, type Change, type FunctionSettings, type LibraryFunction } from './changes.ts';
import { keyed } from './keyed.ts';
import { ordered } from './order.ts';
import { functionSettings, usedFunctions } from './plan-create.ts';
import type { Problem } from './problems.ts';
import { resolveRenames, Rewriter } from './renames.ts';

export interface DiffResult {
  /** In execution order (see `order.ts`). */
  readonly changes: Change[];
  /** Why this change cannot become a migration; with any, `changes` must not be used. */
  readonly problems: Problem[];
}

const same = jsonEqual;
/** An object's definition without its name, to recognise a renamed constraint or index. */
const shape = ({ name: _n, ...rest }: { name: string }) => canonicalJson(rest);
const withoutHint = <T extends { concurrently?: boolean }>({ concurrently: _c, ...rest }: T) => rest;

/**
 * The changes that turn `before` (the latest snapshot) into `after` (the
 * model): one keyed comparison per kind of object (tables by name, columns by
 * name within a table, constraints, indexes, triggers and policies by name,
 * grants by role), after translating `before` through the model's
 * `renamedFrom` hints. An unmatched drop and create stay a drop and a create.
 *
 * @example
 * const { changes, problems } = diff(latestSnapshot.ir, ir);
 */
export function diff(before: Ir, after: Ir): DiffResult {
  const { renames, problems } = resolveRenames(before, after);
  const rw = new Rewriter(renames);
  const out: Change[] = [];
  diffRole(before, after, out);
  diffExtensions(before, after, out);
  diffEnums(before.enums, after.enums, out, problems);
  diffFunctions(before, after, out);
  diffTables(before, after, rw, out);
  return { changes: ordered(out), problems };
}

function diffRole(before: Ir, after: Ir, out: Change[]) {
  const { created, dropped, kept } = keyed(dbRoles(before), dbRoles(after), (r) => r.name, (r) => r.name);
  for (const role of created) out.push({ kind: 'createRole', role }, { kind: 'grantSchemaUsage', role: role.name });
  for (const role of dropped) out.push({ kind: 'revokeSchemaUsage', role: role.name }, { kind: 'dropRole', role });
  for (const [from, to] of kept) if (!same(from, to)) out.push({ kind: 'alterRole', from, to });
}

function diffExtensions(before: Ir, after: Ir, out: Change[]) {
  const was = usedExtensions(before);
  const now = usedExtensions(after);
  for (const name of now) if (!was.includes(name)) out.push({ kind: 'createExtension', name });
  for (const name of was) if (!now.includes(name)) out.push({ kind: 'dropExtension', name });
}

function diffEnums(before: readonly EnumType[], after: readonly EnumType[], out: Change[], problems: Problem[]) {
  const { created, dropped, kept } = keyed(before, after, (e) => e.name, (e) => e.name);
  for (const e of created) {
    out.push({ kind: 'createEnum', enum: e });
    if (e.comment) out.push({ kind: 'commentOn', target: { kind: 'type', name: e.name }, comment: e.comment, previous: null });
  }
  for (const e of dropped) out.push({ kind: 'dropEnum', enum: e });
  for (const [b, a] of kept) {
    const path = `enum ${a.name}`;
    const removed = b.values.filter((v) => !a.values.includes(v));
    if (removed.length > 0) {
      problems.push({
        code: 'enum-value-removed',
        path,
        message: `value(s) ${removed.map((v) => `'${v}'`).join(', ')} removed; PostgreSQL cannot remove a value from an enum type`,
        fix: `keep the value(s) in pgEnum('${a.name}', ...) and stop using them, or add a new enum type and move the columns to it in steps`,
      });
    } else if (!same(a.values.filter((v) => b.values.includes(v)), b.values)) {
      problems.push({
        code: 'enum-values-reordered',
        path,
        message: `values reordered from [${b.values.join(', ')}] to [${a.values.join(', ')}]; PostgreSQL cannot reorder the values of an enum type`,
        fix: `keep the existing values in their order (${b.values.join(', ')}) and add new ones anywhere`,
      });
    } else {
      a.values.forEach((value, i) => {
        if (b.values.includes(value)) return;
        out.push({ kind: 'addEnumValue', enum: a.name, value, after: i > 0 ? a.values[i - 1]! : null, before: i === 0 ? (a.values[1] ?? null) : null });
      });
    }
    if (a.comment !== b.comment) out.push({ kind: 'commentOn', target: { kind: 'type', name: a.name }, comment: a.comment, previous: b.comment });
  }
}

function diffFunctions(before: Ir, after: Ir, out: Change[]) {
  const was = usedFunctions(before);
  const now = usedFunctions(after);
  const from = functionSettings(before);
  const to = functionSettings(after);
  const depends = (fn: LibraryFunction, s: FunctionSettings) => FUNCTION_DEPENDS[fn].map((k) => s[k]);
  for (const fn of now) {
    if (!was.includes(fn)) out.push({ kind: 'createFunction', fn, settings: to });
    else if (!same(depends(fn, from), depends(fn, to))) out.push({ kind: 'replaceFunction', fn, from, to });
  }
  for (const fn of was) if (!now.includes(fn)) out.push({ kind: 'dropFunction', fn, settings: from });
}

/** The changes that create `t` and everything on it (its foreign keys too). */
function createTable(t: Table, out: Change[]) {
  out.push({ kind: 'createTable', table: t });
  for (const fk of t.foreignKeys) out.push({ kind: 'addForeignKey', table: t.name, fk });
  for (const index of t.indexes) out.push({ kind: 'createIndex', table: t.name, index, concurrently: false });
  for (const trigger of t.triggers) out.push({ kind: 'createTrigger', table: t.name, trigger });
  if (t.rowLevelSecurity) out.push({ kind: 'enableRowLevelSecurity', table: t.name });
  for (const policy of t.policies) out.push({ kind: 'createPolicy', table: t.name, policy });
  for (const grant of t.grants) out.push({ kind: 'grant', table: t.name, grant });
  if (t.comment) out.push({ kind: 'commentOn', target: { kind: 'table', table: t.name }, comment: t.comment, previous: null });
  for (const c of t.columns) if (c.comment) out.push({ kind: 'commentOn', target: { kind: 'column', table: t.name, column: c.name }, comment: c.comment, previous: null });
}

/** Whether the table's policies and triggers honour the owner's maintenance path (a backfill UPDATE needs it). */
const usesMaintenance = (t: Table) => t.rowLevelSecurity || t.triggers.some((tr) => tr.kind === 'audit' || tr.kind === 'appendOnly');

interface KeptTable {
  /** As in `before` (names and definitions for removals). */
  readonly orig: Table;
  /** `before` in `after` names, for comparison. */
  readonly was: Table;
  readonly now: Table;
}

function diffTables(before: Ir, after: Ir, rw: Rewriter, out: Change[]) {
  const { created, dropped, kept: pairs } = keyed(before.tables, after.tables, (t) => rw.table(t.name), (t) => t.name);
  for (const t of created) createTable(t, out);
  for (const t of dropped) {
    out.push({ kind: 'dropTable', table: t });
    for (const fk of t.foreignKeys) out.push({ kind: 'dropForeignKey', table: t.name, fk });
  }
  const kept: KeptTable[] = pairs.map(([orig, now]) => ({ orig, was: rw.tableDef(orig), now }));
  const names = beforeNames(before);
  // Columns whose type changes, and keys that are dropped: foreign keys and policies on them are rebuilt around the change.
  const retyped = new Set<string>();
  const droppedKeys = new Set<string>();
  // Generated columns computed anew (dropped and added in one direction or the other): everything on them is rebuilt too.
  const regenerated = new Set<string>();
  for (const k of kept) {
    if (k.orig.name !== k.now.name) out.push({ kind: 'renameTable', from: k.orig.name, to: k.now.name });
    diffColumns(k, out, retyped, regenerated);
    diffConstraints(k, out, names, droppedKeys, regenerated);
  }
  for (const k of kept) diffSecurity(k, out, retyped, droppedKeys, regenerated);
}

function diffColumns({ orig, was, now }: KeptTable, out: Change[], retyped: Set<string>, regenerated: Set<string>) {
  const table = now.name;
  const { created, dropped, kept } = keyed(
    orig.columns.map((c, i) => ({ orig: c, was: was.columns[i]! })),
    now.columns,
    (c) => c.was.name,
    (c) => c.name,
  );
  for (const c of dropped) out.push({ kind: 'dropColumn', table: orig.name, column: c.orig });
  for (const c of created) {
    out.push({ kind: 'addColumn', table, column: c, maintenance: usesMaintenance(orig) });
    if (c.comment) out.push({ kind: 'commentOn', target: { kind: 'column', table, column: c.name }, comment: c.comment, previous: null });
  }
  // a generated column computed from a column that changes type must go first: PostgreSQL refuses that ALTER TYPE
  const typeChanges = new Set(kept.filter(([x, a]) => sqlType(x.was.type) !== sqlType(a.type)).map(([, a]) => a.name));
  const fromRetyped = (expr: string | undefined) => expr !== undefined && [...typeChanges].some((n) => expr.includes(quoteIdent(n)));
  for (const [{ orig: o, was: b }, a] of kept) {
    const wasGenerated = b.generated !== undefined;
    const isGenerated = a.generated !== undefined;
    // computed anew: a new expression, a new type (no USING on a generated column), or a column it uses changes type
    const anew = isGenerated && (!wasGenerated || b.generated !== a.generated || sqlType(b.type) !== sqlType(a.type) || fromRetyped(a.generated));
    if (wasGenerated && (anew || !isGenerated || fromRetyped(b.generated))) {
      regenerated.add(`${table}.${a.name}`);
      retyped.add(`${table}.${a.name}`);
      out.push({ kind: 'ungenerateColumn', table: orig.name, column: o, drop: isGenerated });
    }
    if (anew) {
      regenerated.add(`${table}.${a.name}`);
      retyped.add(`${table}.${a.name}`);
      // the step adds the column with everything it has now: its name, type, NOT NULL and comment included
      out.push({ kind: 'generateColumn', table, column: a, before: b, dropped: wasGenerated });
      continue;
    }
    if (o.name !== a.name) out.push({ kind: 'renameColumn', table, from: o.name, to: a.name });
    const plain = wasGenerated && !isGenerated ? { ...b, generated: undefined } : b;
    alterColumn(table, plain, a, usesMaintenance(orig), out, retyped, now.primaryKey?.columns ?? []);
  }
}

function alterColumn(table: string, b: Column, a: Column, maintenance: boolean, out: Change[], retyped: Set<string>, key: readonly string[]) {
  const column = a.name;
  if (sqlType(b.type) !== sqlType(a.type)) {
    retyped.add(`${table}.${column}`);
    if (b.default) out.push({ kind: 'alterColumnDefault', table, column, type: b.type, from: b.default, to: null });
    out.push({ kind: 'alterColumnType', table, column, from: b.type, to: a.type, key, maintenance });
    if (a.default) out.push({ kind: 'alterColumnDefault', table, column, type: a.type, from: null, to: a.default });
  } else if (!same(b.default, a.default)) {
    out.push({ kind: 'alterColumnDefault', table, column, type: a.type, from: b.default, to: a.default });
  }
  if (!same(b.identity ?? null, a.identity ?? null)) out.push({ kind: 'alterIdentity', table, column, type: a.type, from: b.identity ?? null, to: a.identity ?? null, maintenance });
  if (!b.notNull && a.notNull) out.push({ kind: 'setNotNull', table, column, type: a.type, backfill: a.backfill, default: a.default, maintenance });
  if (b.notNull && !a.notNull) out.push({ kind: 'dropNotNull', table, column });
  if (b.comment !== a.comment) out.push({ kind: 'commentOn', target: { kind: 'column', table, column }, comment: a.comment, previous: b.comment });
}

/** Names `before` gives to relations (tables, indexes, keys) and to constraints per table: a rename must not take one. */
function beforeNames(ir: Ir): Set<string> {
  return new Set([
    ...ir.enums.map((e) => e.name),
    ...ir.tables.flatMap((t) => [
      t.name,
      ...(t.primaryKey ? [t.primaryKey.name] : []),
      ...[...t.uniques, ...t.indexes, ...t.checks, ...t.foreignKeys].map((x) => x.name),
    ]),
  ]);
}

const keyOf = (table: string, columns: readonly string[]) => `${table}|${[...columns].sort().join(',')}`;

function diffConstraints({ orig, was, now }: KeptTable, out: Change[], names: Set<string>, droppedKeys: Set<string>, regenerated: Set<string>) {
  const table = now.name;
  // on a generated column computed anew: dropped before it goes, added after it is back
  const mine = now.columns.filter((c) => regenerated.has(`${table}.${c.name}`)).map((c) => c.name);
  const rebuilt = (x: unknown) => {
    const o = x as { columns?: readonly (string | { name: string })[]; expr?: string; where?: string | null };
    const cols = (o.columns ?? []).map((c) => (typeof c === 'string' ? c : c.name));
    return mine.some((n) => cols.includes(n) || (o.expr ?? o.where ?? '').includes(quoteIdent(n)));
  };
  // a dropped and an added object with the same definition are one renamed object (unless the new name is still taken)
  const renameOr = <T extends { name: string }>(drops: { orig: T; was: T }[], adds: T[], rename: (from: string, to: string) => void, shapeOf: (x: T) => string = shape) => {
    for (const d of [...drops]) {
      const match = adds.find((a) => !names.has(a.name) && shapeOf(a) === shapeOf(d.was));
      if (!match) continue;
      rename(d.orig.name, match.name);
      drops.splice(drops.indexOf(d), 1);
      adds.splice(adds.indexOf(match), 1);
    }
  };
  const renameConstraint = (from: string, to: string) => out.push({ kind: 'renameConstraint', table, from, to });

  // primary key
  const pkChanged = !same(was.primaryKey, now.primaryKey) || (now.primaryKey !== null && rebuilt(now.primaryKey));
  const pkDrops = was.primaryKey && pkChanged ? [{ orig: orig.primaryKey!, was: was.primaryKey }] : [];
  const pkAdds = now.primaryKey && pkChanged ? [now.primaryKey] : [];
  renameOr(pkDrops, pkAdds, renameConstraint);
  for (const d of pkDrops) {
    droppedKeys.add(keyOf(table, d.was.columns));
    out.push({ kind: 'dropPrimaryKey', table: orig.name, pk: d.orig });
  }
  for (const pk of pkAdds) out.push({ kind: 'addPrimaryKey', table, pk });

  const compare = <T extends { name: string }>(o: readonly T[], w: readonly T[], n: readonly T[], eq: (a: T, b: T) => boolean = same, rebuild: (x: T) => boolean = rebuilt) => {
    const r = keyed(o.map((x, i) => ({ orig: x, was: w[i]! })), n, (x) => x.orig.name, (x) => x.name);
    const drops = [...r.dropped];
    const adds = [...r.created];
    for (const [b, a] of r.kept)
      if (!eq(b.was, a) || rebuild(a)) {
        drops.push(b);
        adds.push(a);
      }
    return { drops, adds };
  };

  const uniques = compare(orig.uniques, was.uniques, now.uniques);
  renameOr(uniques.drops, uniques.adds, renameConstraint);
  for (const d of uniques.drops) {
    droppedKeys.add(keyOf(table, d.was.columns));
    out.push({ kind: 'dropUnique', table: orig.name, unique: d.orig });
  }
  for (const unique of uniques.adds) out.push({ kind: 'addUnique', table, unique });

  const checks = compare(orig.checks, was.checks, now.checks);
  renameOr(checks.drops, checks.adds, renameConstraint);
  for (const d of checks.drops) out.push({ kind: 'dropCheck', table: orig.name, check: d.orig });
  for (const check of checks.adds) out.push({ kind: 'addCheck', table, check });

  // foreign keys on a column computed anew are rebuilt with those on retyped columns (diffSecurity)
  const fks = compare(orig.foreignKeys, was.foreignKeys, now.foreignKeys, same, () => false);
  renameOr(fks.drops, fks.adds, renameConstraint);
  for (const d of fks.drops) out.push({ kind: 'dropForeignKey', table: orig.name, fk: d.orig });
  for (const fk of fks.adds) out.push({ kind: 'addForeignKey', table, fk });

  const indexes = compare(orig.indexes, was.indexes, now.indexes, (a, b) => same(withoutHint(a), withoutHint(b)));
  // the `concurrently` hint is not part of an index's shape
  renameOr(indexes.drops, indexes.adds, (from, to) => out.push({ kind: 'renameIndex', table, from, to }), (i) => shape(withoutHint(i)));
  for (const d of indexes.drops) {
    if (d.was.unique && d.was.where === null) droppedKeys.add(keyOf(table, d.was.columns.map((c) => c.name)));
    out.push({ kind: 'dropIndex', table: orig.name, index: d.orig });
  }
  for (const index of indexes.adds) out.push({ kind: 'createIndex', table, index, concurrently: false });
}

/**
 * Foreign keys, triggers, row-level security, policies, grants and the table
 * comment. Runs after every table's columns and keys are compared, because an
 * unchanged foreign key or policy is rebuilt when a key it references is
 * dropped or a column it uses changes type.
 */
function diffSecurity({ orig, was, now }: KeptTable, out: Change[], retyped: Set<string>, droppedKeys: Set<string>, regenerated: Set<string>) {
  const table = now.name;
  const wasFks = new Map(was.foreignKeys.map((fk, i) => [fk.name, { orig: orig.foreignKeys[i]!, was: fk }]));
  for (const fk of now.foreignKeys) {
    const b = wasFks.get(fk.name);
    if (!b || !same(b.was, fk)) continue;
    const touched =
      droppedKeys.has(keyOf(fk.refTable, fk.refColumns)) ||
      fk.columns.some((c) => retyped.has(`${table}.${c}`)) ||
      fk.refColumns.some((c) => retyped.has(`${fk.refTable}.${c}`));
    if (touched) out.push({ kind: 'dropForeignKey', table: orig.name, fk: b.orig }, { kind: 'addForeignKey', table, fk });
  }

  const triggers = keyed(orig.triggers, now.triggers, (t) => t.name, (t) => t.name);
  for (const t of triggers.dropped) out.push({ kind: 'dropTrigger', table: orig.name, trigger: t });
  for (const t of triggers.created) out.push({ kind: 'createTrigger', table, trigger: t });
  for (const [b, a] of triggers.kept) if (!same(b, a)) out.push({ kind: 'dropTrigger', table: orig.name, trigger: b }, { kind: 'createTrigger', table, trigger: a });

  if (was.rowLevelSecurity && !now.rowLevelSecurity) out.push({ kind: 'disableRowLevelSecurity', table: orig.name });
  if (!was.rowLevelSecurity && now.rowLevelSecurity) out.push({ kind: 'enableRowLevelSecurity', table });

  const usesRetyped = (sql: string | null) => sql !== null && now.columns.some((c) => retyped.has(`${table}.${c.name}`) && sql.includes(quoteIdent(c.name)));
  const policies = keyed(orig.policies.map((p, i) => ({ orig: p, was: was.policies[i]! })), now.policies, (p) => p.orig.name, (p) => p.name);
  for (const p of policies.dropped) out.push({ kind: 'dropPolicy', table: orig.name, policy: p.orig });
  for (const p of policies.created) out.push({ kind: 'createPolicy', table, policy: p });
  for (const [b, a] of policies.kept)
    if (!same(b.was, a) || usesRetyped(a.using) || usesRetyped(a.withCheck)) out.push({ kind: 'dropPolicy', table: orig.name, policy: b.orig }, { kind: 'createPolicy', table, policy: a });

  const grants = keyed(orig.grants.map((g, i) => ({ orig: g, was: was.grants[i]! })), now.grants, (g) => g.orig.role, (g) => g.role);
  for (const g of grants.dropped) out.push({ kind: 'revoke', table: orig.name, grant: g.orig });
  for (const g of grants.created) out.push({ kind: 'grant', table, grant: g });
  // a column dropped and added again loses its column grants: granted again
  const regrant = (g: Grant) => [g.selectColumns, g.insertColumns, g.updateColumns].some((cols) => cols?.some((c) => regenerated.has(`${table}.${c}`)));
  for (const [b, a] of grants.kept) if (!same(b.was, a) || regrant(a)) out.push({ kind: 'revoke', table: orig.name, grant: b.orig }, { kind: 'grant', table, grant: a });

  if (was.comment !== now.comment) out.push({ kind: 'commentOn', target: { kind: 'table', table }, comment: now.comment, previous: was.comment });
}
