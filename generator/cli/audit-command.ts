import { verifyAuditChain } from '../runtime/audit-chain.ts';
import { UserError } from './errors.ts';
import { loadValidModel, openMigrated, type DbCommandOptions } from './open-migrated.ts';

export interface AuditOptions extends DbCommandOptions {
  readonly heads: boolean;
  readonly out: (line: string) => void;
}

const n = (x: number) => x.toLocaleString('en-US');

/** `gen audit verify`: recomputes the audit chain of every organization; exit 1 naming the first broken links. */
export async function runAuditVerify(o: AuditOptions): Promise<number> {
  const { ir } = await loadValidModel(o, 'audit verify');
  if (!ir.audit?.chain) throw new UserError('the model keeps no audit chain; set defineModel({ audit: { table, chain: true } }) and migrate');
  const { db, where } = await openMigrated(o, 'audit verify');
  try {
    const r = await db.transaction((tx) => verifyAuditChain(tx, ir));
    const unchained = r.unchained > 0 ? ` (${n(r.unchained)} row(s) written before the chain existed are not covered)` : '';
    if (r.breaks.length > 0) {
      o.err(`audit chain of ${r.table} on ${where}: BROKEN in ${new Set(r.breaks.map((b) => b.tenant)).size} organization(s)${unchained}`);
      for (const b of r.breaks) o.err(`  organization ${b.tenant}, seq ${b.seq} (row ${b.id}): ${b.reason}`);
      if (r.breaks.length >= 20) o.err('  (the first 20 breaks)');
      return 1;
    }
    o.out(`audit chain of ${r.table} on ${where}: intact, ${n(r.rows)} row(s) in ${n(r.tenants)} organization(s)${unchained}`);
    for (const t of r.trimmed) o.out(`  organization ${t.tenant} starts at seq ${t.from}: rows before it were removed on the owner's maintenance path`);
    if (o.heads) for (const h of r.heads) o.out(`  head ${h.tenant} seq ${h.seq} ${h.hash}`);
    else if (r.heads.length > 0) o.out('  record the chain heads elsewhere (--heads) to detect a rewrite of a whole chain later');
    return 0;
  } finally {
    await db.close();
  }
}
