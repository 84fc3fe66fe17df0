import type { Db, Queryable } from './db.ts';
import { MigrationError } from './migration-error.ts';
import { folderSlug, type Migration } from './migration-files.ts';
import { splitStatements } from './sql-statements.ts';

export { MigrationError, type MigrationErrorCode } from './migration-error.ts';
export { checksum, readMigrations, type Migration } from './migration-files.ts';

export const MIGRATIONS_TABLE = '_schemagen_migrations';
const TABLE = `public.${MIGRATIONS_TABLE}`;
/**
 * Every runner, whatever its version, must take the same key, so it never changes.
 * ("schema" in ASCII, read as hex.)
 */
export const MIGRATION_LOCK_KEY = '126875839818081';

export interface RunOptions {
  /** Receives one line per migration run, e.g. `↑ 0001_initial (12 ms)`, and one per retry. */
  readonly log?: (line: string) => void;
  /** lock_timeout of each migration transaction, in ms (5,000 by default): how long a statement waits for a table lock. */
  readonly lockTimeoutMs?: number;
  /** How often a migration that timed out waiting for a lock is tried again (5 by default); the waits double from `retryDelayMs`. */
  readonly lockRetries?: number;
  /** The first wait before a retry, in ms (1,000 by default). */
  readonly retryDelayMs?: number;
}
export interface UpOptions extends RunOptions {
  /** Apply pending migrations up to and including this version. */
  readonly to?: number;
}
export interface DownOptions extends RunOptions {
  /** How many applied migrations to revert, newest first; 1 by default. */
  readonly steps?: number;
  /** Revert every applied migration above this version (0 reverts all). Excludes `steps`. */
  readonly to?: number;
}

/** `out-of-order`: pending, but a later version is already applied (merged late from a branch); `up` refuses it. */
export type MigrationStateName = 'applied' | 'pending' | 'changed' | 'missing-file' | 'out-of-order';

/** First line of a migration file the runner runs outside a transaction, statement by statement, under a session lock. */
export const NO_TRANSACTION_MARKER = '-- schemagen: no-transaction';
export const isNoTransaction = (sql: string): boolean => sql.startsWith(NO_TRANSACTION_MARKER);
/**
 * A line of an up.sql: what follows runs in a second transaction, after the first commits
 * (VALIDATE CONSTRAINT of checks and foreign keys added NOT VALID to tables that hold rows).
 */
export const AFTER_COMMIT_MARKER = '-- schemagen: after commit';

/** The part of a migration's SQL run in its first transaction, and the part run after that commits ('' when none). */
export function splitAfterCommit(sql: string): { readonly first: string; readonly after: string } {
  const at = sql.search(new RegExp(`^${AFTER_COMMIT_MARKER}$`, 'm'));
  return at < 0 ? { first: sql, after: '' } : { first: sql.slice(0, at), after: sql.slice(at) };
}

const LOCK_NOT_AVAILABLE = '55P03';
export interface MigrationState {
  readonly version: number;
  readonly name: string;
  readonly state: MigrationStateName;
  readonly appliedAt?: Date;
  /** Applied, but the constraints its up.sql validates after commit are not validated yet (the run stopped in between). */
  readonly unvalidated?: boolean;
}

interface AppliedRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly applied_at: Date;
  readonly validated: boolean;
}

/** Applies pending migrations in version order, each in its own transaction; returns those this call ran. */
export async function migrateUp(db: Db, migrations: readonly Migration[], opts: UpOptions = {}): Promise<Migration[]> {
  await ensureTable(db);
  const applied = await readApplied(db);
  verify(applied, migrations);
  refuseOutOfOrder(applied, migrations);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  // a run that stopped between a migration's commit and its validation: validate first, before anything builds on it
  for (const row of applied.filter((a) => !a.validated)) {
    const migration = byVersion.get(row.version)!;
    const ms = await retryingLocks(opts, migration, 'up', () => validateStep(db, migration, opts));
    if (ms !== undefined) opts.log?.(`✓ ${migration.name}: constraints validated (${ms} ms)`);
  }
  const ran: Migration[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (opts.to !== undefined && migration.version > opts.to) break;
    const ms = await retryingLocks(opts, migration, 'up', () => runStep(db, migration, 'up', opts));
    if (ms === undefined) continue;
    if (splitAfterCommit(migration.up).after !== '') await retryingLocks(opts, migration, 'up', () => validateStep(db, migration, opts));
    ran.push(migration);
    opts.log?.(`↑ ${migration.name} (${ms} ms)`);
  }
  return ran;
}

