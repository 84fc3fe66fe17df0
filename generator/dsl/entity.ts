import type { Privilege, Tenancy } from '../ir/types.ts';
import type { AnyColumn, ColumnBuilder } from './column.ts';
import type { ConstraintSpec } from './constraints.ts';
import type { PermissionsSpec } from './permissions.ts';
import type { ColumnRef } from './sql.ts';

export const ENTITY: unique symbol = Symbol.for('schemagen.entity');

type ApiOperation = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface EntityOptions<Cols extends Record<string, AnyColumn>> {
  /** `root` for the tenant table itself, `scoped` for tables carrying the tenant key, `global` for shared data. */
  readonly tenancy?: Tenancy;
  /** Changes are written to the audit log by trigger. */
  readonly audited?: boolean;
  /** Rows may be inserted, never updated or deleted (audit logs); a trigger refuses changes for everyone but the owner's maintenance path. */
  readonly appendOnly?: boolean;
  /**
   * What the application role may do, in a model without roles. Defaults: root `select, update`;
   * append-only `select, insert`; otherwise all four. A model with roles says `permissions` instead.
   */
  readonly privileges?: readonly Privilege[];
  /**
   * What each role of the model may do (`defineModel({ users: { role: 'role' } })`), enforced by the
   * database: grants per role, row-level security policies per operation, conditions on rows and
   * columns. Required on every entity of a model with roles; roles left out may do nothing.
   *
   * @example
   * permissions: (t) => ({
   *   admin: 'all',
   *   assessor: { select: true, insert: { check: sql`${t.created_by} = ${me.id}` }, update: { where: sql`${t.created_by} = ${me.id}` } },
   *   viewer: 'read',
   * })
   */
  readonly permissions?: PermissionsSpec | ((t: { readonly [K in keyof Cols]: ColumnRef }) => PermissionsSpec);
  /** The table was called `previous` before; the next migration renames it. */
  readonly renamedFrom?: string;
  /** COMMENT ON TABLE; JSDoc on the `export const` does the same and is preferred. */
  readonly comment?: string;
  /** Composite keys, uniques, checks and indexes over this entity's columns. */
  readonly constraints?: (t: { readonly [K in keyof Cols]: ColumnRef }) => ConstraintSpec[];
  /** What the generated API exposes. */
  readonly api?: {
    readonly expose?: boolean;
    readonly operations?: readonly ApiOperation[];
    readonly filterable?: readonly (keyof Cols & string)[];
    readonly sortable?: readonly (keyof Cols & string)[];
  };
}

export interface EntityDef {
  readonly name: string;
  readonly columns: Readonly<Record<string, AnyColumn>>;
  readonly options: EntityOptions<Record<string, AnyColumn>>;
}

/** An entity: its columns as typed references (`workflows.id`), its definition under a symbol. */
export type Entity<Cols extends Record<string, AnyColumn>> = { readonly [K in keyof Cols]: ColumnRef } & {
  readonly [ENTITY]: EntityDef;
  readonly $columns: Cols;
};

export type RowOf<E> = E extends Entity<infer Cols>
  ? { [K in keyof Cols]: Cols[K] extends ColumnBuilder<infer T, infer N> ? (N extends true ? T : T | null) : never }
  : never;

/**
 * Declares a table. Property names are the column names.
 *
 * @example
 * /** A workflow: the checklist an assessment runs against. *\/
 * export const workflows = entity('workflows', {
 *   id: uuid().primaryKey().defaultRandom(),
 *   name: varchar(255).notNull(),
 * }, { tenancy: 'scoped' });
 */
export function entity<const Cols extends Record<string, AnyColumn>>(
  name: string,
  columns: Cols,
  options: EntityOptions<Cols> = {},
): Entity<Cols> {
  const refs: Record<string, ColumnRef> = {};
  for (const column of Object.keys(columns)) refs[column] = { kind: 'columnRef', table: name, column };
  const def: EntityDef = { name, columns, options: options as EntityOptions<Record<string, AnyColumn>> };
  return Object.freeze({ ...refs, [ENTITY]: def, $columns: columns }) as unknown as Entity<Cols>;
}

/** Any entity, whatever its columns. */
export interface AnyEntity {
  readonly [ENTITY]: EntityDef;
}

export const isEntity = (v: unknown): v is AnyEntity =>
  typeof v === 'object' && v !== null && ENTITY in v;
