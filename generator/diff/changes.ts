import type { ExtensionName } from '../ir/extensions.ts';
import { ROLE_FUNCTION, TENANT_FOR_FUNCTION, type DbRole } from '../ir/permissions.ts';
import { MAINTENANCE_FUNCTION } from '../ir/tenancy.ts';
import type { Check, Column, ColumnDefault, ColumnType, EnumType, ForeignKey, Grant, Identity, Index, Policy, PrimaryKey, Table, Trigger, TriggerKind, Unique } from '../ir/types.ts';

/**
 * schemagen's own functions, emitted when the model uses them: trigger functions (named by trigger
 * kind), the maintenance check of the owner's policies, the caller's role (policies), the request's
 * start (the API), and the audit trail's writer and digest.
 */
export type LibraryFunction = TriggerKind | 'maintenance' | 'role' | 'tenantFor' | 'begin' | 'auditAppend' | 'auditDigest';

/**
 * The closed set of schema changes. Each is plain data; `emit/plan-change.ts`
 * turns each into its up and down SQL.
 *
 * Names follow the phase a change runs in (see `order.ts`): removals run
 * before renames and carry the names and definitions of the `before` model;
 * renames carry both; creations and alterations run after renames and carry
 * the `after` names. A change's down runs when the schema is in the same
 * state, so it uses the same names.
 */
export type Change =
  // application role and schema access
  | { readonly kind: 'createRole'; readonly role: DbRole }
  | { readonly kind: 'dropRole'; readonly role: DbRole }
  /** Roles are the cluster's: an existing one changes in place (down keeps it, as a drop does). */
  | { readonly kind: 'alterRole'; readonly from: DbRole; readonly to: DbRole }
  | { readonly kind: 'grantSchemaUsage'; readonly role: string }
  | { readonly kind: 'revokeSchemaUsage'; readonly role: string }
  // extensions the columns need: created only where missing, dropped only by the migrations that made them
  | { readonly kind: 'createExtension'; readonly name: ExtensionName }
  | { readonly kind: 'dropExtension'; readonly name: ExtensionName }
  // enums
  | { readonly kind: 'createEnum'; readonly enum: EnumType }
  | { readonly kind: 'dropEnum'; readonly enum: EnumType }
  /** One new value, placed after `after` (or before `before` when it becomes the first). */
  | { readonly kind: 'addEnumValue'; readonly enum: string; readonly value: string; readonly after: string | null; readonly before: string | null }
  // library functions
  | { readonly kind: 'createFunction'; readonly fn: LibraryFunction; readonly settings: FunctionSettings }
  | { readonly kind: 'dropFunction'; readonly fn: LibraryFunction; readonly settings: FunctionSettings }
  | { readonly kind: 'replaceFunction'; readonly fn: LibraryFunction; readonly from: FunctionSettings; readonly to: FunctionSettings }
  // tables
  | { readonly kind: 'createTable'; readonly table: Table }
  /** Down recreates the whole table from `table` (the before definition): columns, keys, indexes, triggers, security, comments; its rows are not restored. */
  | { readonly kind: 'dropTable'; readonly table: Table }
  | { readonly kind: 'renameTable'; readonly from: string; readonly to: string }
  // columns
  /** `maintenance`: the table's policies and triggers honour the owner's maintenance path, which a backfill UPDATE needs. */
  | { readonly kind: 'addColumn'; readonly table: string; readonly column: Column; readonly maintenance: boolean }
  | { readonly kind: 'dropColumn'; readonly table: string; readonly column: Column }
  | { readonly kind: 'renameColumn'; readonly table: string; readonly from: string; readonly to: string }
  /**
   * A generated column computed anew, in two steps around the other column changes (PostgreSQL 15 cannot
   * change an expression in place, nor the type of a column a generated one is computed from). This one runs
   * with the removals, with `before` names and definition: `drop` (it is generated again by `generateColumn`)
   * drops it, else DROP EXPRESSION keeps its values as a plain column. Its down adds the `before` column again.
   */
  | { readonly kind: 'ungenerateColumn'; readonly table: string; readonly column: Column; readonly drop: boolean }
  /**
   * The `after` generated column, added with its expression (PostgreSQL computes every row). `dropped`: the
   * column was generated before and `ungenerateColumn` dropped it; otherwise it was a plain column whose values
   * the computed ones replace (destructive), and the down turns it back into `before` (DROP EXPRESSION, then
   * its type, NOT NULL, default and comment).
   */
  | { readonly kind: 'generateColumn'; readonly table: string; readonly column: Column; readonly before: Column; readonly dropped: boolean }
  /**
   * A narrowing (or a cast that can fail) first checks every row and stops, naming them, before anything
   * changes: `key` names an example row, `maintenance` opens the owner's path so the check sees every row.
   */
  | {
      readonly kind: 'alterColumnType';
      readonly table: string;
      readonly column: string;
      readonly from: ColumnType;
      readonly to: ColumnType;
      readonly key: readonly string[];
      readonly maintenance: boolean;
    }
  /** Rows holding NULL are first set to `backfill`, else to `default`; with neither, SET NOT NULL fails on such rows. */
  | { readonly kind: 'setNotNull'; readonly table: string; readonly column: string; readonly type: ColumnType; readonly backfill: string | null; readonly default: ColumnDefault | null; readonly maintenance: boolean }
  | { readonly kind: 'dropNotNull'; readonly table: string; readonly column: string }
  | { readonly kind: 'alterColumnDefault'; readonly table: string; readonly column: string; readonly type: ColumnType; readonly from: ColumnDefault | null; readonly to: ColumnDefault | null }
  /**
   * Identity added (`to` only), removed (`from` only) or changed in place. An identity added to a column
   * with rows restarts its sequence after them (`maintenance`: the owner's path, to see every row).
   */
  | {
      readonly kind: 'alterIdentity';
      readonly table: string;
      readonly column: string;
      readonly type: ColumnType;
      readonly from: Identity | null;
      readonly to: Identity | null;
      readonly maintenance: boolean;
    }
  // constraints (the down of a drop re-adds the `before` definition)
  | { readonly kind: 'addPrimaryKey'; readonly table: string; readonly pk: PrimaryKey }
  | { readonly kind: 'dropPrimaryKey'; readonly table: string; readonly pk: PrimaryKey }
  | { readonly kind: 'addUnique'; readonly table: string; readonly unique: Unique }
  | { readonly kind: 'dropUnique'; readonly table: string; readonly unique: Unique }
  /**
   * `notValid`: the table already holds rows, so the check is added NOT VALID (a moment's lock) and
   * validated after that transaction commits (`afterCommit`), without blocking reads or writes.
   */
  | { readonly kind: 'addCheck'; readonly table: string; readonly check: Check; readonly notValid?: boolean }
  | { readonly kind: 'dropCheck'; readonly table: string; readonly check: Check }
  | { readonly kind: 'addForeignKey'; readonly table: string; readonly fk: ForeignKey; readonly notValid?: boolean }
  | { readonly kind: 'dropForeignKey'; readonly table: string; readonly fk: ForeignKey }
  | { readonly kind: 'renameConstraint'; readonly table: string; readonly from: string; readonly to: string }
  // indexes; `concurrently` only in a no-transaction migration
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: Index; readonly concurrently: boolean }
  | { readonly kind: 'dropIndex'; readonly table: string; readonly index: Index }
  | { readonly kind: 'renameIndex'; readonly table: string; readonly from: string; readonly to: string }
  // triggers and row-level security
  | { readonly kind: 'createTrigger'; readonly table: string; readonly trigger: Trigger }
  | { readonly kind: 'dropTrigger'; readonly table: string; readonly trigger: Trigger }
  | { readonly kind: 'enableRowLevelSecurity'; readonly table: string }
  | { readonly kind: 'disableRowLevelSecurity'; readonly table: string }
  | { readonly kind: 'createPolicy'; readonly table: string; readonly policy: Policy }
  | { readonly kind: 'dropPolicy'; readonly table: string; readonly policy: Policy }
  | { readonly kind: 'grant'; readonly table: string; readonly grant: Grant }
  | { readonly kind: 'revoke'; readonly table: string; readonly grant: Grant }
  /** Sets (`comment`) or removes (null) a comment; down puts `previous` back. */
  | { readonly kind: 'commentOn'; readonly target: CommentTarget; readonly comment: string | null; readonly previous: string | null };

