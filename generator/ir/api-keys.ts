import type { ColumnType, Ir, Table } from './types.ts';

/** Key columns a path segment can carry: text that casts back to the column exactly (and a cursor can hold). */
export const PATH_KINDS: ReadonlySet<ColumnType['kind']> = new Set(['uuid', 'text', 'varchar', 'integer', 'bigint', 'numeric', 'boolean', 'timestamptz', 'date', 'inet', 'enum']);

/** The columns that address one row in the API: the primary key without the tenant key (the session fixes it). */
export function pathKey(ir: Ir, t: Table): string[] {
  const tenantKey = ir.tenancy && t.tenancy === 'scoped' ? ir.tenancy.key : null;
  return (t.primaryKey?.columns ?? []).filter((c) => c !== tenantKey);
}

/** Why an exposed entity gets no API routes, or null when it is served (or not exposed). */
export function unservedReason(ir: Ir, t: Table): string | null {
  if (!t.api.expose || t.api.operations.length === 0 || !t.primaryKey) return null;
  const key = pathKey(ir, t);
  if (key.length === 0) return `its primary key is only the tenant key ${ir.tenancy?.key}, so no path can name one of its rows`;
  const types = new Map(t.columns.map((c) => [c.name, c.type.kind]));
  const bad = key.filter((c) => types.has(c) && !PATH_KINDS.has(types.get(c)!));
  if (bad.length > 0) return `its key column ${bad.map((c) => `${c} (${types.get(c)})`).join(', ')} cannot be a path segment (kinds that can: ${[...PATH_KINDS].join(', ')})`;
  return null;
}