/** Reverts applied migrations newest first, each in its own transaction; returns those this call ran. */
export async function migrateDown(db: Db, migrations: readonly Migration[], opts: DownOptions = {}): Promise<Migration[]> {
  const steps = downSteps(opts);
  await ensureTable(db);
  const applied = await readApplied(db);
  verify(applied, migrations);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const newestFirst = applied.map((a) => a.version).reverse();
  const targets = opts.to === undefined ? newestFirst.slice(0, steps) : newestFirst.filter((v) => v > opts.to!);
  const ran: Migration[] = [];
  for (const version of targets) {
    const migration = byVersion.get(version)!;
    const ms = await retryingLocks(opts, migration, 'down', () => runStep(db, migration, 'down', opts));
    if (ms === undefined) continue;
    ran.push(migration);
    opts.log?.(`↓ ${migration.name} (${ms} ms)`);
  }
  return ran;
}

/** Compares the files with the bookkeeping table; never writes. */
export async function migrationStatus(db: Db, migrations: readonly Migration[]): Promise<MigrationState[]> {
  const applied = (await tableExists(db)) ? await readApplied(db) : [];
  const rows = new Map(applied.map((a) => [a.version, a]));
  const states: MigrationState[] = migrations.map((m) => {
    const row = rows.get(m.version);
    if (!row) return { version: m.version, name: m.name, state: 'pending' };
    const state = row.checksum === m.checksum ? 'applied' : 'changed';
    return { version: m.version, name: m.name, state, appliedAt: row.applied_at, ...(row.validated ? {} : { unvalidated: true }) };
  });
  const newest = Math.max(0, ...applied.map((a) => a.version));
  for (const [i, s] of states.entries()) if (s.state === 'pending' && s.version < newest) states[i] = { ...s, state: 'out-of-order' };
  const onDisk = new Set(migrations.map((m) => m.version));
  for (const row of applied) {
    if (!onDisk.has(row.version)) {
      states.push({ version: row.version, name: row.name, state: 'missing-file', appliedAt: row.applied_at });
    }
  }
  return states.sort((a, b) => a.version - b.version);
}

/**
 * Runs one migration under the lock, in one transaction with lock_timeout set;
 * undefined when another runner already did it. An up with an after-commit
 * part runs its first part here and is recorded as not yet validated.
 */
function runStep(db: Db, migration: Migration, direction: 'up' | 'down', opts: RunOptions): Promise<number | undefined> {
  if (isNoTransaction(direction === 'up' ? migration.up : migration.down)) return runOutsideTransaction(db, migration, direction);
  return db.transaction(async (tx) => {
    await lock(tx);
    // Re-read under the lock: a concurrent runner may have done this step while we waited.
    const applied = (await readApplied(tx)).some((a) => a.version === migration.version);
    if (applied === (direction === 'up')) return undefined;
    await setLockTimeout(tx, opts);
    const started = performance.now();
    const { first: sql, after } = direction === 'up' ? splitAfterCommit(migration.up) : { first: migration.down, after: '' };
    try {
      if (sql.trim() !== '') await tx.exec(sql);
    } catch (err) {
      throw failure(migration, direction, sql, err);
    }
    const ms = Math.round(performance.now() - started);
    await record(tx, migration, direction, ms, after === '');
    return ms;
  });
}

/**
 * The after-commit part of an applied migration (VALIDATE CONSTRAINT), in a
 * transaction of its own. Rows that break a constraint: the whole migration
 * is reverted with its down.sql, so nothing of it stays, and the error names
 * the constraint. Undefined when another runner validated it already.
 */