/** What the library functions' bodies name (they are generated per model). */
export interface FunctionSettings {
  /** The library version (`LIBRARY_VERSION`) whose templates render them. */
  readonly version: number;
  readonly auditTable: string | null;
  readonly auditActionType: string | null;
  readonly tenantKey: string;
  readonly tenantSetting: string;
  readonly userSetting: string;
  readonly appRole: string | null;
  /** The user entity: where `schemagen_role()` and `schemagen_begin()` read the caller's role. */
  readonly users: {
    readonly table: string;
    readonly idColumn: string;
    readonly roleColumn: string;
    readonly activeColumn: string | null;
    readonly keepOne: string | null;
  } | null;
  /** The tenant root and its key: the last-role check lets an organization's deletion through. */
  readonly root: { readonly table: string; readonly key: string } | null;
}

/** The settings each function's body depends on: a change to one of them replaces the function. */
export const FUNCTION_DEPENDS: Record<LibraryFunction, readonly (keyof FunctionSettings)[]> = {
  maintenance: ['version'],
  updatedAt: ['version'],
  appendOnly: ['version'],
  audit: ['version', 'auditTable', 'auditActionType', 'tenantKey', 'userSetting'],
  auditAppend: ['version', 'auditTable', 'auditActionType', 'tenantKey'],
  auditDigest: ['version'],
  auditChain: ['version', 'auditTable', 'tenantKey'],
  role: ['version', 'users', 'tenantKey', 'tenantSetting', 'userSetting', 'appRole'],
  tenantFor: ['version', 'users', 'tenantKey', 'tenantSetting', 'userSetting', 'appRole'],
  begin: ['version', 'users', 'tenantKey', 'appRole'],
  keepRole: ['version', 'users', 'tenantKey', 'root'],
};

export type CommentTarget =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'column'; readonly table: string; readonly column: string }
  | { readonly kind: 'type'; readonly name: string };

export type ChangeKind = Change['kind'];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

export const FUNCTION_NAMES: Record<LibraryFunction, string> = {
  updatedAt: 'schemagen_set_updated_at',
  audit: 'schemagen_audit',
  appendOnly: 'schemagen_refuse_change',
  maintenance: MAINTENANCE_FUNCTION,
  keepRole: 'schemagen_keep_role',
  auditChain: 'schemagen_audit_chain',
  role: ROLE_FUNCTION,
  tenantFor: TENANT_FOR_FUNCTION,
  begin: 'schemagen_begin',
  auditAppend: 'schemagen_audit_append',
  auditDigest: 'schemagen_audit_digest',
};

/** Argument types, for DROP FUNCTION. */
export const FUNCTION_ARGS: Record<LibraryFunction, string> = {
  updatedAt: '',
  audit: '',
  appendOnly: '',
  maintenance: 'regclass',
  keepRole: '',
  auditChain: '',
  role: '',
  tenantFor: 'text[]',
  begin: 'uuid, uuid',
  auditAppend: 'uuid, uuid, text, text, uuid, jsonb, jsonb',
  auditDigest: 'anyelement',
};
