import { FUNCTION_NAMES } from '../diff/changes.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import type { Ir, Table } from '../ir/types.ts';
import { quoteIdent as q, quoteString } from '../sql/quote.ts';
import type { Queryable } from './db.ts';

/**
 * Tenant lifecycle on the owner's path (`gen tenant create|delete`): in the caller's transaction, on the
 * maintenance path, so row-level security lets the owner through; each change is written to the audit
 * trail explicitly (the maintenance path is not audited row by row), as a system action (no user).
 */

export class TenantError extends Error {
  override readonly name = 'TenantError';
}

export interface CreateTenant {
  /** The root's handle (`tenancy.handle`, e.g. slug). */
  readonly handle: string;
  /** Other root columns: `name`, and whatever `--set col=value` gives. */
  readonly values: Readonly<Record<string, string>>;
  readonly adminEmail: string;
  readonly adminName?: string;
  /** The role the first user gets; default the role every organization keeps (`keepOne`), else the first role. */
  readonly adminRole?: string;
}

export interface CreatedTenant {
  readonly tenantId: string;
  readonly tenantCreated: boolean;
  readonly userId: string;
  /** `created`, `exists` (already that role and active), or `updated` (given the role, made active). */
  readonly user: 'created' | 'exists' | 'updated';
}

function parts(ir: Ir) {
  const ten = ir.tenancy;
  if (!ten) throw new TenantError('the model has no tenancy: defineModel({ tenancy: { root, key } })');
  const root = ir.tables.find((t) => t.name === ten.root)!;
  if (!ten.handle || !root.columns.some((c) => c.name === ten.handle))
    throw new TenantError(`${root.name} has no column ${ten.handle ?? '(handle)'} to name a tenant by; set defineModel({ tenancy: { handle } }) to a unique column of ${root.name}`);
  const auth = ir.auth;
  const users = auth ? ir.tables.find((t) => t.name === auth.table)! : null;
  return { ten, root, rootKey: root.primaryKey!.columns[0]!, auth, users, handle: ten.handle };
}

const sensitive = (t: Table) => `{${t.columns.filter((c) => c.sensitive).map((c) => c.name).join(',')}}`;

async function rowJson(tx: Queryable, t: Table, key: string, id: string): Promise<string> {
  const { rows } = await tx.query<{ j: string }>(`SELECT (to_jsonb(r) - ${quoteString(sensitive(t))}::text[])::text AS j FROM ${q(t.name)} r WHERE r.${q(key)} = $1`, [id]);
  return rows[0]!.j;
}

async function audit(tx: Queryable, ir: Ir, tenant: string, action: 'insert' | 'update' | 'delete', t: Table, id: string, before: string | null, after: string | null): Promise<void> {
  if (!ir.audit) return;
  await tx.query(`SELECT ${q(FUNCTION_NAMES.auditAppend)}($1::uuid, NULL, $2, $3, $4::uuid, $5::jsonb, $6::jsonb)`, [tenant, action, t.name, id, before, after]);
}

