import { usedExtensions } from '../ir/extensions.ts';
import { dbRoles } from '../ir/permissions.ts';
import type { Ir } from '../ir/types.ts';
import { sqlType } from '../sql/quote.ts';
import type { Change, FunctionSettings, LibraryFunction } from './changes.ts';

/**
 * Every change that builds `ir` on an empty database, in dependency order:
 * 1. the application role, because grants name it;
 * 2. extensions (citext) and enum types, because columns use them;
 * 3. library functions, because triggers and policies call them (plpgsql
 *    bodies are checked at call time, so they may name tables made later);
 * 4. tables, with primary keys, uniques and checks inline;
 * 5. unique indexes that a foreign key references (the key needs them);
 * 6. foreign keys, after all tables so that order and cycles never matter;
 * 7. the other indexes, 8. triggers;
 * 9. row-level security, then its policies, then grants: a table is never
 *    reachable by the application role before its policies exist;
 * 10. comments.
 */
export function planCreate(ir: Ir): Change[] {
  const changes: Change[] = [];
  for (const role of dbRoles(ir)) changes.push({ kind: 'createRole', role });
  for (const name of usedExtensions(ir)) changes.push({ kind: 'createExtension', name });
  for (const e of ir.enums) changes.push({ kind: 'createEnum', enum: e });
  const settings = functionSettings(ir);
  for (const fn of usedFunctions(ir)) changes.push({ kind: 'createFunction', fn, settings });
  for (const t of ir.tables) changes.push({ kind: 'createTable', table: t });
  const targets = keyIndexes(ir);
  for (const t of ir.tables) for (const index of t.indexes) if (targets.has(index.name)) changes.push({ kind: 'createIndex', table: t.name, index, concurrently: false });
  for (const t of ir.tables) for (const fk of t.foreignKeys) changes.push({ kind: 'addForeignKey', table: t.name, fk });
  for (const t of ir.tables) for (const index of t.indexes) if (!targets.has(index.name)) changes.push({ kind: 'createIndex', table: t.name, index, concurrently: false });
  for (const t of ir.tables) for (const trigger of t.triggers) changes.push({ kind: 'createTrigger', table: t.name, trigger });
  for (const t of ir.tables) if (t.rowLevelSecurity) changes.push({ kind: 'enableRowLevelSecurity', table: t.name });
  for (const t of ir.tables) for (const policy of t.policies) changes.push({ kind: 'createPolicy', table: t.name, policy });
  for (const role of dbRoles(ir)) changes.push({ kind: 'grantSchemaUsage', role: role.name });
  for (const t of ir.tables) for (const grant of t.grants) changes.push({ kind: 'grant', table: t.name, grant });
  for (const e of ir.enums) if (e.comment) changes.push({ kind: 'commentOn', target: { kind: 'type', name: e.name }, comment: e.comment, previous: null });
  for (const t of ir.tables) {
    if (t.comment) changes.push({ kind: 'commentOn', target: { kind: 'table', table: t.name }, comment: t.comment, previous: null });
    for (const c of t.columns)
      if (c.comment) changes.push({ kind: 'commentOn', target: { kind: 'column', table: t.name, column: c.name }, comment: c.comment, previous: null });
  }
  return changes;
}

/** Unique indexes that are the only key a foreign key references (no primary key or unique constraint has its columns). */
function keyIndexes(ir: Ir): Set<string> {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  const names = new Set<string>();
  for (const t of ir.tables)
    for (const fk of t.foreignKeys) {
      const target = ir.tables.find((x) => x.name === fk.refTable);
      if (!target || [target.primaryKey?.columns ?? [], ...target.uniques.map((u) => u.columns)].some((k) => same(k, fk.refColumns))) continue;
      const index = target.indexes.find((i) => i.unique && i.where === null && same(i.columns.map((c) => c.name), fk.refColumns));
      if (index) names.add(index.name);
    }
  return names;
}

/** The library functions the model needs, in a fixed order (the ones others call first). */
export function usedFunctions(ir: Ir): LibraryFunction[] {
  const kinds = new Set<LibraryFunction>(ir.tables.flatMap((t) => t.triggers.map((tr) => tr.kind)));
  if (ir.tenancy !== null || kinds.has('audit') || kinds.has('appendOnly')) kinds.add('maintenance');
  // version 1 wrote audit rows from the trigger function itself
  if (kinds.has('audit') && ir.library >= 2) kinds.add('auditAppend');
  if (kinds.has('auditChain')) kinds.add('auditDigest');
  if (ir.auth && ir.tenancy) kinds.add('role').add('tenantFor').add('begin');
  return (['maintenance', 'auditDigest', 'auditAppend', 'role', 'tenantFor', 'begin', 'updatedAt', 'audit', 'appendOnly', 'auditChain', 'keepRole'] as const).filter((f) => kinds.has(f));
}

export function functionSettings(ir: Ir): FunctionSettings {
  const audit = ir.tables.find((t) => t.name === ir.audit?.table);
  const action = audit?.columns.find((c) => c.name === 'action');
  const users = ir.auth ? ir.tables.find((t) => t.name === ir.auth!.table) : undefined;
  const root = ir.tenancy ? ir.tables.find((t) => t.name === ir.tenancy!.root) : undefined;
  return {
    version: ir.library,
    auditTable: audit?.name ?? null,
    auditActionType: action ? sqlType(action.type) : null,
    tenantKey: ir.tenancy?.key ?? 'organization_id',
    tenantSetting: ir.tenancy?.tenantSetting ?? 'app.organization_id',
    userSetting: ir.tenancy?.userSetting ?? 'app.user_id',
    appRole: ir.tenancy?.appRole ?? null,
    users:
      ir.auth && users
        ? { table: users.name, idColumn: users.primaryKey?.columns[0] ?? 'id', roleColumn: ir.auth.roleColumn, activeColumn: ir.auth.activeColumn, keepOne: ir.auth.keepOne }
        : null,
    root: root ? { table: root.name, key: root.primaryKey?.columns[0] ?? 'id' } : null,
  };
}
