import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db, Queryable } from '../../generator/runtime/db.ts';
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
  /** Failed requests (non-2xx, connection errors, timeouts) of a load case. */
  readonly errors?: number;
}

/** A case that did not run, and why (printed under the table and kept in latest.json). */
export interface Skipped {
  readonly bench: string;
  readonly engine: BenchRow['engine'];
  readonly case: string;
  readonly reason: string;
}

/** What a bench module returns: rows, and the cases it skipped. */
export type BenchResult = BenchRow[] | { rows: BenchRow[]; skipped: Skipped[] };

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

/** The 1-, 5- and 15-minute load averages, rounded: other work on the machine skews every figure. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = loadavg().map((x) => Math.round(x * 100) / 100);
  return [a!, b!, c!];
}

/** Progress for the terminal (stderr): the table on stdout stays clean. */
export const log = (bench: string, line: string) => process.stderr.write(`  ${bench}: ${line}\n`);

/** Deterministic ids, so every engine and every run loads the same rows. */
export const orgId = (o: number) => `00000000-0000-4000-8000-${o.toString(16).padStart(12, '0')}`;
export const userId = (o: number) => `00000000-0000-4000-9000-${o.toString(16).padStart(12, '0')}`;
const orgIdSql = (v: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${v}), 12, '0'))::uuid`;
const userIdSql = (v: string) => `('00000000-0000-4000-9000-' || lpad(to_hex(${v}), 12, '0'))::uuid`;

export interface Dataset {
  readonly orgs: number;
  readonly workflowsPerOrg: number;
  /** The first this many organizations get 2 buckets × 3 criteria per workflow (0: none). */
  readonly orgsWithChecklists?: number;
}

/**
 * Loads `orgs` organizations with one user each and `workflowsPerOrg`
 * workflows each (created a minute apart, newest first), in one transaction
 * on the owner's maintenance path (no audit row per row), then ANALYZE.
 */
export async function loadDataset(db: Db, d: Dataset): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
    await tx.query(`INSERT INTO organizations (id, name, slug) SELECT ${orgIdSql('o')}, 'Org ' || o, 'org-' || o FROM generate_series(1, $1) o`, [d.orgs]);
    await tx.query(
      `INSERT INTO users (id, organization_id, email, full_name, role) SELECT ${userIdSql('o')}, ${orgIdSql('o')}, 'admin@org' || o || '.example', 'Admin ' || o, 'admin' FROM generate_series(1, $1) o`,
      [d.orgs],
    );
    await tx.query(
      `INSERT INTO workflows (organization_id, name, status, created_by, created_at)
       SELECT ${orgIdSql('o')}, 'Workflow ' || w, 'active', ${userIdSql('o')}, now() - w * interval '1 minute'
       FROM generate_series(1, $1) o, generate_series(1, $2) w`,
      [d.orgs, d.workflowsPerOrg],
    );
    const withChecklists = d.orgsWithChecklists ?? 0;
    if (withChecklists > 0) {
      const orgs = Array.from({ length: withChecklists }, (_, i) => orgId(i + 1));
      await tx.query(
        `INSERT INTO buckets (organization_id, workflow_id, name, position)
         SELECT w.organization_id, w.id, 'Section ' || (b + 1), b FROM workflows w, generate_series(0, 1) b WHERE w.organization_id = ANY($1::uuid[])`,
        [orgs],
      );
      await tx.query(
        `INSERT INTO criteria (organization_id, bucket_id, title, position, guidance)
         SELECT b.organization_id, b.id, b.name || ': requirement ' || (c + 1), c, 'Quote the passage that meets the requirement.'
         FROM buckets b, generate_series(0, 2) c WHERE b.organization_id = ANY($1::uuid[])`,
        [orgs],
      );
    }
  });
  await db.exec('ANALYZE');
}

/**
 * The statement the generated API starts each request with (templates/api/db.ts.hbs): the tenant and user for this
 * transaction, and the database role schemagen_begin names after checking that the user is an active member.
 */
export const BEGIN_REQUEST = `SELECT set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true), set_config('role', schemagen_begin($1::uuid, $2::uuid), true)`;

/** Runs `fn` in a transaction as organization `o`'s admin, as the API does. */
export function asTenant<T>(db: Db, o: number, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(BEGIN_REQUEST, [orgId(o), userId(o)]);
    return fn(tx);
  });
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free TCP port on the loopback interface (the OS picks it; there is a short window before the server takes it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `node <script>` (a .ts script through `--import tsx`) in its own process on 127.0.0.1 with
 * `env` added, and waits until GET `readyPath` answers 200. Its stderr is kept and shown if it dies.
 */
export async function startServer(script: string, env: Record<string, string>, readyPath = '/health'): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before it was ready: ${stderr}`);
    try {
      const r = await fetch(`${url}${readyPath}`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not answer ${readyPath} within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `node --import tsx <script>` with `input` as JSON on stdin; its stdout parsed as JSON. */
export async function runJsonChild<T>(script: string, input: unknown, args: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${out.slice(0, 500)} ${err}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