/** Creates the tenant and its first admin, or finds them: running it twice changes nothing the second time. */
export async function createTenant(tx: Queryable, ir: Ir, o: CreateTenant): Promise<CreatedTenant> {
  const { ten, root, rootKey, auth, users, handle } = parts(ir);
  if (!auth || !users) throw new TenantError('the model declares no user entity: defineModel({ users: { entity, role } })');
  const role = o.adminRole ?? auth.keepOne ?? auth.roles[0]!;
  if (!auth.roles.includes(role)) throw new TenantError(`--admin-role ${role}: not a role of the model (${auth.roles.join(', ')})`);
  if (!auth.emailColumn) throw new TenantError(`${users.name} has no e-mail column; set defineModel({ users: { email } })`);
  for (const column of Object.keys(o.values))
    if (!root.columns.some((c) => c.name === column)) throw new TenantError(`${root.name} has no column ${column}; use one of: ${root.columns.map((c) => c.name).join(', ')}`);
  await tx.query(`SELECT set_config(${quoteString(MAINTENANCE_SETTING)}, 'on', true)`);

  const found = await tx.query<{ id: string }>(`SELECT ${q(rootKey)}::text AS id FROM ${q(root.name)} WHERE ${q(handle)} = $1`, [o.handle]);
  let tenantId = found.rows[0]?.id;
  const tenantCreated = tenantId === undefined;
  if (tenantId === undefined) {
    const values = { ...o.values, [handle]: o.handle };
    const cols = Object.keys(values);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO ${q(root.name)} (${cols.map(q).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${q(rootKey)}::text AS id`,
      cols.map((c) => values[c]),
    );
    tenantId = rows[0]!.id;
    await audit(tx, ir, tenantId, 'insert', root, tenantId, null, await rowJson(tx, root, rootKey, tenantId));
  }

  const userKey = users.primaryKey!.columns[0]!;
  const email = o.adminEmail.trim().toLowerCase();
  const existing = await tx.query<{ id: string; role: string; active: boolean }>(
    `SELECT ${q(userKey)}::text AS id, ${q(auth.roleColumn)}::text AS role, ${auth.activeColumn ? q(auth.activeColumn) : 'true'} AS active FROM ${q(users.name)} WHERE ${q(ten.key)} = $1 AND ${q(auth.emailColumn)} = $2`,
    [tenantId, email],
  );
  const had = existing.rows[0];
  if (had && had.role === role && had.active) return { tenantId, tenantCreated, userId: had.id, user: 'exists' };
  if (had) {
    const before = await rowJson(tx, users, userKey, had.id);
    await tx.query(
      `UPDATE ${q(users.name)} SET ${q(auth.roleColumn)} = $2${auth.activeColumn ? `, ${q(auth.activeColumn)} = true` : ''} WHERE ${q(userKey)} = $1`,
      [had.id, role],
    );
    await audit(tx, ir, tenantId, 'update', users, had.id, before, await rowJson(tx, users, userKey, had.id));
    return { tenantId, tenantCreated, userId: had.id, user: 'updated' };
  }
  const cols = [ten.key, auth.emailColumn, auth.roleColumn, ...(auth.nameColumn && users.columns.some((c) => c.name === auth.nameColumn) ? [auth.nameColumn] : [])];
  const vals = [tenantId, email, role, ...(cols.length > 3 ? [o.adminName ?? email] : [])];
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ${q(users.name)} (${cols.map(q).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${q(userKey)}::text AS id`,
    vals,
  );
  const userId = rows[0]!.id;
  await audit(tx, ir, tenantId, 'insert', users, userId, null, await rowJson(tx, users, userKey, userId));
  return { tenantId, tenantCreated, userId, user: 'created' };
}

export interface TenantContents {
  readonly tenantId: string;
  /** Rows per table the deletion removes (the audit trail is kept), tables with none left out. */
  readonly rows: readonly { readonly table: string; readonly count: number }[];
}

/** What deleting the tenant would remove; null when no tenant has that handle. */
export async function tenantContents(tx: Queryable, ir: Ir, handle: string): Promise<TenantContents | null> {
  const { ten, root, rootKey, handle: column } = parts(ir);
  await tx.query(`SELECT set_config(${quoteString(MAINTENANCE_SETTING)}, 'on', true)`);
  const found = await tx.query<{ id: string }>(`SELECT ${q(rootKey)}::text AS id FROM ${q(root.name)} WHERE ${q(column)} = $1`, [handle]);
  const tenantId = found.rows[0]?.id;
  if (!tenantId) return null;
  const out: { table: string; count: number }[] = [{ table: root.name, count: 1 }];
  for (const t of ir.tables) {
    if (t.tenancy !== 'scoped' || t.name === ir.audit?.table) continue;
    const { rows } = await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${q(t.name)} WHERE ${q(ten.key)} = $1`, [tenantId]);
    if (Number(rows[0]!.n) > 0) out.push({ table: t.name, count: Number(rows[0]!.n) });
  }
  return { tenantId, rows: out };
}

/** Deletes the tenant: its rows cascade; its audit trail stays (with one more row recording the deletion). */
export async function deleteTenant(tx: Queryable, ir: Ir, handle: string): Promise<TenantContents | null> {
  const { root, rootKey } = parts(ir);
  const contents = await tenantContents(tx, ir, handle);
  if (!contents) return null;
  const before = await rowJson(tx, root, rootKey, contents.tenantId);
  await tx.query(`DELETE FROM ${q(root.name)} WHERE ${q(rootKey)} = $1`, [contents.tenantId]);
  await audit(tx, ir, contents.tenantId, 'delete', root, contents.tenantId, before, null);
  return contents;
}
