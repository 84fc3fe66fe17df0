import type { AnyColumn } from '../dsl/column.ts';
import type { ConstraintSpec } from '../dsl/constraints.ts';
import { ENTITY, isEntity, type EntityDef } from '../dsl/entity.ts';
import { isEnumFactory } from '../dsl/enum.ts';
import type { Model } from '../dsl/model.ts';
import { OPERATIONS, type PermissionsSpec, type Rule } from '../dsl/permissions.ts';
import { isColumnRef, isSessionRef, isSqlExpr, type ColumnRef, type SessionRef, type SqlExpr } from '../dsl/sql.ts';
import { literal, quoteIdent } from '../sql/quote.ts';
import { Diagnostics } from '../ir/diagnostics.ts';
import { checkName, foreignKeyName, indexName, primaryKeyName, uniqueName } from '../ir/naming.ts';
import { sessionSql, writableColumns } from '../ir/permissions.ts';
import { applyTenancy } from '../ir/tenancy.ts';
import { withTriggers } from '../ir/triggers.ts';
import {
  IR_FORMAT_VERSION,
  LIBRARY_VERSION,
  type AuthConfig,
  type Check,
  type Column,
  type ColumnDefault,
  type EnumType,
  type ForeignKey,
  type Identity,
  type Index,
  type Ir,
  type JsonValue,
  type Permission,
  type PrimaryKey,
  type Privilege,
  type Table,
  type TenancyConfig,
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
  const tenantKey = model.tenancy?.key ?? 'organization_id';
  const tenancy: TenancyConfig | null = model.tenancy
    ? {
        root: isEntity(model.tenancy.root) ? model.tenancy.root[ENTITY].name : '',
        key: tenantKey,
        // follows the key: a model whose key is account_id reads app.account_id
        tenantSetting: model.tenancy.tenantSetting ?? `app.${tenantKey}`,
        userSetting: model.tenancy.userSetting ?? 'app.user_id',
        appRole: model.tenancy.appRole ?? 'app_user',
        handle: model.tenancy.handle ?? 'slug',
      }
    : null;
  const auth = model.users ? buildAuth(model.users, diagnostics) : null;
  const auditTable = model.audit && isEntity(model.audit.table) ? model.audit.table[ENTITY].name : null;
  const ctx: TableContext = { info, d: diagnostics, tenancy, auth, auditTable };
  const tables = entities.map((e) => buildTable(e, ctx)).sort(byName);
  const audit = model.audit && isEntity(model.audit.table) ? { table: model.audit.table[ENTITY].name, chain: model.audit.chain ?? false } : null;
  const ir: Ir = { formatVersion: IR_FORMAT_VERSION, library: LIBRARY_VERSION, tenancy, auth, audit, enums: [...enums.values()].sort(byName), tables, seeds: [] };
  return applyTenancy(withTriggers(ir));
}

interface TableContext {
  readonly info: ModelSourceInfo;
  readonly d: Diagnostics;
  readonly tenancy: TenancyConfig | null;
  readonly auth: AuthConfig | null;
  /** Only its trigger writes the audit table: the application may read it. */
  readonly auditTable: string | null;
}

/** The user entity's settings; its roles are the role column's values (an enum's, or `.oneOf([...])`'s). */
function buildAuth(spec: NonNullable<Model['users']>, d: Diagnostics): AuthConfig | null {
  if (!isEntity(spec.entity)) {
    d.error('users-entity', 'model', 'defineModel({ users: { entity } }) is not an entity', 'pass the exported entity of the people who sign in, e.g. users: { entity: schema.users, role: \'role\' }');
    return null;
  }
  const def = spec.entity[ENTITY];
  const column = (name: string | undefined) => (name !== undefined && name in def.columns ? def.columns[name] : undefined);
  const roleColumn = column(spec.role);
  const roles = roleColumn?.state.enumDef?.values ?? roleColumn?.state.values ?? [];
  if (!roleColumn) d.error('users-entity', `${def.name}.${spec.role}`, `the role column ${spec.role} is not a column of ${def.name}`, `name one of: ${Object.keys(def.columns).join(', ')}`);
  else if (roles.length === 0) d.error('users-entity', `${def.name}.${spec.role}`, 'the role column has no closed set of values, so the model has no roles', "declare it as an enum, or with .oneOf(['admin', 'member'])");
  return {
    table: def.name,
    roleColumn: spec.role,
    activeColumn: spec.active ?? null,
    roles: [...roles],
    keepOne: spec.keepOne ?? null,
    emailColumn: spec.email ?? (column('email') ? 'email' : null),
    nameColumn: spec.name ?? (column('full_name') ? 'full_name' : null),
  };
}