async function validateStep(db: Db, migration: Migration, opts: RunOptions): Promise<number | undefined> {
  const { after } = splitAfterCommit(migration.up);
  try {
    return await db.transaction(async (tx) => {
      await lock(tx);
      const row = (await readApplied(tx)).find((a) => a.version === migration.version);
      if (!row || row.validated) return undefined;
      await setLockTimeout(tx, opts);
      const started = performance.now();
      try {
        await tx.exec(after);
      } catch (err) {
        throw new RowsBreakConstraint(err);
      }
      await tx.query(`update ${TABLE} set validated = true where version = $1`, [migration.version]);
      return Math.round(performance.now() - started);
    });
  } catch (e) {
    if (!(e instanceof RowsBreakConstraint)) throw e;
    if (sqlstateOf(e.err) === LOCK_NOT_AVAILABLE) throw failure(migration, 'up', after, e.err, undefined, 'validate-wait');
    // rolled back already; now undo the first transaction too
    await retryingLocks(opts, migration, 'down', () => runStep(db, migration, 'down', opts));
    throw failure(migration, 'up', after, e.err, undefined, 'validate');
  }
}

/** The error of a VALIDATE, carried out of the transaction it aborted. */
class RowsBreakConstraint extends Error {
  constructor(readonly err: unknown) {
    super('validation failed');
  }
}

async function setLockTimeout(tx: Queryable, opts: RunOptions): Promise<void> {
  const ms = opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  await tx.query(`select pg_catalog.set_config('lock_timeout', $1, true)`, [`${ms}ms`]);
}

export const DEFAULT_LOCK_TIMEOUT_MS = 5000;
const DEFAULT_LOCK_RETRIES = 5;
const DEFAULT_RETRY_DELAY_MS = 1000;

/**
 * Runs a migration step, and again after a wait (doubling) when it gave up
 * waiting for a table lock (SQLSTATE 55P03: a long transaction holds it);
 * the step was rolled back whole, so running it again is safe. Says so on
 * the log, and names the last error when the retries run out.
 */
async function retryingLocks<T>(opts: RunOptions, migration: Migration, direction: 'up' | 'down', run: () => Promise<T>): Promise<T> {
  // a no-transaction migration keeps the statements before a failure: it is not run again from the start
  const retries = isNoTransaction(direction === 'up' ? migration.up : migration.down) ? 0 : (opts.lockRetries ?? DEFAULT_LOCK_RETRIES);
  for (let attempt = 0, wait = opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS; ; attempt++, wait *= 2) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof MigrationError) || err.sqlstate !== LOCK_NOT_AVAILABLE) throw err;
      if (attempt >= retries) {
        throw new MigrationError(
          'lock_timeout',
          `${err.message}\nGave up after ${retries + 1} attempt(s): each waited ${opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS} ms for a table lock that another transaction holds. ` +
            `Find it with \`select pid, state, xact_start, query from pg_stat_activity where wait_event_type is distinct from 'Lock' and xact_start < now() - interval '5 seconds'\`, ` +
            `run the migration when it has finished, or allow a longer wait with --lock-timeout.`,
          { migration: migration.name, sqlstate: LOCK_NOT_AVAILABLE, cause: err },
        );
      }
      opts.log?.(`⟳ ${migration.name} (${direction}): a table lock was not free within ${opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS} ms; rolled back, retry ${attempt + 1} of ${retries} in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const sqlstateOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * A no-transaction migration (CREATE INDEX CONCURRENTLY): one connection, the
 * same lock key taken at session level (so transactional runners wait for it),
 * each statement on its own. A failure leaves the statements before it
 * applied; the error says which ran.
 */
function runOutsideTransaction(db: Db, migration: Migration, direction: 'up' | 'down'): Promise<number | undefined> {
  return db.session(async (conn) => {
    await lock(conn, 'session');
    try {
      const applied = (await readApplied(conn)).some((a) => a.version === migration.version);
      if (applied === (direction === 'up')) return undefined;
      const started = performance.now();
      const statements = splitStatements(direction === 'up' ? migration.up : migration.down);
      for (const [i, statement] of statements.entries()) {
        try {
          await conn.exec(statement);
        } catch (err) {
          throw failure(migration, direction, statement, err, { index: i, count: statements.length });
        }
      }
      const ms = Math.round(performance.now() - started);
      await record(conn, migration, direction, ms);
      return ms;
    } finally {
      // a connection that broke has released its session lock already; never hide the error that broke it
      await conn.query(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => {});
    }
  });
}

async function record(conn: Queryable, migration: Migration, direction: 'up' | 'down', ms: number, validated = true): Promise<void> {
  if (direction === 'up') {
    await conn.query(`insert into ${TABLE} (version, name, checksum, duration_ms, validated) values ($1, $2, $3, $4, $5)`, [migration.version, migration.name, migration.checksum, ms, validated]);
  } else {
    await conn.query(`delete from ${TABLE} where version = $1`, [migration.version]);
  }
}

/**
 * A pending migration numbered below the newest applied one was merged late
 * from another branch; running it now would apply it out of order (drizzle's
 * runner skips it silently). Refuse, naming both.
 */
function refuseOutOfOrder(applied: readonly AppliedRow[], migrations: readonly Migration[]): void {
  const newest = applied.at(-1);
  if (!newest) return;
  const done = new Set(applied.map((a) => a.version));
  const late = migrations.filter((m) => !done.has(m.version) && m.version < newest.version);
  const first = late[0];
  if (!first) return;
  throw new MigrationError(
    'out_of_order',
    `${late.map((m) => m.name).join(', ')} ${late.length === 1 ? 'is' : 'are'} not applied, but ${newest.name}, a later migration, is: ` +
      `${first.name} was merged after ${newest.name} was applied here. Applying it now would run it out of order. ` +
      `Fix: delete the folder of ${first.name} and regenerate it on top with \`npx gen --name ${folderSlug(first.name)}\` (it becomes a migration numbered after ${newest.name}).`,
    { migration: first.name },
  );
}

