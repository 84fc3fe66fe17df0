import type { JsonValue } from '../ir/types.ts';

/** A reference to a column of an entity, as `workflows.id` in the model. */
export interface ColumnRef {
  readonly kind: 'columnRef';
  readonly table: string;
  readonly column: string;
}

export const isColumnRef = (v: unknown): v is ColumnRef =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'columnRef';

/**
 * Who is asking, as the database knows it during an API request: `me.id` (the
 * user id from the verified token), `me.role` (that user's role, read from the
 * user row, never from the token) and `me.tenant` (the organization id).
 * Outside a request (the owner's maintenance path) each is NULL.
 */
export interface SessionRef {
  readonly kind: 'session';
  readonly name: 'userId' | 'role' | 'tenant';
}

export const isSessionRef = (v: unknown): v is SessionRef =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'session';

/**
 * The caller, for permission conditions and defaults.
 *
 * @example
 * created_by: uuid().default(sql`${me.id}`)
 * update: { where: sql`${t.created_by} = ${me.id}` }
 */
export const me: { readonly id: SessionRef; readonly role: SessionRef; readonly tenant: SessionRef } = Object.freeze({
  id: Object.freeze({ kind: 'session', name: 'userId' }),
  role: Object.freeze({ kind: 'session', name: 'role' }),
  tenant: Object.freeze({ kind: 'session', name: 'tenant' }),
});

/** A fragment of SQL whose column names are checked by TypeScript. */
export interface SqlExpr {
  readonly kind: 'sql';
  readonly strings: readonly string[];
  readonly values: readonly (ColumnRef | SessionRef | JsonValue)[];
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
export function sql(strings: TemplateStringsArray, ...values: (ColumnRef | SessionRef | JsonValue)[]): SqlExpr {
  return { kind: 'sql', strings: [...strings.raw], values };
}
