import { quoteIdent as q, quoteString } from '../sql/quote.ts';
import { derivedName, indexName, uniqueName } from './naming.ts';
import { databaseMade, rolePolicies, roleGrants, tenantExpr } from './permissions.ts';
import type { ForeignKey, Grant, Index, Ir, Policy, Table, TenancyConfig, Unique } from './types.ts';

export { tenantExpr } from './permissions.ts';

/** The library function that says whether the owner has opted into maintenance for a table. */
export const MAINTENANCE_FUNCTION = 'schemagen_maintenance';
/** The setting the owner sets (SET LOCAL) to open the maintenance path. */
export const MAINTENANCE_SETTING = 'schemagen.maintenance';

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Makes tenancy concrete in the IR:
 * - a foreign key from one tenant-scoped table to another also carries the
 *   tenant key, and the parent gets UNIQUE (tenant key, id) for it, so no row
 *   can point at another tenant's row whatever the API does;
 * - every unique key and unique index of a tenant-scoped table includes the
 *   tenant key, so a conflict never tells one tenant what another has;
 * - root and scoped tables get ENABLE + FORCE row-level security and policies
 *   comparing the tenant key with the tenant setting (per role in a model with
 *   roles, where global tables get them too), plus the owner's maintenance policy;
 * - the application role's grants (per role: its database role's); UPDATE
 *   never covers the primary key, the tenant key or immutable columns.
 */
export function applyTenancy(ir: Ir): Ir {
  const ten = ir.tenancy;
  if (!ten) return ir;
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const hasKey = (t: Table | undefined) => t?.tenancy === 'scoped' && t.columns.some((c) => c.name === ten.key);
  const parentKeys = new Map<string, string[][]>();

  const rewritten = ir.tables.map((t) => {
    if (!hasKey(t)) return t;
    const foreignKeys = t.foreignKeys.map((fk): ForeignKey => {
      const parent = tables.get(fk.refTable);
      if (!hasKey(parent) || fk.columns.includes(ten.key) || fk.refColumns.includes(ten.key)) return fk;
      const refColumns = [ten.key, ...fk.refColumns];
      parentKeys.set(fk.refTable, [...(parentKeys.get(fk.refTable) ?? []), refColumns]);
      return { ...fk, columns: [ten.key, ...fk.columns], refColumns, onDeleteSetColumns: fk.onDelete === 'setNull' ? [...fk.columns] : null };
    });
    return { ...t, foreignKeys, uniques: t.uniques.map((u) => tenantUnique(t, u, ten.key)), indexes: t.indexes.map((i) => tenantIndex(t, i, ten.key)) };
  });

  return {
    ...ir,
    tables: rewritten.map((t) => {
      let uniques = t.uniques;
      for (const cols of parentKeys.get(t.name) ?? [])
        if (!uniques.some((u) => u.columns.join() === cols.join())) uniques = [...uniques, { name: uniqueName(t.name, cols), columns: cols }];
      const secured = t.tenancy === 'root' || hasKey(t) || ir.auth !== null;
      return {
        ...t,
        uniques: [...uniques].sort(byName),
        indexes: [...t.indexes].sort(byName),
        rowLevelSecurity: secured,
        policies: !secured ? [] : ir.auth ? [...rolePolicies(t, ten, ir.auth), maintenancePolicy(t)].sort(byName) : policiesFor(t, ten),
        grants: ir.auth ? roleGrants(t, ten, ir.auth) : grantsFor(t, ten),
      };
    }),
  };
}

/** A unique key of a scoped table without the tenant key gets it first (a derived name follows its columns). */
function tenantUnique(t: Table, u: Unique, key: string): Unique {
  if (u.columns.includes(key)) return u;
  const columns = [key, ...u.columns];
  return { name: u.name === uniqueName(t.name, u.columns) ? uniqueName(t.name, columns) : u.name, columns };
}

function tenantIndex(t: Table, i: Index, key: string): Index {
  if (!i.unique || i.columns.some((c) => c.name === key)) return i;
  const columns = [{ name: key, order: 'asc' as const }, ...i.columns];
  const derived = i.name === indexName(t.name, i.columns.map((c) => c.name));
  return { ...i, name: derived ? indexName(t.name, columns.map((c) => c.name)) : i.name, columns };
}

/** Open to the migrating role (the owner) only, and only on the maintenance path. */
function maintenancePolicy(t: Table): Policy {
  const maintenance = `(SELECT ${q(MAINTENANCE_FUNCTION)}(${quoteString(t.name)}::regclass))`;
  return { name: derivedName(t.name, [], 'owner_maintenance'), command: 'all', to: 'owner', using: maintenance, withCheck: maintenance };
}

function policiesFor(t: Table, ten: TenancyConfig): Policy[] {
  const keyColumn = t.tenancy === 'root' ? (t.primaryKey?.columns[0] ?? 'id') : ten.key;
  const match = `${q(keyColumn)} = ${tenantExpr(ten)}`;
  const name = (suffix: string) => derivedName(t.name, [], suffix);
  const policies: Policy[] = [
    { name: name('tenant_select'), command: 'select', to: 'public', using: match, withCheck: null },
    { name: name('tenant_update'), command: 'update', to: 'public', using: match, withCheck: match },
    maintenancePolicy(t),
  ];
  if (t.tenancy === 'scoped')
    policies.push(
      { name: name('tenant_insert'), command: 'insert', to: 'public', using: null, withCheck: match },
      { name: name('tenant_delete'), command: 'delete', to: 'public', using: match, withCheck: null },
    );
  return policies.sort(byName);
}

function grantsFor(t: Table, ten: TenancyConfig): Grant[] {
  if (t.privileges.length === 0) return [];
  const fixed = new Set([...(t.primaryKey?.columns ?? []), ten.key]);
  const updateColumns = t.privileges.includes('update') ? t.columns.filter((c) => !fixed.has(c.name) && !c.immutable && !c.updatedAt && !databaseMade(c)).map((c) => c.name) : null;
  return [{ role: ten.appRole, privileges: t.privileges, updateColumns, insertColumns: null, selectColumns: null }];
}