/**
 * Takes the migration lock, for the transaction (`xact`) or the session.
 * Waits by polling the non-blocking form: a runner blocked inside
 * pg_advisory_xact_lock holds a snapshot, and CREATE INDEX CONCURRENTLY in
 * another runner's no-transaction migration waits for every snapshot holder,
 * which would deadlock. Between polls the waiter holds no snapshot.
 */
async function lock(q: Queryable, scope: 'xact' | 'session' = 'xact'): Promise<void> {
  const fn = scope === 'xact' ? 'pg_try_advisory_xact_lock' : 'pg_try_advisory_lock';
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    const { rows } = await q.query<{ locked: boolean }>(`select ${fn}(${MIGRATION_LOCK_KEY}) as locked`);
    if (rows[0]?.locked === true) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

async function ensureTable(db: Db): Promise<void> {
  if ((await tableExists(db)) && (await hasValidatedColumn(db))) return;
  // Under the lock: two runners racing on CREATE TABLE IF NOT EXISTS can still collide in pg_type.
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`create table if not exists ${TABLE} (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      duration_ms integer not null
    )`);
    // added by the runner that validates constraints after commit; older tables get it here
    await tx.exec(`alter table ${TABLE} add column if not exists validated boolean not null default true`);
  });
}

async function hasValidatedColumn(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ has: boolean }>(
    `select exists (select from pg_attribute where attrelid = $1::regclass and attname = 'validated' and not attisdropped) as has`,
    [TABLE],
  );
  return rows[0]?.has === true;
}

async function tableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [TABLE]);
  return rows[0]?.exists === true;
}

async function readApplied(db: Queryable): Promise<AppliedRow[]> {
  // `migrate status` reads a table an older runner made, without the column, and never writes
  const validated = (await hasValidatedColumn(db)) ? 'validated' : 'true as validated';
  const { rows } = await db.query<AppliedRow>(`select version, name, checksum, applied_at, ${validated} from ${TABLE} order by version`);
  return rows;
}

function verify(applied: readonly AppliedRow[], migrations: readonly Migration[]): void {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const problems: { code: 'checksum_mismatch' | 'missing_file'; line: string; name: string }[] = [];
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) {
      problems.push({
        code: 'missing_file',
        name: row.name,
        line: `${row.name} is applied to the database but its folder is missing: restore it (never delete an applied migration).`,
      });
    } else if (file.checksum !== row.checksum) {
      problems.push({
        code: 'checksum_mismatch',
        name: file.name,
        line:
          `${file.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk): do not edit applied migrations; restore its up.sql/down.sql and add a new migration instead.`,
      });
    }
  }
  const first = problems[0];
  if (!first) return;
  const message = problems.length === 1 ? first.line : `Refusing to migrate:\n${problems.map((p) => `  - ${p.line}`).join('\n')}`;
  throw new MigrationError(first.code, message, { migration: first.name });
}

