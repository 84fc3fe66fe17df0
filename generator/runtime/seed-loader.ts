import { insertStatement } from '../emit/seed-sql.ts';
import { describeCycle, orderSeedRows } from '../ir/seed-order.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import type { Ir, SeedRow, Table } from '../ir/types.ts';
import type { Db, Queryable } from './db.ts';
import { SeedError } from './seed-error.ts';

export interface SeedProgress {
  /** Rows sent so far (inserted or already present). */
  readonly done: number;
  readonly inserted: number;
  readonly total: number | null;
  readonly ms: number;
}

export interface SeedLoadOptions {
  /** Rows per multi-row INSERT. */
  readonly batchRows?: number;
  /**
   * Rows of a stream collected before they are inserted, parents before
   * children. A static profile is one chunk, however large.
   */
  readonly chunkRows?: number;
  readonly total?: number | null;
  readonly onProgress?: (p: SeedProgress) => void;
}

export interface SeedTableCount {
  readonly table: string;
  readonly rows: number;
  readonly inserted: number;
}

export interface SeedLoadResult {
  readonly rows: number;
  readonly inserted: number;
  readonly ms: number;
  /** In insert order. */
  readonly tables: readonly SeedTableCount[];
}

export const DEFAULT_BATCH_ROWS = 500;
export const DEFAULT_CHUNK_ROWS = 20_000;
const DETAIL_MAX = 400;

interface Batch {
  readonly table: Table;
  readonly rows: readonly SeedRow[];
}

/**
 * Inserts seed rows in one transaction as the owner, on the maintenance path
 * (row-level security and audit triggers let it through). Rows already there
 * (same id) are kept, so a second run changes nothing. A row the database
 * refuses rolls everything back and is named with its constraint.
 *
 * While one INSERT runs in the database, the next is rendered and the next
 * chunk of a generated profile is compiled, so client and server work overlap.
 */
export async function loadSeed(db: Db, ir: Ir, rows: Iterable<SeedRow>, opts: SeedLoadOptions = {}): Promise<SeedLoadResult> {
  const batchRows = Math.max(1, opts.batchRows ?? DEFAULT_BATCH_ROWS);
  const chunkRows = opts.chunkRows ?? Number.POSITIVE_INFINITY;
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const counts = new Map<string, { rows: number; inserted: number }>();
  const started = performance.now();
  let done = 0;
  let inserted = 0;

  const source = rows[Symbol.iterator]();
  let exhausted = false;
  let next: SeedRow[] = [];
  /** Takes up to `n` more rows from the source (compiling them, for a generated profile). */
  const pull = (n: number) => {
    for (; n > 0 && !exhausted; n--) {
      const r = source.next();
      if (r.done) exhausted = true;
      else next.push(r.value);
    }
  };

  const flush = async (tx: Queryable, chunk: readonly SeedRow[]) => {
    const order = orderSeedRows(chunk);
    if (!order.ok) throw new SeedError(`seed rows reference each other in a cycle: ${describeCycle(order)}; nothing was written`);
    const batches: Batch[] = order.groups.flatMap((g) => {
      const table = tables.get(g.table)!;
      return Array.from({ length: Math.ceil(g.rows.length / batchRows) }, (_, i) => ({ table, rows: g.rows.slice(i * batchRows, (i + 1) * batchRows) }));
    });
    await tx.query('SAVEPOINT schemagen_seed');
    let sql = insertStatement(batches[0]!.table, batches[0]!.rows);
    for (const [i, batch] of batches.entries()) {
      const running = tx.query(sql).then((r) => r.rowCount, (err: unknown) => ({ failed: (err ?? {}) as PgError }));
      let idleError: unknown = null;
      try {
        const following = batches[i + 1];
        if (following) sql = insertStatement(following.table, following.rows);
        pull(Math.min(batchRows, chunkRows - next.length));
      } catch (err) {
        idleError = err;
      }
      const result = await running;
      if (typeof result !== 'number') {
        await tx.query('ROLLBACK TO SAVEPOINT schemagen_seed');
        throw await diagnose(tx, batches, i, result.failed);
      }
      if (idleError !== null) throw idleError;
      const count = counts.get(batch.table.name) ?? { rows: 0, inserted: 0 };
      counts.set(batch.table.name, count);
      count.rows += batch.rows.length;
      count.inserted += result;
      done += batch.rows.length;
      inserted += result;
      opts.onProgress?.({ done, inserted, total: opts.total ?? null, ms: performance.now() - started });
    }
    await tx.query('RELEASE SAVEPOINT schemagen_seed');
  };

  await db.transaction(async (tx) => {
    await assertOwner(tx, [...tables.keys()]);
    await tx.query('select set_config($1, $2, true)', [MAINTENANCE_SETTING, 'on']);
    for (;;) {
      pull(chunkRows - next.length);
      if (next.length === 0) break;
      const chunk = next;
      next = [];
      await flush(tx, chunk);
    }
  });
  return {
    rows: done,
    inserted,
    ms: performance.now() - started,
    tables: [...counts].map(([table, c]) => ({ table, ...c })),
  };
}

