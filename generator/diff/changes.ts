import type { EnumType, ForeignKey, Grant, Index, Policy, Table, Trigger, TriggerKind } from '../ir/types.ts';

/** schemagen's own trigger and policy functions, emitted when the model uses them. */
export type LibraryFunction = TriggerKind | 'maintenance';

/**
 * The closed set of schema changes. Each is plain data; `emit/plan-change.ts`
 * turns each into its up and down SQL.
 */
export type Change =
  | { readonly kind: 'createRole'; readonly role: string }
  | { readonly kind: 'grantSchemaUsage'; readonly role: string }
  | { readonly kind: 'createEnum'; readonly enum: EnumType }
  | { readonly kind: 'createFunction'; readonly fn: LibraryFunction; readonly settings: FunctionSettings }
  | { readonly kind: 'createTable'; readonly table: Table }
  | { readonly kind: 'addForeignKey'; readonly table: string; readonly fk: ForeignKey }
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: Index }
  | { readonly kind: 'createTrigger'; readonly table: string; readonly trigger: Trigger }
  | { readonly kind: 'enableRowLevelSecurity'; readonly table: string }
  | { readonly kind: 'createPolicy'; readonly table: string; readonly policy: Policy }
  | { readonly kind: 'grant'; readonly table: string; readonly grant: Grant }
  | { readonly kind: 'commentOn'; readonly target: CommentTarget; readonly comment: string; readonly previous: string | null };

/** What the library functions' bodies name (they are generated per model). */
export interface FunctionSettings {
  readonly auditTable: string | null;
  readonly auditActionType: string | null;
  readonly tenantKey: string;
  readonly userSetting: string;
}

export type CommentTarget =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'column'; readonly table: string; readonly column: string }
  | { readonly kind: 'type'; readonly name: string };

export type ChangeKind = Change['kind'];

export const FUNCTION_NAMES: Record<LibraryFunction, string> = {
  updatedAt: 'schemagen_set_updated_at',
  audit: 'schemagen_audit',
  appendOnly: 'schemagen_refuse_change',
  maintenance: 'schemagen_maintenance',
};

/** Argument types, for DROP FUNCTION. */
export const FUNCTION_ARGS: Record<LibraryFunction, string> = { updatedAt: '', audit: '', appendOnly: '', maintenance: 'regclass' };