function downSteps(opts: DownOptions): number {
  if (opts.to !== undefined && opts.steps !== undefined) {
    throw new MigrationError('bad_options', 'Pass either steps or to when migrating down, not both.');
  }
  const steps = opts.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new MigrationError('bad_options', `steps must be a whole number ≥ 0, got ${steps}.`);
  }
  if (opts.to !== undefined && (!Number.isInteger(opts.to) || opts.to < 0)) {
    throw new MigrationError('bad_options', `to must be a migration version ≥ 0, got ${opts.to}.`);
  }
  return steps;
}

interface PgErrorFields {
  readonly message?: string;
  readonly code?: unknown;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string | number;
}

/**
 * 42501 in a migration is the migrating user's privileges, not the SQL: migrations create the application
 * role once per cluster (CREATE ROLE), grant it to themselves (which needs CREATEROLE, or ADMIN OPTION on a
 * role another user made) and create tables in schema public.
 */
const PRIVILEGE_HINT =
  'The migrating user lacks a privilege. Run migrations as the owner: a role that owns the database (or has CREATE on schema public) ' +
  'and has CREATEROLE (ALTER ROLE <owner> CREATEROLE), or, when the application roles already exist, ADMIN OPTION on them ' +
  '(GRANT <app role>, <app role>_<each role> TO <owner> WITH ADMIN OPTION, as a superuser). The API itself should log in as another role; see Deploy in the README.';

function failure(
  migration: Migration,
  direction: 'up' | 'down',
  sql: string,
  err: unknown,
  outside?: { index: number; count: number },
  phase?: 'validate' | 'validate-wait',
): MigrationError {
  const e = (err ?? {}) as PgErrorFields;
  const sqlstate = typeof e.code === 'string' ? e.code : undefined;
  const file = `${migration.name}/${direction}.sql`;
  const where = lineOf(sql, e.position);
  const lines = [
    outside
      ? `Migration ${file} runs outside a transaction and failed at statement ${outside.index + 1} of ${outside.count}; ` +
        `${outside.index === 0 ? 'nothing from it was applied' : `statements 1 to ${outside.index} stay applied`}. ` +
        `A failed CREATE INDEX CONCURRENTLY leaves an INVALID index, which the migration drops when run again.`
      : phase === 'validate-wait'
        ? `Migration ${file} is applied, but validating the constraints it added NOT VALID waited too long for a lock; ` +
          `they are not validated yet (\`gen migrate status\` says so), and the next \`gen migrate up\` validates them first.`
        : phase === 'validate'
        ? `Migration ${file}: existing rows break a constraint it added NOT VALID, so validating it (after the first transaction committed) failed; ` +
          `the migration was reverted with its down.sql, and nothing from it stays applied.`
        : `Migration ${file} failed and was rolled back; nothing from it was applied.`,
    `PostgreSQL: ${e.message ?? String(err)}${sqlstate ? ` (SQLSTATE ${sqlstate})` : ''}${where ? ` at line ${where}` : ''}`,
    ...(e.detail ? [`Detail: ${e.detail}`] : []),
    ...(e.hint ? [`Hint: ${e.hint}`] : []),
    sqlstate === '42501'
      ? PRIVILEGE_HINT
      : phase === 'validate'
        ? `Fix or delete the rows the detail names (or change the constraint in the model), then run the migration again.`
        : `Fix the SQL (or the model it was generated from) and run the migration again.`,
  ];
  return new MigrationError('migration_failed', lines.join('\n'), {
    migration: migration.name,
    ...(sqlstate ? { sqlstate } : {}),
    cause: err,
  });
}

/** PostgreSQL reports a 1-based character offset into the text sent; turn it into a line number. */
function lineOf(sql: string, position: string | number | undefined): number | undefined {
  const offset = Number(position);
  if (!Number.isInteger(offset) || offset < 1 || offset > sql.length + 1) return undefined;
  return sql.slice(0, offset - 1).split('\n').length;
}
