import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Results, type Transaction } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import type { Db, QueryResult, Queryable } from './db.ts';

export interface PgliteOptions {
  /** Persist to this directory (created if missing); in memory when omitted. */
  readonly dataDir?: string;
}

/**
 * int8 comes back as a lossy `number` from PGlite but as a `string` from `pg`;
 * both adapters return the lossless string so callers see one shape.
 */
const parsers = { [types.INT8]: (value: string) => value };

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  if (opts.dataDir !== undefined) await mkdir(opts.dataDir, { recursive: true });
  // contrib extensions a model may need must be loaded when PGlite starts (CREATE EXTENSION then finds them)
  const pg = await PGlite.create({ dataDir: opts.dataDir, parsers, extensions: { citext } });
  // One connection: a session (its advisory lock included) must not interleave with a transaction of another caller.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
  return {
    engine: 'pglite',
    ...queryable(pg),
    transaction: (fn) => exclusive(() => pg.transaction((tx) => fn(queryable(tx)))),
    session: (fn) => exclusive(() => fn(queryable(pg))),
    close: () => pg.close(),
  };
}

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      return toResult(await target.query<T>(sql, params ? [...params] : undefined));
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

function toResult<T>(result: Results<T>): QueryResult<T> {
  // rowCount is the command tag's count (rows returned or changed); affectedRows is the fallback.
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}
