import type { Ir } from '../ir/types.ts';
import type { Change } from './changes.ts';
import { diff } from './diff.ts';

/** One migration of a model change, and the model as it leaves it (its snapshot). */
export interface MigrationPart {
  /** Appended to the migration's slug: null for the main part. */
  readonly suffix: 'enum_values' | 'concurrently' | null;
  readonly changes: readonly Change[];
  readonly ir: Ir;
  /** Run outside a transaction (CREATE / DROP INDEX CONCURRENTLY). */
  readonly noTransaction: boolean;
}

/**
 * One model change becomes up to three migrations, in this order:
 * 1. `_enum_values`: new enum values alone, because PostgreSQL refuses to use
 *    a value in the transaction that added it (a default, a row, a check);
 * 2. the main migration;
 * 3. `_concurrently`: indexes the model marks `.concurrently()` that are added
 *    to existing tables, alone in a no-transaction migration.
 * Each part is a plain diff between two states of the model, so each has its
 * own snapshot and the chain of parents stays linear.
 */
export function splitParts(before: Ir, after: Ir, changes: readonly Change[]): MigrationPart[] {
  const parts: MigrationPart[] = [];
  let from = before;
  const valueChanges = changes.filter((c) => c.kind === 'addEnumValue');
  if (valueChanges.length > 0 && valueChanges.length < changes.length) {
    const grown = new Set(valueChanges.map((c) => c.enum));
    const next: Ir = { ...before, enums: before.enums.map((e) => (grown.has(e.name) ? { ...e, values: after.enums.find((a) => a.name === e.name)!.values } : e)) };
    parts.push({ suffix: 'enum_values', changes: valueChanges, ir: next, noTransaction: false });
    from = next;
  }
  const main = from === before ? changes : diff(from, after).changes;
  const createdTables = new Set(main.flatMap((c) => (c.kind === 'createTable' ? [c.table.name] : [])));
  const concurrent = main.filter((c) => c.kind === 'createIndex' && c.index.concurrently && !createdTables.has(c.table));
  if (concurrent.length === 0) return [...parts, { suffix: null, changes: main, ir: after, noTransaction: false }];

  const late = new Set(concurrent.map((c) => (c.kind === 'createIndex' ? c.index.name : '')));
  const without: Ir = { ...after, tables: after.tables.map((t) => ({ ...t, indexes: t.indexes.filter((i) => !late.has(i.name)) })) };
  const rest = main.filter((c) => !concurrent.includes(c));
  if (rest.length > 0) parts.push({ suffix: null, changes: rest, ir: without, noTransaction: false });
  parts.push({
    suffix: 'concurrently',
    changes: concurrent.map((c) => (c.kind === 'createIndex' ? { ...c, concurrently: true } : c)),
    ir: after,
    noTransaction: true,
  });
  return parts;
}
