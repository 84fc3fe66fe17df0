/**
 * The one database interface the runtime, tests and CLI use. Two adapters:
 * PGlite (embedded default) and `pg` (any DATABASE_URL).
 */
export interface QueryResult<T> {
  readonly rows: T[];
  readonly rowCount: number;
}

export interface Queryable {
  /** One statement, `$1`-style parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Many statements separated by `;`, no parameters. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'pg';
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection outside any transaction: for session-level
   * advisory locks and statements that refuse a transaction block (CREATE
   * INDEX CONCURRENTLY). Sessions and transactions of one Db never interleave
   * on PGlite, which has a single connection.
   */
  session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The database could not be reached: a configuration problem the user fixes (exit 1, not an internal error). */
export class DbConnectionError extends Error {
  override readonly name = 'DbConnectionError';
}
