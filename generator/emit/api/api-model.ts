import { FUNCTION_NAMES } from '../../diff/changes.ts';
import { PATH_KINDS, pathKey } from '../../ir/api-keys.ts';
import { databaseFilled, databaseMade, dbRole, serverStamped } from '../../ir/permissions.ts';
import type { Column, ColumnType, Ir, Privilege, Table } from '../../ir/types.ts';
import { quoteIdent as q } from '../../sql/quote.ts';
import { kebab } from './names.ts';
import { castSql, listSql, paramSql, readSql, textSql } from './value-sql.ts';

/**
 * What the generated API knows about the model, as plain data: the runtime
 * reads it (`generated/api/model.ts`) and never builds an identifier itself.
 * Every SQL fragment here is quoted by `quoteIdent`.
 */

export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';
export type ValueKind =
  | 'uuid' | 'text' | 'smallint' | 'integer' | 'bigint' | 'numeric' | 'real' | 'double' | 'boolean' | 'timestamptz' | 'date' | 'time' | 'interval' | 'bytea' | 'jsonb' | 'inet' | 'enum' | 'array';

export interface ApiColumn {
  /** The quoted identifier. */
  readonly sql: string;
  readonly kind: ValueKind;
  readonly nullable: boolean;
  /** varchar(n): n. */
  readonly maxLength: number | null;
  /** Enum values. */
  readonly values: readonly string[] | null;
  /** A parameter of this column's type; `{p}` stands for `$n`, which always receives text (or NULL). */
  readonly param: string;
  /** A list of values for `in`; `{p}` receives a JSON array as text. */
  readonly list: string;
  /** The value as text, carried in a cursor and read back with `param` (never through a JS Date). */
  readonly text: string;
}

/** A NOT NULL foreign key from a child to its parent's key: a child collection, and what a nested create may hold. */
export interface ApiRelation {
  /** The collection's name in a nested body and in `/v1/<parent>/<key>/<path>`. */
  readonly name: string;
  readonly path: string;
  readonly child: string;
  /** The child's columns that point at the parent, in the order of the parent's key (the tenant key left out). */
  readonly columns: readonly string[];
  /** The parent's key columns they point at. */
  readonly parentColumns: readonly string[];
  /** Children may be created inside the parent's create body. */
  readonly nested: boolean;
  /** `GET /v1/<parent>/:id/<path>` lists them. */
  readonly route: boolean;
}

/**
 * What each role may do with a resource (models with roles), by SQL operation: the API refuses with 403
 * what the database would refuse anyway, and says why. `columns`: what the role may write (insert, update);
 * `conditional`: its update or delete is limited to rows matching a condition, so a refused row is 403.
 */
export type ApiAccess = { readonly [O in Privilege]: { readonly [role: string]: { readonly columns: readonly string[] | null; readonly conditional: boolean } } };

export interface ApiResource {
  readonly name: string;
  /** `/v1/assessment-documents` */
  readonly path: string;
  readonly table: string;
  /**
   * The columns that address one row, in primary-key order: the primary key without the tenant key,
   * which the session fixes. One path segment each: `/v1/<resource>/<key 1>/<key 2>`.
   */
  readonly keys: readonly string[];
  /** The path parameter of each key column: `id` for a single key, the column names for a composite one. */
  readonly params: readonly string[];
  /** The tenant key when the rows carry it (tenant-scoped entities); it is set from the token, never from a request. */
  readonly tenantKey: string | null;
  readonly operations: readonly Operation[];
  /** The select list of a response row (sensitive columns left out), each value read as the response schema says. */
  readonly select: string;
  /** The same columns as they are stored (quoted): a list's subquery sorts and limits these before `select` converts the page. */
  readonly raw: string;
  readonly columns: { readonly [name: string]: ApiColumn };
  readonly insertable: readonly string[];
  readonly updatable: readonly string[];
  readonly filterable: readonly string[];
  readonly sortable: readonly string[];
  readonly relations: readonly ApiRelation[];
  /** Null in a model without roles (the application role may do what its grants allow). */
  readonly access: ApiAccess | null;
}

/** `keepRole`: the check that keeps one active holder of a role per organization (409). */
export type ConstraintKind = 'primaryKey' | 'unique' | 'foreignKey' | 'check' | 'keepRole';

