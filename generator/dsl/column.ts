import type { ColumnType, JsonValue, ReferentialAction } from '../ir/types.ts';
import type { ColumnRef, SqlExpr } from './sql.ts';
import { isSqlExpr, sql } from './sql.ts';

export interface ReferenceOptions {
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

export type DefaultSpec<T> =
  | { readonly kind: 'literal'; readonly value: T }
  | { readonly kind: 'now' }
  | { readonly kind: 'randomUuid' }
  | { readonly kind: 'sql'; readonly expr: SqlExpr };

export interface ColumnState<T> {
  readonly type: ColumnType;
  readonly notNull: boolean;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  readonly default: DefaultSpec<T> | null;
  readonly references: { readonly target: () => ColumnRef; readonly options: ReferenceOptions } | null;
  readonly checks: readonly ((self: ColumnRef) => SqlExpr)[];
  readonly comment: string | null;
  readonly updatedAt: boolean;
  readonly sensitive: boolean;
  readonly immutable: boolean;
  readonly renamedFrom: string | null;
  readonly backfill?: SqlExpr | null;
  /** `oneOf([...])`: the closed set of values (the role column of the user entity takes its roles from it). */
  readonly values?: readonly string[];
  /** Set on enum columns, so the enum type travels with the column. */
  readonly enumDef?: { readonly name: string; readonly values: readonly string[]; readonly comment: string | null };
}

/**
 * One column of an entity. Every method returns a new builder, so a column
 * fragment can be shared between entities without one changing the other.
 * `T` is the TypeScript type of a value; `N` whether it is NOT NULL.
 */
export class ColumnBuilder<T, N extends boolean = false> {
  declare readonly $type: T;
  declare readonly $notNull: N;
  constructor(readonly state: ColumnState<T>) {}

  private with<N2 extends boolean = N>(patch: Partial<ColumnState<T>>): ColumnBuilder<T, N2> {
    return new ColumnBuilder<T, N2>({ ...this.state, ...patch });
  }

  /** NOT NULL. */
  notNull(): ColumnBuilder<T, true> {
    return this.with<true>({ notNull: true });
  }
  /** PRIMARY KEY (implies NOT NULL). For a composite key use `primaryKey(...)` in `constraints`. */
  primaryKey(): ColumnBuilder<T, true> {
    return this.with<true>({ primaryKey: true, notNull: true });
  }
  /** UNIQUE on this column alone. */
  unique(): ColumnBuilder<T, N> {
    return this.with({ unique: true });
  }
  /** A btree index on this column alone. */
  index(): ColumnBuilder<T, N> {
    return this.with({ index: true });
  }
  /** DEFAULT: a constant of the column's type, or `sql\`...\`` for an expression. */
  default(value: T | SqlExpr): ColumnBuilder<T, N> {
    return this.with({ default: isSqlExpr(value) ? { kind: 'sql', expr: value as SqlExpr } : { kind: 'literal', value: value as T } });
  }
  /** DEFAULT now(). */
  defaultNow(): ColumnBuilder<T, N> {
    return this.with({ default: { kind: 'now' } });
  }
  /** DEFAULT gen_random_uuid(). */
  defaultRandom(): ColumnBuilder<T, N> {
    return this.with({ default: { kind: 'randomUuid' } });
  }
  /** Set to now() by a BEFORE UPDATE trigger on every update. */
  onUpdateNow(): ColumnBuilder<T, N> {
    return this.with({ updatedAt: true });
  }
  /**
   * FOREIGN KEY to another entity's column. The thunk lets entities refer to
   * each other in any order.
   *
   * @example
   * workflow_id: uuid().notNull().references(() => workflows.id, { onDelete: 'cascade' })
   */
  references(target: () => ColumnRef, options: ReferenceOptions = {}): ColumnBuilder<T, N> {
    return this.with({ references: { target, options } });
  }
  /** CHECK over this column, e.g. `.check((c) => sql\`${c} ~ '^[a-z]+$'\`)`. */
  check(expr: (self: ColumnRef) => SqlExpr): ColumnBuilder<T, N> {
    return this.with({ checks: [...this.state.checks, expr] });
  }
  /** CHECK (column >= min). */
  min(min: number): ColumnBuilder<T, N> {
    return this.check((c) => sql`${c} >= ${min}`);
  }
  /** CHECK (column <= max). */
  max(max: number): ColumnBuilder<T, N> {
    return this.check((c) => sql`${c} <= ${max}`);
  }
  /** CHECK (column IN (...)): a closed set of values without an enum type. */
  oneOf<const V extends T & string>(values: readonly V[]): ColumnBuilder<V, N> {
    const checked = this.check((c) => {
      const strings = ['', ' IN (', ...values.slice(1).map(() => ', '), ')'];
      return { kind: 'sql', strings, values: [c, ...values] };
    });
    return new ColumnBuilder({ ...checked.state, values: [...values] }) as unknown as ColumnBuilder<V, N>;
  }
  /** COMMENT ON COLUMN; JSDoc on the property does the same and is preferred. */
  comment(text: string): ColumnBuilder<T, N> {
    return this.with({ comment: text });
  }
  /** Never written to audit payloads or logs (password hashes, tokens). */
  sensitive(): ColumnBuilder<T, N> {
    return this.with({ sensitive: true });
  }
  /** Written on insert, never updated by the application role (no UPDATE grant, not in the API's PATCH body). */
  immutable(): ColumnBuilder<T, N> {
    return this.with({ immutable: true });
  }
  /** This column was called `previous` before; the next migration renames it. */
  renamedFrom(previous: string): ColumnBuilder<T, N> {
    return this.with({ renamedFrom: previous });
  }
  /**
   * Fills existing rows when a migration adds this column as NOT NULL, or sets
   * NOT NULL on it: the migration adds it nullable, runs
   * `UPDATE ... SET column = <expr>`, then sets NOT NULL. Needed on a table
   * that may have rows when the column has no default.
   *
   * @example
   * slug: varchar(63).notNull().backfill(sql`lower(${workflows.name})`)
   */
  backfill(expr: SqlExpr): ColumnBuilder<T, N> {
    return this.with({ backfill: expr });
  }
}

export type AnyColumn = ColumnBuilder<unknown, boolean>;

export function column<T>(type: ColumnType): ColumnBuilder<T, false> {
  return new ColumnBuilder<T>({
    type,
    notNull: false,
    primaryKey: false,
    unique: false,
    index: false,
    default: null,
    references: null,
    checks: [],
    comment: null,
    updatedAt: false,
    sensitive: false,
    immutable: false,
    renamedFrom: null,
  });
}

export type { JsonValue };
