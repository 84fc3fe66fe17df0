import pg from 'pg';
import { join } from 'node:path';
import type { Db } from '../../generator/runtime/db.ts';
import { migrateUp, readMigrations } from '../../generator/runtime/migrations.ts';
import { benchEngines, BEGIN_REQUEST, loadDataset, log, orgId, quantile, ROOT, userId, type BenchRow } from './harness.ts';

const ORGS = Number(process.env.BENCH_ORGS ?? 100);
const PER_ORG = Number(process.env.BENCH_WORKFLOWS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const ROUNDS = 6;
const CONCURRENCY = 20;
const SECONDS = Number(process.env.BENCH_AUTHZ_SECONDS ?? 3);

/** Before roles (migration 0001): one application role, tenant-only policies, no membership check. */
const BEGIN_TENANT_ONLY = `SELECT set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true), set_config('role', 'app_user', true)`;

interface Case {
  readonly readOnly: boolean;
  readonly sql: string;
  readonly params: (o: number, i: number) => unknown[];
}

const CASES: Record<string, Case> = {
  'list: 20 newest workflows': { readOnly: true, sql: `SELECT id, name, status, created_at FROM workflows ORDER BY created_at DESC, id DESC LIMIT 21`, params: () => [] },
  'get: one workflow by id': {
    readOnly: true,
    sql: `SELECT id, name, status, created_at FROM workflows WHERE id = (SELECT id FROM workflows WHERE organization_id = $1 ORDER BY created_at DESC OFFSET $2 LIMIT 1)`,
    params: (o, i) => [orgId(o), i % 50],
  },
  'create: one workflow (audited)': { readOnly: false, sql: `INSERT INTO workflows (organization_id, name) VALUES ($1, $2) RETURNING id`, params: (o, i) => [orgId(o), `authz bench ${i} ${Math.random()}`] },
};

interface Schema {
  readonly label: string;
  readonly begin: string;
  db?: Db;
  url?: string;
  close?: () => Promise<void>;
}

/**
 * What roles and membership cost the API's transactions: the same requests on the same data against the schema of
 * migration 0001 alone (one application role, tenant-only policies, no membership check) and against the whole
 * history (the user's role read from its row by the policies, membership checked by the request's first statement,
 * the audit chain). Both databases are loaded first, then measured in alternation (A B B A …), so a machine that
 * gets busier in between skews both alike. One connection, sequential; on PostgreSQL also 20 connections at once.
 */
export default async function authzOverhead(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const all = await readMigrations(join(ROOT, 'generated/migrations'));
  for (const engine of benchEngines()) {
    const schemas: Schema[] = [
      { label: '0001 only (tenant policies)', begin: BEGIN_TENANT_ONLY },
      { label: 'roles + membership', begin: BEGIN_REQUEST },
    ];
    try {
      for (const s of schemas) {
        const h = await engine.open();
        Object.assign(s, { db: h.db, url: h.url, close: h.close });
        await migrateUp(h.db, s.label.startsWith('0001') ? all.filter((m) => m.version === 1) : all);
        await loadDataset(h.db, { orgs: ORGS, workflowsPerOrg: PER_ORG });
      }
      const o = Math.ceil(ORGS / 2);
      for (const [name, c] of Object.entries(CASES)) {
        const times: number[][] = schemas.map(() => []);
        let i = 0;
        for (let round = 0; round < ROUNDS; round++)
          for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
            const s = schemas[k]!;
            const once = () =>
              s.db!.transaction(async (tx) => {
                await tx.query(s.begin, [orgId(o), userId(o)]);
                await tx.query(c.sql, c.params(o, i++));
              });
            for (let w = 0; w < 5; w++) await once();
            for (let r = 0; r < RUNS / ROUNDS; r++) {
              const t = performance.now();
              await once();
              times[k]!.push(performance.now() - t);
            }
          }
        const stats = times.map((t) => {
          const sorted = [...t].sort((a, b) => a - b);
          return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), n: sorted.length };
        });
        schemas.forEach((s, k) => rows.push({ bench: 'authz-overhead', engine: engine.name, case: `${name}, one connection, ${s.label}`, ...stats[k]! }));
        const ratio = stats[1]!.median / stats[0]!.median;
        rows.push({ bench: 'authz-overhead', engine: engine.name, case: `${name}: roles + membership ÷ 0001 (median latency, one connection)`, n: RUNS, median: ratio, value: ratio, unit: '×', goal: '< 1.05×', met: ratio < 1.05 });
        log('authz-overhead', `${engine.name} ${name}: ${stats.map((x) => x.median.toFixed(3)).join(' vs ')} ms`);
        if (engine.name !== 'pg') continue;
        // 20 connections acting for 20 organizations; a create also for one (its audit chain takes turns per organization)
        const spreads: [string, number[]][] = [[`${CONCURRENCY} organizations`, Array.from({ length: CONCURRENCY }, (_, k) => k + 1)]];
        if (!c.readOnly) spreads.push(['one organization', [o]]);
        for (const [spread, orgs] of spreads) {
          const rates: number[][] = schemas.map(() => []);
          for (const k of [0, 1, 1, 0]) rates[k]!.push(await throughput(schemas[k]!.url!, schemas[k]!.begin, c, orgs));
          const mean = rates.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
          schemas.forEach((s, k) =>
            rows.push({ bench: 'authz-overhead', engine: engine.name, case: `${name}, ${CONCURRENCY} connections for ${spread}, ${s.label} (2 × ${SECONDS} s)`, n: 2, median: Number.NaN, value: mean[k]!, unit: 'req/s' }),
          );
          const r = mean[1]! / mean[0]!;
          rows.push({ bench: 'authz-overhead', engine: engine.name, case: `${name}, ${spread}: roles + membership ÷ 0001 (req/s, ${CONCURRENCY} connections)`, n: 2, median: r, value: r, unit: '×', goal: '≥ 0.95×', met: r >= 0.95 });
        }
      }
    } finally {
      for (const s of schemas) await s.close?.();
    }
  }
  return rows;
}

/** Requests per second with CONCURRENCY connections looping for SECONDS after a 1 s warm-up; connection k acts for orgs[k]. */
async function throughput(url: string, begin: string, c: Case, orgs: readonly number[]): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  let count = 0;
  let counting = false;
  let i = 0;
  const stopAt = Date.now() + 1000 + SECONDS * 1000;
  const warm = setTimeout(() => (counting = true), 1000);
  const loop = async (k: number) => {
    const o = orgs[k % orgs.length]!;
    const client = await pool.connect();
    try {
      while (Date.now() < stopAt) {
        await client.query(c.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
        await client.query(begin, [orgId(o), userId(o)]);
        await client.query(c.sql, c.params(o, i++));
        await client.query('COMMIT');
        if (counting) count++;
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => loop(k)));
  clearTimeout(warm);
  await pool.end();
  return count / SECONDS;
}