function buildTable(e: EntityDef, ctx: TableContext): Table {
  const { info, d } = ctx;
  const t = e.name;
  if (ctx.tenancy && e.options.tenancy === undefined)
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
  const session = (initPlan: boolean) => (ref: SessionRef) => {
    if (ref.name === 'role' && !ctx.auth) d.error('users-entity', t, 'uses me.role, but the model declares no roles', 'add defineModel({ users: { entity, role } })');
    return sessionSql(ref.name, ctx.tenancy, initPlan);
  };
  const render = (expr: SqlExpr, where: string, initPlan = false) => renderExpr(expr, (ref) => own(ref, where), session(initPlan));
  /** A generated column's expression: only this row's columns, nothing of the session (it must be immutable). */
  const generation = (given: SqlExpr | (() => SqlExpr), column: string): { generated?: string } => {
    const where = `${t}.${column}`;
    let expr: unknown = given;
    try {
      if (typeof given === 'function') expr = given();
    } catch (err) {
      d.error('bad-generated', where, `its generatedAlwaysAs(() => ...) threw: ${(err as Error).message}`, 'check that the thunk names this entity\'s columns, e.g. () => sql`${orders.quantity} * ${orders.price}`');
      return {};
    }
    if (!isSqlExpr(expr)) {
      d.error('bad-generated', where, `generatedAlwaysAs(...) got ${describe(expr)}, not a sql\`...\` expression`, 'pass sql`...` or a thunk returning it');
      return {};
    }
    const sqlText = renderExpr(
      expr,
      (ref) => {
        if (ref.table === t) return ref.column;
        d.error('bad-generated', where, `is computed from ${ref.table}.${ref.column}, a column of another entity`, `a generated column computes from its own row only: use columns of ${t} (a value from another table needs a trigger or a view)`);
        return null;
      },
      (ref) => {
        d.error('bad-generated', where, `is computed from me.${ref.name === 'userId' ? 'id' : ref.name}, which changes with each request`, 'a generated column must be immutable: compute it from the row alone, or use a default');
        return 'NULL';
      },
    );
    // kept even when wrong (gen stops on the errors): what else is wrong with the column is reported too
    return { generated: sqlText };
  };

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
      ...(s.identity ? { identity: buildIdentity(s.identity) } : {}),
      ...(s.generated ? generation(s.generated, name) : {}),
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
  const permissionsGiven = o.permissions !== undefined;
  if (permissionsGiven && o.privileges) d.error('permission-operation', t, 'has both privileges and permissions', 'keep permissions (per role); privileges is for models without roles');
  if (permissionsGiven && !ctx.auth) d.error('users-entity', t, 'has permissions, but the model declares no roles', 'add defineModel({ users: { entity: users, role: \'role\' } }), or use privileges');
  if (!permissionsGiven && ctx.auth)
    d.error('missing-permissions', t, 'does not say what each role may do', `add permissions: { ${ctx.auth.roles[0] ?? 'admin'}: 'all', ... } (roles: ${ctx.auth.roles.join(', ')}); {} lets no role do anything`);
  const isAuditTable = ctx.auditTable === t;
  const privileges = o.privileges ?? (tenancy === 'root' ? ['select', 'update'] : isAuditTable ? ['select'] : appendOnly ? ['select', 'insert'] : ['select', 'insert', 'update', 'delete']);
  const table: Table = {
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
    permissions: [],
    rowLevelSecurity: false,
    policies: [],
    grants: [],
    triggers: [],
    api: {
      expose: o.api?.expose ?? true,
      operations: [...(o.api?.operations ?? (isAuditTable ? ['list', 'get'] : appendOnly ? ['list', 'get', 'create'] : ['list', 'get', 'create', 'update', 'delete']))],
      filterable: [...(o.api?.filterable ?? [])],
      sortable: [...(o.api?.sortable ?? [])],
    },
  };
  if (!permissionsGiven || !ctx.auth) return table;
  const permissions = lowerPermissions(e, table, ctx, (expr, where) => render(expr, where, true), own);
  // with roles, what the application may do is the union of what its roles may
  const ops = new Set(permissions.map((p) => p.operation));
  return { ...table, permissions, privileges: (['select', 'insert', 'update', 'delete'] as const).filter((p) => ops.has(p)) };
}

