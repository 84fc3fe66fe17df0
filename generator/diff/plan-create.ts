import type { Ir } from '../ir/types.ts';
import { type Change, updatedAtColumns } from './changes.ts';

/**
 * Every change that builds `ir` on an empty database, in dependency order:
 * 1. enum types, because columns use them;
 * 2. the shared trigger function, because triggers use it;
 * 3. tables, with primary keys, uniques and checks inline;
 * 4. foreign keys, after all tables so that order and cycles never matter;
 * 5. indexes, 6. triggers, 7. comments.
 */
export function planCreate(ir: Ir): Change[] {
  const changes: Change[] = ir.enums.map((e) => ({ kind: 'createEnum', enum: e }));
  if (ir.tables.some((t) => updatedAtColumns(t).length > 0)) changes.push({ kind: 'createUpdatedAtFunction' });
  for (const t of ir.tables) changes.push({ kind: 'createTable', table: t });
  for (const t of ir.tables) for (const fk of t.foreignKeys) changes.push({ kind: 'addForeignKey', table: t.name, fk });
  for (const t of ir.tables) for (const index of t.indexes) changes.push({ kind: 'createIndex', table: t.name, index });
  for (const t of ir.tables) for (const c of updatedAtColumns(t)) changes.push({ kind: 'createUpdatedAtTrigger', table: t.name, column: c.name });
  for (const e of ir.enums) if (e.comment) changes.push({ kind: 'commentOn', target: { kind: 'type', name: e.name }, comment: e.comment, previous: null });
  for (const t of ir.tables) {
    if (t.comment) changes.push({ kind: 'commentOn', target: { kind: 'table', table: t.name }, comment: t.comment, previous: null });
    for (const c of t.columns)
      if (c.comment) changes.push({ kind: 'commentOn', target: { kind: 'column', table: t.name, column: c.name }, comment: c.comment, previous: null });
  }
  return changes;
}
