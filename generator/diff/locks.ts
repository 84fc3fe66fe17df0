import type { ColumnType } from '../ir/types.ts';
import { sqlType } from '../sql/quote.ts';
import type { Change } from './changes.ts';

/**
 * A step that holds a lock on a table that already holds rows for as long as
 * the table's size makes it take: gen prints it when it writes the migration
 * and up.sql carries `-- LOCKS: <effect>` above it. Brief catalog-only locks
 * (renames, drops, defaults, policies, constraints added NOT VALID) are not
 * listed: with the migration's lock_timeout they wait at most that long and
 * hold the lock for a moment.
 */
export interface LockNote {
  /** `table` or `table.column`. */
  readonly path: string;
  /** What waits, and for how long, one clause. */
  readonly effect: string;
  /** What to do about it when the table is large. */
  readonly advice: string;
}

const BLOCKS_ALL = 'ACCESS EXCLUSIVE: reads and writes of';

/**
 * True when PostgreSQL changes the type without touching a row: the same type,
 * varchar growing or becoming text, numeric growing with the same scale or
 * losing its limit (binary-coercible, no rewrite since PostgreSQL 9.2).
 */
export function changesInPlace(from: ColumnType, to: ColumnType): boolean {
  if (sqlType(from) === sqlType(to)) return true;
  // citext and text convert WITHOUT FUNCTION both ways (checked on PostgreSQL 15: the table keeps its file); indexes on the column are rebuilt
  const textual = (t: ColumnType) => t.kind === 'text' || t.kind === 'citext';
  if (textual(to) && (textual(from) || from.kind === 'varchar')) return true;
  if (from.kind === 'varchar') return to.kind === 'varchar' && to.length >= from.length;
  if (from.kind === 'numeric' && to.kind === 'numeric') {
    if (to.precision === null) return true;
    return from.precision !== null && to.precision >= from.precision && (to.scale ?? 0) === (from.scale ?? 0);
  }
  return false;
}

/** The long lock one change holds, or null when it only takes a brief one. `created`: tables this migration creates (empty, so nothing waits). */
export function lockOf(change: Change, created: ReadonlySet<string>): LockNote | null {
  if (!('table' in change) || typeof change.table !== 'string' || created.has(change.table)) return null;
  const t = change.table;
  switch (change.kind) {
    case 'alterColumnType':
      if (changesInPlace(change.from, change.to)) return null;
      return {
        path: `${t}.${change.column}`,
        effect: `rewrites ${t} (${sqlType(change.from)} -> ${sqlType(change.to)} copies every row and rebuilds every index) under ${BLOCKS_ALL} ${t} wait until it is done`,
        advice: `on a large table, add a new column, fill it in batches, then switch to it in a later migration`,
      };
    case 'addColumn': {
      const c = change.column;
      if (c.notNull && c.backfill !== null)
        return {
          path: `${t}.${c.name}`,
          effect: `updates every row of ${t} (the backfill) and then scans it for NULLs under ${BLOCKS_ALL} ${t} wait for the scan; writers of those rows wait for the update`,
          advice: `on a large table, add the column nullable, fill it in batches, then make it NOT NULL in a later migration`,
        };
      if (c.identity !== undefined || c.generated !== undefined)
        return {
          path: `${t}.${c.name}`,
          effect: `rewrites ${t} (${c.identity !== undefined ? 'numbers every row' : 'computes the generated value of every row'}) under ${BLOCKS_ALL} ${t} wait until it is done`,
          advice: `on a large table, expect the table to be unavailable for the copy; schedule it, or build the new table beside it`,
        };
      if (c.default?.kind === 'randomUuid' || c.default?.kind === 'sql')
        return {
          path: `${t}.${c.name}`,
          effect: `rewrites ${t} when the default ${c.default.kind === 'randomUuid' ? 'gen_random_uuid()' : c.default.expr} is volatile (each row gets its own value) under ${BLOCKS_ALL} ${t} wait until it is done`,
          advice: `on a large table, add the column without a default, fill it in batches, then set the default`,
        };
      return null;
    }
    case 'setNotNull':
      return {
        path: `${t}.${change.column}`,
        effect: `${change.backfill !== null || change.default !== null ? 'updates the rows holding NULL, then ' : ''}scans ${t} for NULLs under ${BLOCKS_ALL} ${t} wait for the scan`,
        advice: `on a large table, first add a CHECK (${change.column} IS NOT NULL) constraint (it is validated without blocking), then set NOT NULL`,
      };
    case 'addPrimaryKey':
    case 'addUnique': {
      const cols = change.kind === 'addPrimaryKey' ? change.pk.columns : change.unique.columns;
      return {
        path: `${t}(${cols.join(', ')})`,
        effect: `builds a unique index on ${t} under ${BLOCKS_ALL} ${t} wait until it is built`,
        advice: `on a large table, build a unique index .concurrently() first in its own migration`,
      };
    }
    case 'createIndex':
      if (change.concurrently) return null;
      return {
        path: `${t}(${change.index.columns.map((c) => c.name).join(', ')})`,
        effect: `builds index ${change.index.name} under SHARE: writes to ${t} wait until it is built (reads go on)`,
        advice: `mark the index .concurrently() to build it without blocking writes`,
      };
    default:
      return null;
  }
}

/** Tables a list of changes creates. */
export const createdTables = (changes: readonly Change[]): Set<string> => new Set(changes.flatMap((c) => (c.kind === 'createTable' ? [c.table.name] : [])));

/** `workflows.title: rewrites workflows (...) ...; on a large table, ...` */
export const formatLock = (l: LockNote): string => `${l.path}: ${l.effect}; ${l.advice}`;