/** What an error report may say about a constraint: its table, the client-facing columns, and what a foreign key points at. */
export interface ApiConstraint {
  readonly table: string;
  readonly kind: ConstraintKind;
  readonly fields: readonly string[];
  readonly references: string | null;
}

export interface ApiTenancy {
  /** The role every request acts as (`SET LOCAL ROLE` through `set_config('role', …, true)`). */
  readonly role: string;
  readonly tenantSetting: string;
  readonly userSetting: string;
  /** The JWT claim holding the tenant id; `sub` holds the user id. */
  readonly claim: string;
  /**
   * Models with roles: the function that checks membership and says which database role the user acts
   * as (`schemagen_begin`, quoted), and the model role of each such database role.
   */
  readonly begin: string | null;
  readonly roles: { readonly [dbRole: string]: string } | null;
}

export interface ApiModel {
  readonly tenancy: ApiTenancy | null;
  /** The model's roles, in declaration order; null without roles. */
  readonly roles: readonly string[] | null;
  /** Sorted by name. */
  readonly resources: readonly ApiResource[];
  readonly constraints: { readonly [name: string]: ApiConstraint };
}

export const TENANT_CLAIM = 'org';
export const API_PREFIX = '/v1';
export { pathKey };

/**
 * An entity is served when the model exposes it and a path can address its rows: a primary key of one or
 * more columns besides the tenant key, each of a type a path segment carries.
 */
export function isServed(ir: Ir, t: Table): boolean {
  const key = pathKey(ir, t);
  const kinds = new Map(t.columns.map((c) => [c.name, c.type.kind]));
  return t.api.expose && t.api.operations.length > 0 && key.length > 0 && key.every((c) => PATH_KINDS.has(kinds.get(c)!));
}

