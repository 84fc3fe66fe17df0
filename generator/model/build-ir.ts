import type { AnyColumn } from '../dsl/column.ts';
import type { ConstraintSpec } from '../dsl/constraints.ts';
import { ENTITY, isEntity, type EntityDef } from '../dsl/entity.ts';
import { isEnumFactory } from '../dsl/enum.ts';
import type { Model } from '../dsl/model.ts';
import { isColumnRef, type ColumnRef, type SqlExpr } from '../dsl/sql.ts';
import { literal, quoteIdent } from '../sql/quote.ts';
import { Diagnostics } from '../ir/diagnostics.ts';
import { checkName, foreignKeyName, indexName, primaryKeyName, uniqueName } from '../ir/naming.ts';
import { applyTenancy } from '../ir/tenancy.ts';
import { withTriggers } from '../ir/triggers.ts';
import {
  IR_FORMAT_VERSION,
  type Check,
  type Column,
  type ColumnDefault,
  type EnumType,
  type ForeignKey,
  type Index,
  type Ir,
  type JsonValue,
  type PrimaryKey,
  type Table,
  type Unique,
} from '../ir/types.ts';

/** JSDoc read from the model files (see `read-comments.ts`), keyed `table` / `table.column` / `enum`. */
export interface ModelSourceInfo {
  readonly comments: Readonly<Record<string, string>>;
  /** Table or enum name → the model file declaring it. */
  readonly files: Readonly<Record<string, string>>;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Turns the DSL objects into IR. Problems the DSL cannot express are collected, not thrown. */
export function buildIr(model: Model, info: ModelSourceInfo, diagnostics: Diagnostics): Ir {
  const entities: EntityDef[] = [];
  const enums = new Map<string, EnumType>();
  const addEnum = (e: { name: string; values: readonly string[]; comment: string | null }) => {
    const seen = enums.get(e.name);
    const comment = e.comment ?? info.comments[e.name] ?? null;
    if (!seen) enums.set(e.name, { name: e.name, values: [...e.values], comment });
    else if (seen.values.join('\0') !== e.values.join('\0'))
      diagnostics.error('enum-conflict', e.name, `enum ${e.name} is declared twice with values [${seen.values}] and [${e.values}]`, 'declare it once with pgEnum and reuse the result');
  };
  for (const value of Object.values(model.schema)) {
    if (isEntity(value)) entities.push(value[ENTITY]);
    else if (isEnumFactory(value)) addEnum(value.enumDef);
  }
  const seenEntities = new Set<string>();
  for (const e of entities) {
    if (seenEntities.has(e.name))
      diagnostics.error('duplicate-name', e.name, `two entities are named ${e.name}`, 'rename one of them');
    seenEntities.add(e.name);
    for (const col of Object.values(e.columns)) if (col.state.enumDef) addEnum(col.state.enumDef);
  }
  const tables = entities.map((e) => buildTable(e, info, diagnostics, model.tenancy !== undefined)).sort(byName);
  const tenancy = model.tenancy
    ? {
        root: isEntity(model.tenancy.root) ? model.tenancy.root[ENTITY].name : '',
        key: model.tenancy.key ?? 'organization_id',
        tenantSetting: model.tenancy.tenantSetting ?? 'app.organization_id',
        userSetting: model.tenancy.userSetting ?? 'app.user_id',
        appRole: model.tenancy.appRole ?? 'app_user',
      }
    : null;
  const audit = model.audit && isEntity(model.audit.table) ? { table: model.audit.table[ENTITY].name } : null;
  const ir: Ir = { formatVersion: IR_FORMAT_VERSION, tenancy, audit, enums: [...enums.values()].sort(byName), tables, seeds: [] };
  return applyTenancy(withTriggers(ir));
}

function buildTable(e: EntityDef, info: ModelSourceInfo, d: Diagnostics, tenancyOn: boolean): Table {
  const t = e.name;
  if (tenancyOn && e.options.tenancy === undefined)
    d.error('missing-tenancy', t, 'does not say how it relates to tenants', "add tenancy: 'scoped' (carries the tenant key), 'global' (shared by all tenants) or 'root'");
  const own = (ref: unknown, where: string): string | null => {
    if (!isColumnRef(ref)) {
      d.error('unresolved-reference', `${t}.${where}`, `expected a column of ${t}, found ${describe(ref)}`, `pass a column of this entity, e.g. t.id`);
      return null;
    }
    if (ref.table !== t) {
      d.error('foreign-column', `${t}.${where}`, `uses ${ref.table}.${ref.column}, a column of another entity`, `use a column of ${t}`);
      return null;
    }
    return ref.column;
  };
  const render = (expr: SqlExpr, where: string) => renderExpr(expr, (ref) => own(ref, where));

  const columns: Column[] = [];
  const pkColumns: string[] = [];
  const uniques: Unique[] = [];
  const checks: Check[] = [];
  const foreignKeys: ForeignKey[] = [];
  const indexes: Index[] = [];

  for (const [name, col] of Object.entries(e.columns) as [string, AnyColumn][]) {
    const s = col.state;
    columns.push({
      name,
      type: s.type,
      notNull: s.notNull,
      default: buildDefault(s.default, (x) => render(x, name)),
      comment: s.comment ?? info.comments[`${t}.${name}`] ?? null,
      updatedAt: s.updatedAt,
      sensitive: s.sensitive,
      immutable: s.immutable,
      renamedFrom: s.renamedFrom,
      backfill: s.backfill ? render(s.backfill, name) : null,
    });
    if (s.primaryKey) pkColumns.push(name);
    if (s.unique) uniques.push({ name: uniqueName(t, [name]), columns: [name] });
    if (s.index) indexes.push({ name: indexName(t, [name]), columns: [{ name, order: 'asc' }], unique: false, method: 'btree', where: null, concurrently: false });
    if (s.checks.length > 0) {
      const self: ColumnRef = { kind: 'columnRef', table: t, column: name };
      const parts = s.checks.map((c) => render(c(self), name));
      checks.push({ name: checkName(t, name), expr: parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(' AND ') });
    }
    if (s.references) {
      const target = resolve(s.references.target, `${t}.${name}`, d);
      if (target)
        foreignKeys.push({
          name: foreignKeyName(t, [name]),
          columns: [name],
          refTable: target.table,
          refColumns: [target.column],
          onDelete: s.references.options.onDelete ?? 'noAction',
          onUpdate: s.references.options.onUpdate ?? 'noAction',
          onDeleteSetColumns: null,
        });
    }
  }

  let primaryKey: PrimaryKey | null = pkColumns.length > 0 ? { name: primaryKeyName(t), columns: pkColumns } : null;
  if (pkColumns.length > 1)
    d.error('conflicting-primary-key', t, `columns ${pkColumns.join(', ')} are each marked primaryKey()`, `declare a composite key once: constraints: (t) => [primaryKey(${pkColumns.map((c) => `t.${c}`).join(', ')})]`);

  const specs: ConstraintSpec[] = safeConstraints(e, d);
  for (const c of specs) {
    const cols = (refs: readonly unknown[], where: string) => refs.map((r) => own(r, where)).filter((x): x is string => x !== null);
    switch (c.kind) {
      case 'primaryKey': {
        if (primaryKey) d.error('conflicting-primary-key', t, 'has a column marked primaryKey() and a primaryKey(...) constraint', 'keep one of them');
        primaryKey = { name: primaryKeyName(t), columns: cols(c.columns, 'primaryKey') };
        break;
      }
      case 'unique': {
        const u = cols(c.columns, 'unique');
        uniques.push({ name: c.name ?? uniqueName(t, u), columns: u });
        break;
      }
      case 'check':
        checks.push({ name: c.name, expr: render(c.expr, c.name) });
        break;
      case 'foreignKey': {
        const local = cols(c.columns, 'foreignKey');
        let targets: readonly ColumnRef[] = [];
        try {
          targets = c.references();
        } catch (err) {
          d.error('unresolved-reference', `${t}.${local.join(',')}`, `the foreign key target thunk threw: ${(err as Error).message}`, 'check that the referenced entity is defined and exported');
        }
        const refTable = targets[0]?.table ?? '';
        foreignKeys.push({
          name: c.name ?? foreignKeyName(t, local),
          columns: local,
          refTable,
          refColumns: targets.map((r) => r.column),
          onDelete: c.onDelete,
          onUpdate: c.onUpdate,
          onDeleteSetColumns: null,
        });
        break;
      }
      case 'index': {
        const ic = c.columns.flatMap((x) => {
          const n = own(x.ref, 'index');
          return n === null ? [] : [{ name: n, order: x.order }];
        });
        indexes.push({
          name: c.name ?? indexName(t, ic.map((x) => x.name)),
          columns: ic,
          unique: c.unique,
          method: c.method,
          where: c.predicate ? render(c.predicate, 'index') : null,
          concurrently: c.concurrent ?? false,
        });
        break;
      }
    }
  }

  const o = e.options;
  const appendOnly = o.appendOnly ?? false;
  const tenancy = o.tenancy ?? 'global';
  const privileges = o.privileges ?? (tenancy === 'root' ? ['select', 'update'] : appendOnly ? ['select', 'insert'] : ['select', 'insert', 'update', 'delete']);
  return {
    name: t,
    comment: o.comment ?? info.comments[t] ?? null,
    source: info.files[t] ?? 'model',
    tenancy,
    audited: o.audited ?? false,
    appendOnly,
    renamedFrom: o.renamedFrom ?? null,
    columns,
    primaryKey,
    uniques: uniques.sort(byName),
    checks: checks.sort(byName),
    foreignKeys: foreignKeys.sort(byName),
    indexes: indexes.sort(byName),
    privileges: (['select', 'insert', 'update', 'delete'] as const).filter((p) => privileges.includes(p)),
    rowLevelSecurity: false,
    policies: [],
    grants: [],
    triggers: [],
    api: {
      expose: o.api?.expose ?? true,
      operations: [...(o.api?.operations ?? (appendOnly ? ['list', 'get', 'create'] : ['list', 'get', 'create', 'update', 'delete']))],
      filterable: [...(o.api?.filterable ?? [])],
      sortable: [...(o.api?.sortable ?? [])],
    },
  };
}

function safeConstraints(e: EntityDef, d: Diagnostics): ConstraintSpec[] {
  if (!e.options.constraints) return [];
  const refs: Record<string, ColumnRef> = {};
  for (const column of Object.keys(e.columns)) refs[column] = { kind: 'columnRef', table: e.name, column };
  try {
    return e.options.constraints(refs);
  } catch (err) {
    d.error('unresolved-reference', e.name, `its constraints function threw: ${(err as Error).message}`, 'fix the constraints function of this entity');
    return [];
  }
}

function resolve(thunk: () => ColumnRef, path: string, d: Diagnostics): ColumnRef | null {
  try {
    const ref = thunk();
    if (isColumnRef(ref)) return ref;
    d.error('unresolved-reference', path, `references(() => ...) returned ${describe(ref)}, not a column`, 'return a column of the referenced entity, e.g. () => organizations.id');
  } catch (err) {
    d.error('unresolved-reference', path, `references(() => ...) threw: ${(err as Error).message}`, 'check that the referenced entity is defined and exported');
  }
  return null;
}

function buildDefault(spec: AnyColumn['state']['default'], render: (e: SqlExpr) => string): ColumnDefault | null {
  if (spec === null) return null;
  switch (spec.kind) {
    case 'literal':
      return { kind: 'literal', value: spec.value as JsonValue };
    case 'sql':
      return { kind: 'sql', expr: render(spec.expr) };
    default:
      return { kind: spec.kind };
  }
}

/** Interpolates a `sql` template: columns as quoted identifiers, values as literals. */
export function renderExpr(expr: SqlExpr, column: (ref: ColumnRef) => string | null): string {
  let out = expr.strings[0] ?? '';
  expr.values.forEach((v, i) => {
    out += isColumnRef(v) ? quoteIdent(column(v) ?? v.column) : literal(v);
    out += expr.strings[i + 1] ?? '';
  });
  return out;
}

const describe = (v: unknown): string => (v === undefined ? 'undefined' : v === null ? 'null' : typeof v === 'object' ? 'an object' : typeof v);