/** `permissions` as IR: one entry per role and operation, conditions rendered, write columns resolved. */
function lowerPermissions(
  e: EntityDef,
  table: Table,
  ctx: TableContext,
  render: (expr: SqlExpr, where: string) => string,
  own: (ref: unknown, where: string) => string | null,
): Permission[] {
  const t = e.name;
  const d = ctx.d;
  let spec: PermissionsSpec = {};
  try {
    const given = e.options.permissions!;
    spec = typeof given === 'function' ? given(refsOf(e)) : given;
  } catch (err) {
    d.error('unresolved-reference', t, `its permissions function threw: ${(err as Error).message}`, 'fix the permissions function of this entity');
  }
  const tenantKey = table.tenancy === 'scoped' ? (ctx.tenancy?.key ?? null) : null;
  const out: Permission[] = [];
  for (const [role, given] of Object.entries(spec ?? {})) {
    const path = `${t}.permissions.${role}`;
    const rules = new Map<Privilege, Rule>();
    if (given === 'all') for (const op of OPERATIONS) rules.set(op, {});
    else if (given === 'read') rules.set('select', {});
    else if (Array.isArray(given)) {
      for (const op of given as readonly string[]) {
        if ((OPERATIONS as readonly string[]).includes(op)) rules.set(op as Privilege, {});
        else d.error('permission-operation', path, `names operation ${JSON.stringify(op)}`, `use ${OPERATIONS.join(', ')}, 'all' or 'read'`);
      }
    } else if (typeof given === 'object' && given !== null) {
      for (const [op, rule] of Object.entries(given as Record<string, unknown>)) {
        if (!(OPERATIONS as readonly string[]).includes(op)) d.error('permission-operation', path, `names operation ${JSON.stringify(op)}`, `use ${OPERATIONS.join(', ')}`);
        else if (rule === true) rules.set(op as Privilege, {});
        else if (typeof rule === 'object' && rule !== null) rules.set(op as Privilege, rule as Rule);
        else if (rule !== false && rule !== undefined) d.error('permission-operation', `${path}.${op}`, 'is neither true nor a rule { where, check, columns }', 'write true, or a rule');
      }
    } else d.error('permission-operation', path, `is ${JSON.stringify(given)}`, "write 'all', 'read', a list of operations, or { select: true, update: { where, check, columns } }");
    for (const [op, rule] of rules) {
      const where = `${path}.${op}`;
      if (rule.where && op === 'insert') d.error('permission-operation', where, 'has a where condition, but an insert has no existing row to match', 'use check: the condition a new row must satisfy');
      if (rule.check && (op === 'select' || op === 'delete')) d.error('permission-operation', where, `has a check condition, but ${op} writes no row`, 'use where: the rows the role may act on');
      if (rule.columns && (op === 'select' || op === 'delete')) d.error('permission-column', where, `lists columns, but ${op} is granted on whole rows`, 'remove columns');
      let columns: string[] | null = null;
      if (op === 'insert' || op === 'update') {
        if (rule.columns) {
          columns = rule.columns.map((c) => own(c, where)).filter((c): c is string => c !== null);
          const allowed = writableColumns(table, op, tenantKey, true);
          for (const c of columns)
            if (!allowed.includes(c))
              d.error('permission-column', `${t}.${c}`, `is in ${role}'s ${op} columns but is never written on ${op === 'insert' ? 'insert' : 'update'} (tenant key, primary key, generated, immutable or set by trigger)`, `use some of: ${allowed.join(', ')}`);
        } else columns = writableColumns(table, op, tenantKey, false);
      }
      out.push({
        role,
        operation: op,
        using: rule.where ? render(rule.where, where) : null,
        withCheck: rule.check ? render(rule.check, where) : null,
        columns,
      });
    }
  }
  const order = (p: Permission) => `${p.role}\0${OPERATIONS.indexOf(p.operation)}`;
  return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

const refsOf = (e: EntityDef): Record<string, ColumnRef> =>
  Object.fromEntries(Object.keys(e.columns).map((column) => [column, { kind: 'columnRef', table: e.name, column }]));

function safeConstraints(e: EntityDef, d: Diagnostics): ConstraintSpec[] {
  if (!e.options.constraints) return [];
  try {
    return e.options.constraints(refsOf(e));
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

/** Identity options as strings of digits (validate.ts checks them); what is not given stays null. */
function buildIdentity(spec: NonNullable<AnyColumn['state']['identity']>): Identity {
  const o = spec.options;
  const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
  return { generation: spec.generation, start: text(o.start), increment: text(o.increment), minValue: text(o.minValue), maxValue: text(o.maxValue), cache: text(o.cache), cycle: o.cycle === true };
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

/** Interpolates a `sql` template: columns as quoted identifiers, the caller (`me`) as SQL, values as literals. */
export function renderExpr(expr: SqlExpr, column: (ref: ColumnRef) => string | null, session: (ref: SessionRef) => string): string {
  let out = expr.strings[0] ?? '';
  expr.values.forEach((v, i) => {
    out += isColumnRef(v) ? quoteIdent(column(v) ?? v.column) : isSessionRef(v) ? session(v) : literal(v);
    out += expr.strings[i + 1] ?? '';
  });
  return out;
}

const describe = (v: unknown): string => (v === undefined ? 'undefined' : v === null ? 'null' : typeof v === 'object' ? 'an object' : typeof v);