export function buildApiModel(ir: Ir): ApiModel {
  const served = ir.tables.filter((t) => isServed(ir, t));
  const enums = new Map(ir.enums.map((e) => [e.name, e.values]));
  const relations = findRelations(ir, served);
  const resources = served.map((t) => resource(ir, t, enums, relations.get(t.name) ?? []));
  const constraints: Record<string, ApiConstraint> = {};
  for (const t of ir.tables) for (const [name, c] of tableConstraints(ir, t)) constraints[name] = c;
  return {
    roles: ir.auth ? [...ir.auth.roles] : null,
    tenancy: ir.tenancy
      ? {
          role: ir.tenancy.appRole,
          tenantSetting: ir.tenancy.tenantSetting,
          userSetting: ir.tenancy.userSetting,
          claim: TENANT_CLAIM,
          begin: ir.auth ? q(FUNCTION_NAMES.begin) : null,
          roles: ir.auth ? Object.fromEntries(ir.auth.roles.map((r) => [dbRole(ir.tenancy!.appRole, r), r])) : null,
        }
      : null,
    resources,
    constraints: Object.fromEntries(Object.entries(constraints).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

function tenantKeyOf(ir: Ir, t: Table): string | null {
  return ir.tenancy && t.tenancy === 'scoped' ? ir.tenancy.key : null;
}

function resource(ir: Ir, t: Table, enums: ReadonlyMap<string, readonly string[]>, relations: readonly ApiRelation[]): ApiResource {
  const keys = pathKey(ir, t);
  const tenantKey = tenantKeyOf(ir, t);
  const grant = ir.tenancy ? t.grants.find((g) => g.role === ir.tenancy!.appRole) : undefined;
  const updateGrant = grant?.updateColumns ?? null;
  const access = ir.auth ? accessOf(t) : null;
  // with roles: what any role may write (each role's own columns are checked per request)
  const anyRole = (op: 'insert' | 'update') => new Set(Object.values(access![op]).flatMap((a) => a.columns ?? []));
  const insertable = t.columns
    .filter((c) =>
      access ? anyRole('insert').has(c.name) : c.name !== tenantKey && !serverStamped(c) && !databaseMade(c) && !(keys.includes(c.name) && databaseFilled(c)),
    )
    .map((c) => c.name);
  const updatable = t.columns
    .filter((c) =>
      access
        ? anyRole('update').has(c.name)
        : !keys.includes(c.name) && c.name !== tenantKey && !c.immutable && !c.updatedAt && !databaseMade(c) && (updateGrant === null || updateGrant.includes(c.name)),
    )
    .map((c) => c.name);
  const ops = operationsOf(ir, t);
  const columns: Record<string, ApiColumn> = {};
  for (const c of t.columns) columns[c.name] = apiColumn(c, enums);
  return {
    name: t.name,
    path: `${API_PREFIX}/${kebab(t.name)}`,
    table: q(t.name),
    keys,
    params: keys.length === 1 ? ['id'] : keys,
    tenantKey,
    operations: (['list', 'get', 'create', 'update', 'delete'] as const).filter((o) => ops.includes(o)),
    select: t.columns.filter((c) => !c.sensitive).map(selectExpression).join(', '),
    raw: t.columns.filter((c) => !c.sensitive).map((c) => q(c.name)).join(', '),
    columns,
    insertable,
    updatable,
    filterable: [...t.api.filterable],
    sortable: [...t.api.sortable],
    relations,
    access,
  };
}

const PRIVILEGE: Record<Operation, Privilege> = { list: 'select', get: 'select', create: 'insert', update: 'update', delete: 'delete' };

/** The entity's API operations that the database lets the application do at all: no route answers only 403. */
const operationsOf = (ir: Ir, t: Table): Operation[] => t.api.operations.filter((o) => !ir.tenancy || t.privileges.includes(PRIVILEGE[o]));

function accessOf(t: Table): ApiAccess {
  const out = { select: {}, insert: {}, update: {}, delete: {} } as Record<Privilege, Record<string, { columns: readonly string[] | null; conditional: boolean }>>;
  for (const p of t.permissions) out[p.operation][p.role] = { columns: p.columns, conditional: p.using !== null || p.withCheck !== null };
  return out;
}

/** How a column is read so that both drivers return the response schema's JSON type (no Date, no lossy int8). */
function selectExpression(c: Column): string {
  const col = q(c.name);
  switch (c.type.kind) {
    case 'timestamptz':
    case 'date':
    case 'array':
      return `to_jsonb(${col}) AS ${col}`;
    case 'bigint':
      return `${col}::text AS ${col}`;
    case 'numeric':
      return `${col}::float8 AS ${col}`;
    default: {
      const read = readSql(col, c.type);
      return read === null ? col : `${read} AS ${col}`;
    }
  }
}

/** The type a text parameter is cast to: base types only (a cast to varchar(n) would truncate silently). */
function castType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return 'text';
    case 'enum':
      return q(type.name);
    case 'array':
      return `${castType(type.of)}[]`;
    default:
      return castSql(type) ?? type.kind;
  }
}

function apiColumn(c: Column, enums: ReadonlyMap<string, readonly string[]>): ApiColumn {
  const cast = castType(c.type);
  const elements = (p: string, type: string) => `ARRAY(SELECT jsonb_array_elements_text(${p}::text::jsonb))::${type}[]`;
  return {
    sql: q(c.name),
    // char(n) and citext are text to the API: the database pads and compares them
    kind: c.type.kind === 'varchar' || c.type.kind === 'char' || c.type.kind === 'citext' ? 'text' : c.type.kind,
    nullable: !c.notNull,
    maxLength: c.type.kind === 'varchar' || c.type.kind === 'char' ? c.type.length : null,
    values: c.type.kind === 'enum' ? [...(enums.get(c.type.name) ?? [])] : null,
    param: c.type.kind === 'array' ? elements('{p}', castType(c.type.of)) : (paramSql(c.type) ?? `{p}::text::${cast}`),
    list: c.type.kind === 'array' || c.type.kind === 'jsonb' ? 'NULL' : (listSql(c.type) ?? elements('{p}', cast)),
    text: textSql(q(c.name), c.type) ?? `${q(c.name)}::text`,
  };
}

/**
 * Parent → child relations from NOT NULL foreign keys to the parent's key (the tenant key left out of
 * composite keys). A relation is nested only when it cannot recurse (no path leads from the child back to
 * the parent) and some role may create both; it has a route when some role may read both.
 */
function findRelations(ir: Ir, served: readonly Table[]): Map<string, ApiRelation[]> {
  const byName = new Map(served.map((t) => [t.name, t]));
  const raw: { parent: string; child: Table; columns: string[]; parentColumns: string[] }[] = [];
  for (const child of served) {
    const tenantKey = tenantKeyOf(ir, child);
    for (const fk of child.foreignKeys) {
      const parent = byName.get(fk.refTable);
      if (!parent || parent.name === child.name) continue;
      const pairs = fk.columns.map((c, i) => [c, fk.refColumns[i]!] as const).filter(([c, r]) => !(c === tenantKey && r === tenantKey));
      if (pairs.some(([c]) => c === tenantKey)) continue;
      if (!pairs.every(([c]) => child.columns.find((x) => x.name === c)?.notNull)) continue;
      // `/v1/<parent>/<key>/<children>` finds the parent by its key, so only a reference to exactly that key makes a relation
      const parentKey = pathKey(ir, parent);
      const to = new Map(pairs.map(([c, r]) => [r, c]));
      if (pairs.length !== parentKey.length || !parentKey.every((k) => to.has(k))) continue;
      raw.push({ parent: parent.name, child, columns: parentKey.map((k) => to.get(k)!), parentColumns: parentKey });
    }
  }
  const edges = new Map<string, Set<string>>();
  for (const r of raw) edges.set(r.parent, (edges.get(r.parent) ?? new Set()).add(r.child.name));
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    seen.add(from);
    return [...(edges.get(from) ?? [])].some((n) => !seen.has(n) && reaches(n, to, seen));
  };
  /** Models with roles: some one role may do `op` on both tables (else each role would get 403 for one of them). */
  const oneRoleMay = (op: Privilege, a: Table, b: Table) =>
    !ir.auth || a.permissions.some((p) => p.operation === op && b.permissions.some((q) => q.operation === op && q.role === p.role));
  const out = new Map<string, ApiRelation[]>();
  const sortKey = (r: (typeof raw)[number]) => `${r.child.name} ${r.columns.join(',')}`;
  for (const r of raw.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))) {
    const twins = raw.filter((o) => o.parent === r.parent && o.child.name === r.child.name).length > 1;
    const name = twins ? `${r.child.name}_by_${r.columns.join('_')}` : r.child.name;
    const parent = byName.get(r.parent)!;
    const parentOps = operationsOf(ir, parent);
    const childOps = operationsOf(ir, r.child);
    const list = out.get(r.parent) ?? [];
    list.push({
      name,
      path: kebab(name),
      child: r.child.name,
      columns: r.columns,
      parentColumns: r.parentColumns,
      // a parent column of the same name would clash with the nested array in the create body
      nested:
        parentOps.includes('create') && childOps.includes('create') && oneRoleMay('insert', parent, r.child) && !reaches(r.child.name, r.parent) && !parent.columns.some((c) => c.name === name),
      route: childOps.includes('list') && parentOps.includes('get') && oneRoleMay('select', parent, r.child),
    });
    out.set(r.parent, list);
  }
  return out;
}