/**
 * The chunk was rolled back to its savepoint: replay the batches that
 * passed, then halve the failing one under savepoints until one row alone
 * fails. Only runs on failure; the transaction is rolled back afterwards.
 */
async function diagnose(tx: Queryable, batches: readonly Batch[], failed: number, first: PgError): Promise<SeedError> {
  for (const b of batches.slice(0, failed)) await tx.query(insertStatement(b.table, b.rows));
  const batch = batches[failed]!;
  const culprit = batch.rows.length === 1 ? { row: batch.rows[0]!, error: first } : await bisect(tx, batch.table, batch.rows);
  return refused(culprit ?? { row: batch.rows[0]!, error: first }, culprit === null ? batch.rows.length : 1);
}

/** Runs one statement under a savepoint: the inserted row count, or the error it raised (the transaction stays usable). */
async function attempt(tx: Queryable, sql: string): Promise<number | PgError> {
  await tx.query('SAVEPOINT schemagen_probe');
  try {
    const { rowCount } = await tx.query(sql);
    await tx.query('RELEASE SAVEPOINT schemagen_probe');
    return rowCount;
  } catch (err) {
    await tx.query('ROLLBACK TO SAVEPOINT schemagen_probe');
    await tx.query('RELEASE SAVEPOINT schemagen_probe');
    return (err ?? {}) as PgError;
  }
}

async function bisect(tx: Queryable, table: Table, rows: readonly SeedRow[]): Promise<{ row: SeedRow; error: PgError } | null> {
  if (rows.length === 0) return null;
  const error = await attempt(tx, insertStatement(table, rows));
  if (typeof error === 'number') return null;
  if (rows.length === 1) return { row: rows[0]!, error };
  const mid = rows.length >> 1;
  return (await bisect(tx, table, rows.slice(0, mid))) ?? (await bisect(tx, table, rows.slice(mid)));
}

interface PgError {
  readonly message?: string;
  readonly code?: unknown;
  readonly constraint?: string;
  readonly detail?: string;
}

function refused({ row, error }: { row: SeedRow; error: PgError }, ofBatch: number): SeedError {
  const sqlstate = typeof error.code === 'string' ? error.code : null;
  const constraint = error.constraint ?? null;
  const detail = error.detail ? (error.detail.length > DETAIL_MAX ? `${error.detail.slice(0, DETAIL_MAX)}…` : error.detail) : null;
  const tags = [constraint && `constraint ${constraint}`, sqlstate && `SQLSTATE ${sqlstate}`].filter(Boolean).join(', ');
  const what = ofBatch === 1 ? `seed row ${row.table}['${row.key}']` : `a batch of ${ofBatch} ${row.table} rows starting with ${row.table}['${row.key}']`;
  const lines = [
    `${what} (profile ${row.profile}) was refused: ${error.message ?? String(error)}${tags ? ` (${tags})` : ''}`,
    ...(detail ? [`Detail: ${detail}`] : []),
    'Nothing was written: the seed runs in one transaction, which was rolled back. Fix the row in the model\'s seed, run `npx gen`, then seed again.',
  ];
  return new SeedError(lines.join('\n'), { profile: row.profile, table: row.table, key: row.key }, sqlstate, constraint, { cause: error });
}

/** Seeds run as the owner of the tables (the role that ran the migrations), never as the application role. */
async function assertOwner(tx: Queryable, tables: readonly string[]): Promise<void> {
  const { rows } = await tx.query<{ relname: string; user: string }>(
    `select c.relname, current_user as "user" from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relname = any($1::text[]) and not pg_has_role(current_user, c.relowner, 'MEMBER')
      order by c.relname`,
    [tables],
  );
  if (rows.length > 0)
    throw new SeedError(`seeds run as the owner of the tables, but ${rows[0]!.user} does not own ${rows.map((r) => r.relname).join(', ')}; connect as the role that ran \`gen migrate up\``);
}
