import { createTenant, deleteTenant, TenantError, tenantContents } from '../runtime/tenants.ts';
import { UserError } from './errors.ts';
import { loadValidModel, openMigrated, type DbCommandOptions } from './open-migrated.ts';

export interface TenantOptions extends DbCommandOptions {
  readonly action: 'create' | 'delete';
  readonly slug: string;
  readonly name?: string;
  readonly adminEmail?: string;
  readonly adminName?: string;
  readonly adminRole?: string;
  /** `--set column=value`, repeatable: other columns of the tenant root. */
  readonly set: readonly string[];
  readonly yes: boolean;
  readonly out: (line: string) => void;
}

const n = (x: number) => x.toLocaleString('en-US');

/** `gen tenant create|delete`: the owner provisions and offboards organizations, audited, in one transaction. */
export async function runTenant(o: TenantOptions): Promise<number> {
  if (o.action === 'create' && !o.adminEmail) throw new UserError('gen tenant create: --admin-email is required (the first admin of the organization)');
  const { ir } = await loadValidModel(o, `tenant ${o.action}`);
  const root = ir.tenancy?.root ?? 'tenant';
  const { db, where } = await openMigrated(o, `tenant ${o.action}`);
  try {
    if (o.action === 'create') {
      const values: Record<string, string> = {};
      if (o.name !== undefined) values.name = o.name;
      for (const pair of o.set) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UserError(`--set ${JSON.stringify(pair)}: expected column=value`);
        values[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const r = await guard(() => db.transaction((tx) => createTenant(tx, ir, { handle: o.slug, values, adminEmail: o.adminEmail!, adminName: o.adminName, adminRole: o.adminRole })));
      o.out(`${root} ${o.slug} (${r.tenantId}) on ${where}: ${r.tenantCreated ? 'created' : 'already there, kept'}`);
      o.out(`  admin ${o.adminEmail!.trim().toLowerCase()} (${r.userId}): ${r.user === 'created' ? 'created' : r.user === 'updated' ? 'given the role and made active' : 'already there, kept'}`);
      if (!r.tenantCreated && r.user === 'exists') o.out('  nothing changed');
      return 0;
    }
    if (!o.yes) {
      const contents = await db.transaction((tx) => guard(() => tenantContents(tx, ir, o.slug)));
      if (!contents) throw new UserError(`no ${root} with ${ir.tenancy?.handle} ${JSON.stringify(o.slug)} on ${where}; nothing to delete`);
      o.out(`gen tenant delete would remove ${root} ${o.slug} (${contents.tenantId}) from ${where} with: ${contents.rows.map((r) => `${r.table} ${n(r.count)}`).join(', ')}; its audit trail stays`);
      throw new UserError('nothing deleted: add --yes to delete it');
    }
    const removed = await db.transaction((tx) => guard(() => deleteTenant(tx, ir, o.slug)));
    if (!removed) throw new UserError(`no ${root} with ${ir.tenancy?.handle} ${JSON.stringify(o.slug)} on ${where}; nothing to delete`);
    o.out(`deleted ${root} ${o.slug} (${removed.tenantId}) from ${where}: ${removed.rows.map((r) => `${r.table} ${n(r.count)}`).join(', ')}; its audit trail stays`);
    return 0;
  } finally {
    await db.close();
  }
}

/** A tenant problem (unknown column, bad role, a row the database refuses) is the user's to fix: one line, exit 1. */
async function guard<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (err) {
    if (err instanceof TenantError) throw new UserError(err.message);
    const e = err as { code?: unknown; message?: string; constraint?: string };
    if (typeof e.code === 'string' && /^(22|23)/.test(e.code))
      throw new UserError(`the database refused it: ${e.message}${e.constraint ? ` (constraint ${e.constraint})` : ''} [SQLSTATE ${e.code}]; nothing was changed`);
    throw err;
  }
}
