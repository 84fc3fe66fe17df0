import { derivedName } from './naming.ts';
import type { Ir, Table, Trigger } from './types.ts';

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Triggers the model implies: `onUpdateNow()` columns, audited entities, append-only entities, the audit chain, the role every organization keeps. */
export function withTriggers(ir: Ir): Ir {
  return { ...ir, tables: ir.tables.map((t) => ({ ...t, triggers: triggersOf(t, ir).sort(byName) })) };
}

function triggersOf(t: Table, ir: Ir): Trigger[] {
  const out: Trigger[] = t.columns
    .filter((c) => c.updatedAt)
    .map((c) => ({ name: derivedName(t.name, ['set', c.name], 'trg'), kind: 'updatedAt', timing: 'before', events: ['update'], level: 'row', args: [c.name], deferred: false }));
  if (t.audited) {
    const tenantColumn = t.tenancy === 'root' ? (t.primaryKey?.columns[0] ?? 'id') : (ir.tenancy?.key ?? 'organization_id');
    const sensitive = t.columns.filter((c) => c.sensitive).map((c) => c.name);
    out.push({
      name: derivedName(t.name, ['audit'], 'trg'),
      kind: 'audit',
      timing: 'after',
      events: ['insert', 'update', 'delete'],
      level: 'row',
      // tenant column, primary key column, columns never written to the log
      args: [tenantColumn, t.primaryKey?.columns[0] ?? 'id', `{${sensitive.join(',')}}`],
      // with a chain, at commit: the organization's chain is then held only while the transaction commits
      deferred: ir.audit?.chain ?? false,
    });
  }
  if (ir.auth?.keepOne && ir.auth.table === t.name)
    out.push({ name: derivedName(t.name, ['keep', ir.auth.keepOne], 'trg'), kind: 'keepRole', timing: 'after', events: ['update', 'delete'], level: 'row', args: [], deferred: false });
  if (ir.audit?.chain && ir.audit.table === t.name)
    out.push({ name: derivedName(t.name, ['chain'], 'trg'), kind: 'auditChain', timing: 'before', events: ['insert'], level: 'row', args: [], deferred: false });
  if (t.appendOnly) {
    out.push(
      { name: derivedName(t.name, ['append_only'], 'trg'), kind: 'appendOnly', timing: 'before', events: ['update', 'delete'], level: 'row', args: [], deferred: false },
      { name: derivedName(t.name, ['no_truncate'], 'trg'), kind: 'appendOnly', timing: 'before', events: ['truncate'], level: 'statement', args: [], deferred: false },
    );
  }
  return out;
}
