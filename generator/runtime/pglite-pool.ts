import type { Db } from './db.ts';

/** The pool shape of the generated API (`generated/api/db.ts`), repeated here: generator code never imports generated code. */
export interface PoolClientLike {
  query(text: string, values?: readonly (string | null)[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  release(destroy?: boolean | Error): void;
}

export interface PoolLike {
  connect(): Promise<PoolClientLike>;
  end(): Promise<void>;
}

/**
 * A pool over one PGlite database. PGlite is a single session, so a client is
 * the whole database: clients are handed out one at a time, in order, and a
 * transaction (BEGIN … COMMIT sent as queries) never interleaves with another.
 * A client released with an error is rolled back before the next one starts.
 */
export function singleSessionPool(db: Db, opts: { readonly closeDb?: boolean } = {}): PoolLike {
  let tail: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    async connect() {
      if (closed) throw new Error('the PGlite pool is closed');
      let free!: () => void;
      const mine = new Promise<void>((resolve) => (free = resolve));
      const before = tail;
      tail = tail.then(() => mine);
      await before;
      let released = false;
      return {
        async query(text, values) {
          if (released) throw new Error('query on a released PGlite client');
          const r = await db.query<Record<string, unknown>>(text, values);
          return { rows: r.rows, rowCount: r.rowCount };
        },
        release(destroy) {
          if (released) return;
          released = true;
          if (destroy) void db.query('ROLLBACK').catch(() => {}).finally(free);
          else free();
        },
      };
    },
    async end() {
      closed = true;
      await tail;
      if (opts.closeDb) await db.close();
    },
  };
}