/** Column names of a check's expression: the quoted identifiers of the table that it mentions. */
function checkFields(t: Table, expr: string): string[] {
  return t.columns.filter((c) => expr.includes(q(c.name))).map((c) => c.name);
}

function tableConstraints(ir: Ir, t: Table): [string, ApiConstraint][] {
  const tenantKey = tenantKeyOf(ir, t);
  const visible = (cols: readonly string[]) => {
    const own = cols.filter((c) => c !== tenantKey);
    return own.length > 0 ? own : [...cols];
  };
  const out: [string, ApiConstraint][] = [];
  if (t.primaryKey) out.push([t.primaryKey.name, { table: t.name, kind: 'primaryKey', fields: [...t.primaryKey.columns], references: null }]);
  for (const u of t.uniques) out.push([u.name, { table: t.name, kind: 'unique', fields: visible(u.columns), references: null }]);
  for (const fk of t.foreignKeys) out.push([fk.name, { table: t.name, kind: 'foreignKey', fields: visible(fk.columns), references: fk.refTable }]);
  for (const c of t.checks) out.push([c.name, { table: t.name, kind: 'check', fields: checkFields(t, c.expr), references: null }]);
  for (const i of t.indexes) if (i.unique) out.push([i.name, { table: t.name, kind: 'unique', fields: visible(i.columns.map((c) => c.name)), references: null }]);
  for (const tr of t.triggers)
    if (tr.kind === 'keepRole' && ir.auth?.keepOne) out.push([tr.name, { table: t.name, kind: 'keepRole', fields: [ir.auth.roleColumn], references: ir.auth.keepOne }]);
  return out;
}
