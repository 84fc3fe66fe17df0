import type { ColumnType, Ir } from './types.ts';

/** PostgreSQL extensions a model can need: `citext` for `citext()` columns. */
export type ExtensionName = 'citext';

const uses = (type: ColumnType, kind: ColumnType['kind']): boolean => type.kind === kind || (type.kind === 'array' && uses(type.of, kind));

/** The extensions the model's columns need, sorted by name. */
export function usedExtensions(ir: Pick<Ir, 'tables'>): ExtensionName[] {
  return ir.tables.some((t) => t.columns.some((c) => uses(c.type, 'citext'))) ? ['citext'] : [];
}

/**
 * The comment a migration puts on an extension it created: the database may have had it before (another
 * application's, or made by an administrator), and a down drops only what a migration made.
 */
export const EXTENSION_MARKER = 'created by a schemagen migration, which drops it again when the model stops using it';
