import { quoteIdent as q, quoteString } from '../sql/quote.ts';
import { derivedName } from './naming.ts';
import type { AuthConfig, Column, Grant, Ir, Permission, Policy, Privilege, Table, TenancyConfig } from './types.ts';

/** The library function returning the caller's role, read from the user row (see `function-role.hbs`). */
export const ROLE_FUNCTION = 'schemagen_role';
/** The library function returning the request's tenant when the caller's role is in a list (see `function-tenant-for.hbs`). */
export const TENANT_FOR_FUNCTION = 'schemagen_tenant_for';

/** `(SELECT nullif(current_setting('app.organization_id', true), '')::uuid)`: evaluated once per statement; an ended SET LOCAL leaves '' behind, which must mean "no tenant". */
export const tenantExpr = (ten: TenancyConfig) => `(SELECT ${settingUuid(ten.tenantSetting)})`;

const settingUuid = (setting: string) => `nullif(current_setting(${quoteString(setting)}, true), '')::uuid`;

export type SessionName = 'userId' | 'role' | 'tenant';

/**
 * The caller as SQL (`me.id`, `me.role`, `me.tenant` in the model). In a policy (`initPlan`) each is a
 * sub-select, evaluated once per statement; a default or a check cannot hold a sub-select.
 */
export function sessionSql(name: SessionName, ten: TenancyConfig | null, initPlan: boolean): string {
  const expr =
    name === 'role' ? `${q(ROLE_FUNCTION)}()` : settingUuid(name === 'userId' ? (ten?.userSetting ?? 'app.user_id') : (ten?.tenantSetting ?? 'app.organization_id'));
  return initPlan ? `(SELECT ${expr})` : expr;
}

/** The database role a role of the model acts as: `app_user_admin`. */
export const dbRole = (appRole: string, role: string) => `${appRole}_${role}`;

/**
 * A database role the model needs. The application role is the one an API login is granted; with roles
 * it is NOINHERIT (it holds no privilege itself) and a member of one role per role of the model, which
 * its members may SET ROLE to: `grantedTo` is that application role.
 */
export interface DbRole {
  readonly name: string;
  readonly inherit: boolean;
  readonly grantedTo: string | null;
}

/** Every database role the model needs, the application role first. */
export function dbRoles(ir: Pick<Ir, 'tenancy' | 'auth'>): DbRole[] {
  if (!ir.tenancy) return [];
  const app = ir.tenancy.appRole;
  const roles = ir.auth?.roles ?? [];
  return [{ name: app, inherit: roles.length === 0, grantedTo: null }, ...roles.map((r) => ({ name: dbRole(app, r), inherit: true, grantedTo: app }))];
}

/** The two-key advisory lock class of per-organization critical sections (audit chain, last role holder). */
export const TENANT_LOCK_CLASS = 1397181515;

/** Columns only the database writes: generated columns and GENERATED ALWAYS identity columns (an insert or update naming one fails). */
export const databaseMade = (c: Column): boolean => c.generated !== undefined || c.identity?.generation === 'always';

/** The database fills the column when an insert leaves it out: a default, an identity or its generation expression. */
export const databaseFilled = (c: Column): boolean => c.default !== null || c.identity !== undefined || c.generated !== undefined;

/** Server-stamped columns a client never sends: `updated_at`, and an immutable creation time. */
export const serverStamped = (c: Column) => c.updatedAt || (c.immutable && c.default?.kind === 'now');

/**
 * The columns a role may write with `operation` (insert or update): never the tenant key (set from the
 * request), the primary key of an update or a generated primary key on insert (clients never choose ids
 * the database makes: a collision would tell them another tenant's key exists), columns only the database
 * writes (generated, GENERATED ALWAYS identity), server-stamped or immutable columns on update. `sensitive` columns
 * only when a permission lists them.
 */
