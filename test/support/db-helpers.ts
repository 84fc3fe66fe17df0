import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
import { migrateUp, readMigrations } from '../../generator/runtime/migrations.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Applies the committed generated/migrations. */
export async function applyMigrations(db: Db): Promise<void> {
  await migrateUp(db, await readMigrations(join(ROOT, 'generated/migrations')));
}

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back, so each test leaves the database as it found it. */
export async function rolledBack(db: Db, fn: (tx: Queryable) => Promise<void>): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await fn(tx);
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
}

let savepoints = 0;
/** Expects the statement to fail with one of the SQLSTATEs, inside a savepoint so the transaction goes on. */
export async function expectSqlError(tx: Queryable, sql: string, params: readonly unknown[], sqlstates: string | readonly string[]): Promise<string> {
  const sp = `sp_${++savepoints}`;
  await tx.query(`SAVEPOINT ${sp}`);
  let code: string | undefined;
  let message = '';
  try {
    await tx.query(sql, params);
  } catch (err) {
    code = (err as { code?: string }).code;
    message = (err as Error).message;
  }
  await tx.query(`ROLLBACK TO SAVEPOINT ${sp}`);
  expect(code, `expected ${String(sqlstates)} from: ${sql}`).toBeDefined();
  expect([sqlstates].flat(), `${sql} failed with ${code}: ${message}`).toContain(code);
  return message;
}
