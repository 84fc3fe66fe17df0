import { cpus, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../generator/runtime/db.ts';
import { openPg } from '../../generator/runtime/pg-db.ts';
import { openPglite } from '../../generator/runtime/pglite-db.ts';

/** One line of the results table. Latencies in milliseconds. */
export interface BenchRow {
  readonly bench: string;
  readonly engine: 'pglite' | 'pg' | 'node';
  readonly case: string;
  readonly n: number;
  readonly median: number;
  readonly p95?: number;
  readonly p99?: number;
  /** A derived figure (rows/s, a ratio) with its unit. */
  readonly value?: number;
  readonly unit?: string;
  readonly goal?: string;
  readonly met?: boolean;
}

export interface BenchEngine {
  readonly name: 'pglite' | 'pg';
  open(): Promise<{ db: Db; url?: string; close(): Promise<void> }>;
}

/** PGlite always; PostgreSQL when BENCH_DATABASE_URL is set (each bench gets a fresh database). */
export function benchEngines(): BenchEngine[] {
  const out: BenchEngine[] = [{ name: 'pglite', open: async () => { const db = await openPglite({}); return { db, close: () => db.close() }; } }];
  const admin = process.env.BENCH_DATABASE_URL;
  if (admin)
    out.push({
      name: 'pg',
      async open() {
        const name = `sg_bench_${randomBytes(4).toString('hex')}`;
        const run = async (sql: string) => {
          const c = new pg.Client({ connectionString: admin });
          await c.connect();
          await c.query(sql).finally(() => c.end());
        };
        await run(`CREATE DATABASE ${name}`);
        const u = new URL(admin);
        u.pathname = `/${name}`;
        const db = await openPg(u.toString(), { max: 20 });
        return { db, url: u.toString(), close: async () => { await db.close(); await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } };
      },
    });
  return out;
}

export const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Runs `fn` `warmup` times unmeasured, then `n` times measured; returns median, p95, p99 in ms. */
export async function measure(fn: () => Promise<unknown>, n: number, warmup = Math.ceil(n / 10)): Promise<{ median: number; p95: number; p99: number; n: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), p99: quantile(times, 0.99), n };
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}
