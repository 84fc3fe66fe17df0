import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import type { Db } from '../../generator/runtime/db.ts';
import { openPg } from '../../generator/runtime/pg-db.ts';
import { openPglite } from '../../generator/runtime/pglite-db.ts';

/** Admin URL of a real PostgreSQL (15 in CI); the pg variants run only when it is set. */
export const pgAdminUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined;
export const PG_SKIP_REASON = 'TEST_DATABASE_URL not set: PostgreSQL variants skipped';

export interface EngineHandle {
  readonly db: Db;
  /** pg only: the URL of this handle's own database, to open more pools on it. */
  readonly url?: string;
  close(): Promise<void>;
}

export interface Engine {
  readonly name: 'pglite' | 'pg';
  open(): Promise<EngineHandle>;
}

const pglite: Engine = {
  name: 'pglite',
  async open() {
    const db = await openPglite({});
    return { db, close: () => db.close() };
  },
};

const postgres = (adminUrl: string): Engine => ({
  name: 'pg',
  async open() {
    const name = `sg_${randomBytes(6).toString('hex')}`;
    await admin(adminUrl, `create database ${name}`);
    const url = withDatabase(adminUrl, name);
    const db = await openPg(url);
    return {
      db,
      url,
      async close() {
        await db.close();
        await admin(adminUrl, `drop database if exists ${name} with (force)`);
      },
    };
  },
});

/** Always PGlite (in memory); PostgreSQL too when TEST_DATABASE_URL is set. */
export const engines: readonly Engine[] = pgAdminUrl ? [pglite, postgres(pgAdminUrl)] : [pglite];

/** The pg engine, or undefined when TEST_DATABASE_URL is unset. */
export const pgEngine: Engine | undefined = engines.find((e) => e.name === 'pg');

/**
 * Registers `describe(engine.name, …)` for every engine, and a visibly skipped pg entry when
 * TEST_DATABASE_URL is unset, so a run without PostgreSQL never looks like a full pass.
 */
export function describeEachEngine(title: string, body: (engine: Engine) => void): void {
  for (const engine of engines) describe(`${title} [${engine.name}]`, () => body(engine));
  if (!pgAdminUrl) describe.skip(`${title} [pg]`, () => it.skip(PG_SKIP_REASON, () => {}));
}

/** `describe` for tests that need real PostgreSQL; skipped with the reason in its name otherwise. */
export function describePg(title: string, body: (engine: Engine) => void): void {
  if (pgEngine) describe(`${title} [pg]`, () => body(pgEngine));
  else describe.skip(`${title} [pg] (${PG_SKIP_REASON})`, () => it.skip(PG_SKIP_REASON, () => {}));
}

/** Drops and recreates schema `public`, leaving the database as new for the next test. */
export async function resetPublicSchema(db: Db): Promise<void> {
  await db.exec('drop schema if exists public cascade; create schema public;');
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
