import { createHash } from 'node:crypto';

/** PostgreSQL truncates identifiers at NAMEDATALEN - 1 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * A deterministic derived name (`<table>_<cols>_<suffix>`, PostgreSQL's own
 * convention). Past 63 bytes it keeps a readable prefix and appends a short
 * hash of the full name, so two long names never collide after truncation.
 */
export function derivedName(table: string, columns: readonly string[], suffix: string): string {
  const full = [table, ...columns, suffix].join('_');
  if (byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const room = MAX_IDENTIFIER_BYTES - hash.length - suffix.length - 2;
  return `${full.slice(0, room)}_${hash}_${suffix}`;
}

export const primaryKeyName = (table: string) => derivedName(table, [], 'pkey');
export const uniqueName = (table: string, columns: readonly string[]) => derivedName(table, columns, 'key');
export const foreignKeyName = (table: string, columns: readonly string[]) => derivedName(table, columns, 'fkey');
export const indexName = (table: string, columns: readonly string[]) => derivedName(table, columns, 'idx');
export const checkName = (table: string, column: string) => derivedName(table, [column], 'check');
