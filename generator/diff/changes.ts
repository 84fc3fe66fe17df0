import type { Column, EnumType, ForeignKey, Index, Table } from '../ir/types.ts';

/**
 * The closed set of schema changes. Each is plain data; `plan-change.ts`
 * turns each into its up and down SQL.
 */
export type Change =
  | { readonly kind: 'createEnum'; readonly enum: EnumType }
  | { readonly kind: 'createUpdatedAtFunction' }
  | { readonly kind: 'createTable'; readonly table: Table }
  | { readonly kind: 'addForeignKey'; readonly table: string; readonly fk: ForeignKey }
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: Index }
  | { readonly kind: 'createUpdatedAtTrigger'; readonly table: string; readonly column: string }
  | { readonly kind: 'commentOn'; readonly target: CommentTarget; readonly comment: string; readonly previous: string | null };

export type CommentTarget =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'column'; readonly table: string; readonly column: string }
  | { readonly kind: 'type'; readonly name: string };

export type ChangeKind = Change['kind'];

/** The one trigger function shared by every `onUpdateNow()` column. */
export const UPDATED_AT_FUNCTION = 'schemagen_set_updated_at';

export const updatedAtColumns = (t: Table): Column[] => t.columns.filter((c) => c.updatedAt);
