import type { ReferentialAction } from '../ir/types.ts';
import type { ColumnRef, SqlExpr } from './sql.ts';

export interface IndexColumnSpec {
  readonly ref: ColumnRef;
  readonly order: 'asc' | 'desc';
}

export type ConstraintSpec =
  | { readonly kind: 'primaryKey'; readonly columns: readonly ColumnRef[] }
  | { readonly kind: 'unique'; readonly columns: readonly ColumnRef[]; readonly name: string | null }
  | { readonly kind: 'check'; readonly name: string; readonly expr: SqlExpr }
  | {
      readonly kind: 'foreignKey';
      readonly columns: readonly ColumnRef[];
      readonly references: () => readonly ColumnRef[];
      readonly onDelete: ReferentialAction;
      readonly onUpdate: ReferentialAction;
      readonly name: string | null;
    }
  | IndexSpec;

export interface IndexSpec {
  readonly kind: 'index';
  readonly columns: readonly IndexColumnSpec[];
  readonly unique: boolean;
  readonly method: 'btree' | 'gin';
  readonly predicate: SqlExpr | null;
  readonly name: string | null;
  /** `.concurrently()`: CREATE INDEX CONCURRENTLY when added to an existing table. */
  readonly concurrent?: boolean;
}

/** A composite PRIMARY KEY. */
export const primaryKey = (...columns: ColumnRef[]): ConstraintSpec => ({ kind: 'primaryKey', columns });

/** A composite UNIQUE constraint, e.g. `unique(t.workflow_id, t.position)`. */
export const unique = (...columns: ColumnRef[]): ConstraintSpec => ({ kind: 'unique', columns, name: null });

/** A named CHECK constraint, e.g. `check('ends_after_start', sql\`${t.ends_at} > ${t.starts_at}\`)`. */
export const check = (name: string, expr: SqlExpr): ConstraintSpec => ({ kind: 'check', name, expr });

/** A composite FOREIGN KEY. */
export const foreignKey = (spec: {
  columns: ColumnRef[];
  references: () => ColumnRef[];
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  name?: string;
}): ConstraintSpec => ({
  kind: 'foreignKey',
  columns: spec.columns,
  references: spec.references,
  onDelete: spec.onDelete ?? 'noAction',
  onUpdate: spec.onUpdate ?? 'noAction',
  name: spec.name ?? null,
});

/** Descending order for one column of an index. */
export const desc = (ref: ColumnRef): IndexColumnSpec => ({ ref, order: 'desc' });

type IndexArg = ColumnRef | IndexColumnSpec;
const toIndexColumn = (c: IndexArg): IndexColumnSpec => ('ref' in c ? c : { ref: c, order: 'asc' });

/** Index builder: `index(t.organization_id, desc(t.created_at))`, then `.where(...)`, `.using('gin')`, `.asUnique()`, `.named(...)`. */
export class IndexBuilder implements IndexSpec {
  readonly kind = 'index';
  constructor(
    readonly columns: readonly IndexColumnSpec[],
    readonly unique: boolean = false,
    readonly method: 'btree' | 'gin' = 'btree',
    readonly predicate: SqlExpr | null = null,
    readonly name: string | null = null,
    readonly concurrent: boolean = false,
  ) {}
  /** A partial index: only rows matching the predicate. */
  where(predicate: SqlExpr): IndexBuilder {
    return new IndexBuilder(this.columns, this.unique, this.method, predicate, this.name, this.concurrent);
  }
  /** `gin` for jsonb containment (`@>`) and array queries. */
  using(method: 'btree' | 'gin'): IndexBuilder {
    return new IndexBuilder(this.columns, this.unique, method, this.predicate, this.name, this.concurrent);
  }
  asUnique(): IndexBuilder {
    return new IndexBuilder(this.columns, true, this.method, this.predicate, this.name, this.concurrent);
  }
  named(name: string): IndexBuilder {
    return new IndexBuilder(this.columns, this.unique, this.method, this.predicate, name, this.concurrent);
  }
  /**
   * Build it with CREATE INDEX CONCURRENTLY when a later migration adds it to an
   * existing table, so writes are not blocked while it builds. gen puts such
   * indexes in a migration of their own, which runs outside a transaction.
   */
  concurrently(): IndexBuilder {
    return new IndexBuilder(this.columns, this.unique, this.method, this.predicate, this.name, true);
  }
}

export const index = (...columns: IndexArg[]): IndexBuilder => new IndexBuilder(columns.map(toIndexColumn));