export function writableColumns(t: Table, operation: 'insert' | 'update', tenantKey: string | null, withSensitive: boolean): string[] {
  const pk = t.primaryKey?.columns ?? [];
  return t.columns
    .filter((c) => c.name !== tenantKey && (withSensitive || !c.sensitive) && !databaseMade(c))
    .filter((c) =>
      operation === 'insert'
        ? !serverStamped(c) && !(pk.includes(c.name) && databaseFilled(c))
        : !pk.includes(c.name) && !c.immutable && !c.updatedAt,
    )
    .map((c) => c.name);
}

const and = (...parts: (string | null)[]) => {
  const present = parts.filter((p): p is string => p !== null && p !== '');
  return present.length === 0 ? null : present.map((p) => (present.length > 1 && / OR /i.test(p) ? `(${p})` : p)).join(' AND ');
};

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Row-level security for a model with roles: per operation, one policy per distinct rule, `TO` the
 * database roles of the model roles that have it. Each compares the tenant key with
 * `schemagen_tenant_for(<its roles>)`: the request's tenant when `schemagen_role()` (the role the user
 * row holds, and only when the request acts as that role's database role) is one of them, else NULL.
 * One equality, estimated and indexed like `tenant_key = $1`; then the rule's own condition.
 */
export function rolePolicies(t: Table, ten: TenancyConfig, auth: AuthConfig): Policy[] {
  const keyColumn = t.tenancy === 'root' ? (t.primaryKey?.columns[0] ?? 'id') : t.tenancy === 'scoped' ? ten.key : null;
  const role = sessionSql('role', ten, true);
  const out: Policy[] = [];
  for (const op of ['select', 'insert', 'update', 'delete'] as const) {
    const groups = new Map<string, { roles: string[]; p: Permission }>();
    for (const p of t.permissions.filter((x) => x.operation === op)) {
      const key = JSON.stringify([p.using, p.withCheck]);
      const g = groups.get(key);
      if (g) g.roles.push(p.role);
      else groups.set(key, { roles: [p.role], p });
    }
    for (const { roles, p } of groups.values()) {
      const sorted = auth.roles.filter((r) => roles.includes(r));
      const list = `ARRAY[${sorted.map(quoteString).join(', ')}]`;
      // global tables have no tenant key: the role alone
      const who = keyColumn ? `${q(keyColumn)} = (SELECT ${q(TENANT_FOR_FUNCTION)}(${list}))` : `${role} = ANY (${list})`;
      const using = op === 'insert' ? null : and(who, p.using);
      const withCheck = op === 'insert' || op === 'update' ? and(who, p.withCheck ?? (op === 'update' ? p.using : null)) : null;
      out.push({
        name: derivedName(t.name, groups.size === 1 ? [op] : [op, sorted[0]!], 'policy'),
        command: op,
        to: sorted.map((r) => dbRole(ten.appRole, r)),
        using,
        withCheck,
      });
    }
  }
  return out.sort(byName);
}

/**
 * Grants for a model with roles: each role's database role gets exactly its operations, INSERT and
 * UPDATE column by column, and SELECT on every column but the sensitive ones (the API never reads them,
 * and now cannot).
 */
export function roleGrants(t: Table, ten: TenancyConfig, auth: AuthConfig): Grant[] {
  const tenantKey = t.tenancy === 'scoped' ? ten.key : null;
  const sensitive = t.columns.some((c) => c.sensitive);
  const out: Grant[] = [];
  for (const role of [...auth.roles].sort()) {
    const mine = t.permissions.filter((p) => p.role === role);
    if (mine.length === 0) continue;
    const of = (op: Privilege) => mine.find((p) => p.operation === op);
    const insert = of('insert');
    const update = of('update');
    out.push({
      role: dbRole(ten.appRole, role),
      privileges: (['select', 'insert', 'update', 'delete'] as const).filter((op) => of(op)),
      selectColumns: of('select') && sensitive ? t.columns.filter((c) => !c.sensitive).map((c) => c.name) : null,
      insertColumns: insert ? [...(tenantKey ? [tenantKey] : []), ...(insert.columns ?? [])] : null,
      updateColumns: update ? [...(update.columns ?? [])] : null,
    });
  }
  return out;
}
