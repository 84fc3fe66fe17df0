import type { JsonValue } from '../ir/types.ts';

/** A reference to a column of an entity, as `workflows.id` in the model. */
export interface ColumnRef {
  readonly kind: 'columnRef';
  readonly table: string;
  readonly column: string;
}

export const isColumnRef = (v: unknown): v is ColumnRef =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'columnRef';

/** A fragment of SQL whose column names are checked by TypeScript. */
export interface SqlExpr {
  readonly kind: 'sql';
  readonly strings: readonly string[];
  readonly values: readonly (ColumnRef | JsonValue)[];
}

export const isSqlExpr = (v: unknown): v is SqlExpr =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'sql' && Array.isArray((v as { strings?: unknown }).strings);

/**
 * SQL with interpolated columns and values: columns become quoted identifiers,
 * values become escaped literals, never raw text.
 *
 * @example
 * check('position_non_negative', sql`${t.position} >= 0`)
 */
export function sql(strings: TemplateStringsArray, ...values: (ColumnRef | JsonValue)[]): SqlExpr {
  return { kind: 'sql', strings: [...strings.raw], values };
}
