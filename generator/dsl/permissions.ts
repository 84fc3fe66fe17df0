import type { Privilege } from '../ir/types.ts';
import type { ColumnRef, SqlExpr } from './sql.ts';

/** What a role may do with an entity's rows: SQL commands, as row-level security and grants know them. */
export type Operation = Privilege;

/**
 * A permission with conditions. Conditions are SQL over the entity's columns
 * and the caller (`me.id`, `me.role`), enforced by row-level security.
 */
export interface Rule {
  /** Rows the role may read, change or delete (select, update, delete): the policy's USING. */
  readonly where?: SqlExpr;
  /** What a row the role writes must satisfy (insert, update): the policy's WITH CHECK. On update it defaults to `where`. */
  readonly check?: SqlExpr;
  /**
   * The columns the role may write (insert, update), granted column by column. By default every column
   * the application may write except `.sensitive()` ones, which only an explicit list lets through.
   */
  readonly columns?: readonly ColumnRef[];
}

/** `'all'`, `'read'` (select), a list of operations, or per operation `true` or a `Rule`. */
export type RolePermissions = 'all' | 'read' | readonly Operation[] | { readonly [O in Operation]?: true | Rule };

/** Per role of the model (`defineModel({ users: { role } })`), what it may do; roles left out may do nothing. */
export type PermissionsSpec = { readonly [role: string]: RolePermissions };

export const OPERATIONS: readonly Operation[] = ['select', 'insert', 'update', 'delete'];
