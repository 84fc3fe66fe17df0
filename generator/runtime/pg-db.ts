import pg from 'pg';
import { DbConnectionError, type Db, type QueryResult, type Queryable } from './db.ts';

export interface PgOptions {
  /** Pool size; `pg`'s default (10) when omitted. */
  readonly max?: number;
}

export async function openPg(url: string, opts: PgOptions = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, ...(opts.max ? { max: opts.max } : {}) });
  // An idle client that dies (server restart, DROP DATABASE ... FORCE) emits 'error' on the pool;
  // without a listener Node crashes the process. The pool discards that client, and the next
  // query reports the problem to its caller.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw connectionError(url, err);
  }
  return {
    engine: 'pg',
    ...queryable(pool),
    transaction: (fn) => transaction(pool, fn),
    session: (fn) => session(pool, fn),
    close: () => pool.end(),
  };
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      const result = await target.query(sql, params ? [...params] : undefined);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      // No parameters: `pg` sends a simple Query message, which may hold many statements.
      await target.query(sql);
    },
  };
}

async function transaction<T>(pool: pg.Pool, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const value = await fn(queryable(client));
    await client.query('COMMIT');
    return value;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // A connection that cannot roll back must not go back into the pool.
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

async function session<T>(pool: pg.Pool, fn: (conn: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await fn(queryable(client));
  } catch (err) {
    // a failure may leave the session in a state the next user must not inherit
    broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(broken);
  }
}

function connectionError(url: string, cause: unknown): DbConnectionError {
  const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
  return new DbConnectionError(
    `Cannot connect to PostgreSQL at ${describeUrl(url)}: ${reason}. ` +
      'Check DATABASE_URL (host, port, database, user) and that the server is up.',
    { cause },
  );
}

/** `host:port/db as user`, never the password. */
export function describeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(a value that is not a URL; expected postgres://user@host:5432/database)';
  }
  const host = u.hostname || u.searchParams.get('host') || 'localhost';
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
  const user = u.username ? ` as ${decodeURIComponent(u.username)}` : '';
  return `${host}:${u.port || '5432'}/${db}${user}`;
}
