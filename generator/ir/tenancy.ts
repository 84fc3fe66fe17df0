import { quoteIdent as q, quoteString } from '../sql/quote.ts';
import { derivedName, uniqueName } from './naming.ts';
import type { ForeignKey, Grant, Ir, Policy, Table, TenancyConfig } from './types.ts';

/** The library function that says whether the owner has opted into maintenance for a table. */
export const MAINTENANCE_FUNCTION = 'schemagen_maintenance';
/** The setting the owner sets (SET LOCAL) to open the maintenance path. */
export const MAINTENANCE_SETTING = 'schemagen.maintenance';

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** `(SELECT nullif(current_setting('app.organization_id', true), '')::uuid)`: evaluated once per statement; an ended SET LOCAL leaves '' behind, which must mean "no tenant". */
export const tenantExpr = (ten: TenancyConfig) => `(SELECT nullif(current_setting(${quoteString(ten.tenantSetting)}, true), '')::uuid)`;

/**
 * Makes tenancy concrete in the IR:
 * - a foreign key from one tenant-scoped table to another also carries the
 *   tenant key, and the parent gets UNIQUE (tenant key, id) for it, so no row
 *   can point at another tenant's row whatever the API does;
 * - root and scoped tables get ENABLE + FORCE row-level security and one
 *   policy per command comparing the tenant key with the tenant setting, plus
 *   the owner's maintenance policy;
 * - every table gets the application role's grants; UPDATE never covers the
 *   primary key, the tenant key or immutable columns.
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
    return { ...t, foreignKeys };
  });

  return {
    ...ir,
    tables: rewritten.map((t) => {
      let uniques = t.uniques;
      for (const cols of parentKeys.get(t.name) ?? [])
        if (!uniques.some((u) => u.columns.join() === cols.join())) uniques = [...uniques, { name: uniqueName(t.name, cols), columns: cols }];
      const secured = t.tenancy === 'root' || hasKey(t);
      return {
        ...t,
        uniques: [...uniques].sort(byName),
        rowLevelSecurity: secured,
        policies: secured ? policiesFor(t, ten) : [],
        grants: grantsFor(t, ten),
      };
    }),
  };
}

function policiesFor(t: Table, ten: TenancyConfig): Policy[] {
  const keyColumn = t.tenancy === 'root' ? (t.primaryKey?.columns[0] ?? 'id') : ten.key;
  const match = `${q(keyColumn)} = ${tenantExpr(ten)}`;
  const maintenance = `(SELECT ${q(MAINTENANCE_FUNCTION)}(${quoteString(t.name)}::regclass))`;
  const name = (suffix: string) => derivedName(t.name, [], suffix);
  const policies: Policy[] = [
    { name: name('tenant_select'), command: 'select', to: 'public', using: match, withCheck: null },
    { name: name('tenant_update'), command: 'update', to: 'public', using: match, withCheck: match },
    { name: name('owner_maintenance'), command: 'all', to: 'owner', using: maintenance, withCheck: maintenance },
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
  const updateColumns = t.privileges.includes('update') ? t.columns.filter((c) => !fixed.has(c.name) && !c.immutable && !c.updatedAt).map((c) => c.name) : null;
  return [{ role: ten.appRole, privileges: t.privileges, updateColumns }];
}
