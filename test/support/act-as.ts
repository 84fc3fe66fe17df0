import { FUNCTION_NAMES } from '../../generator/diff/changes.ts';
import { dbRole } from '../../generator/ir/permissions.ts';
import type { Ir } from '../../generator/ir/types.ts';
import type { Queryable } from '../../generator/runtime/db.ts';
import { quoteIdent as q } from '../../generator/sql/quote.ts';

/**
 * Acts as the API does for `org` and `user` until the transaction ends: the tenant and user settings, then,
 * in a model with roles, the database role the database itself names for that user (`schemagen_begin`:
 * the user must be an active member of `org`). Without a user (or without roles), as `fallbackRole`'s
 * database role (default: the model's first role), or the application role: a request with no identity.
 */
export async function actAs(tx: Queryable, ir: Ir, org: string | null, user: string | null = null, fallbackRole?: string): Promise<string> {
  const ten = ir.tenancy!;
  await tx.query(`select set_config($1, $2, true), set_config($3, $4, true), set_config('schemagen.maintenance', 'off', true)`, [ten.tenantSetting, org ?? '', ten.userSetting, user ?? '']);
  if (ir.auth && org && user) {
    const { rows } = await tx.query<{ role: string }>(`select set_config('role', ${q(FUNCTION_NAMES.begin)}($1::uuid, $2::uuid), true) as role`, [org, user]);
    return rows[0]!.role;
  }
  const role = ir.auth ? dbRole(ten.appRole, fallbackRole ?? ir.auth.roles[0]!) : ten.appRole;
  await tx.exec(`set local role ${q(role)}`);
  return role;
}

/** An active user of `role` in `org`, inserted as the owner (the maintenance path); its id. */
export async function addUser(tx: Queryable, ir: Ir, org: string, role: string, email = `${role}-${crypto.randomUUID().slice(0, 8)}@example.com`): Promise<string> {
  const auth = ir.auth!;
  const { rows } = await tx.query<{ id: string }>(
    `insert into ${q(auth.table)} (${q(ir.tenancy!.key)}, ${q(auth.emailColumn ?? 'email')}, ${q(auth.nameColumn ?? 'full_name')}, ${q(auth.roleColumn)}) values ($1, $2, $3, $4) returning id::text as id`,
    [org, email, `A ${role}`, role],
  );
  return rows[0]!.id;
}
