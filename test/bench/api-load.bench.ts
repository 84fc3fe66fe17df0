import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { applyMigrations } from '../support/db-helpers.ts';
import { benchEngines, loadDataset, log, orgId, quantile, ROOT, runJsonChild, startServer, userId, type BenchResult, type BenchRow, type ServerProcess } from './harness.ts';
import type { LoadResult, LoadSpec, RequestTemplate } from './load-client.ts';

/**
 * The generated API under load against a hand-written one (`baseline-server.ts`: Fastify + pg written for this
 * schema by hand, sharing no code and no SQL with generated/api), over real HTTP on PostgreSQL: each server in its
 * own process with DB_POOL_MAX=20, RLS, roles and JWT on, the generated one built to JavaScript as `npm start` runs
 * it; autocannon drives them from a third process with BENCH_API_CONNECTIONS connections as one admin of the
 * largest of 20 organizations (10,000 of the 21,400 workflows). Each profile runs in two rounds per server in the
 * order generated, baseline, baseline, generated (a warm-up, then half the measured time each), so a machine that
 * gets busier hits both alike; requests/s is the median of the pooled one-second counts, latencies percentiles of
 * every pooled response; errors count non-2xx answers and connection errors. What a profile creates is deleted
 * before the next.
 *
 * PostgreSQL only: PGlite is one session that runs every query on the server's event loop.
 */
const ORGS = 20;
const BIG = Number(process.env.BENCH_API_BIG ?? 10_000);
const PER_ORG = Number(process.env.BENCH_API_WORKFLOWS ?? 600);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 6);
const WARMUP = Number(process.env.BENCH_API_WARMUP ?? 2);
const SECRET = 'bench-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const CALLER = 1;

type Profile = { readonly name: string; readonly label: string; readonly requests: (deepCursor: string) => RequestTemplate[] };
const SORTS = ['name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'];
const PROFILES: readonly Profile[] = [
  { name: 'list-key', label: 'list, key order', requests: () => [{ method: 'GET', path: '/v1/workflows' }] },
  ...SORTS.map((s) => ({ name: `list${s}`, label: `list, sort=${s}`, requests: () => [{ method: 'GET' as const, path: `/v1/workflows?sort=${s}` }] })),
  { name: 'filter', label: 'list, status=eq.active&created_by=eq.<caller>', requests: () => [{ method: 'GET', path: `/v1/workflows?status=eq.active&created_by=eq.${userId(CALLER)}` }] },
  { name: 'deep', label: 'list, a page 5,000 rows deep (sort=-created_at)', requests: (cursor) => [{ method: 'GET', path: `/v1/workflows?sort=-created_at&cursor=${cursor}` }] },
  { name: 'get', label: 'get a workflow by id', requests: () => [{ method: 'GET', path: '/v1/workflows/{id}' }] },
  { name: 'create', label: 'create a workflow', requests: () => [{ method: 'POST', path: '/v1/workflows', body: 'workflow' }] },
  { name: 'nested', label: 'create a workflow with 2 buckets × 3 criteria', requests: () => [{ method: 'POST', path: '/v1/workflows', body: 'nested' }] },
  {
    name: 'mixed',
    label: 'mixed: 40 % list, 40 % get, 10 % create, 10 % update',
    requests: () => [
      { method: 'GET', path: '/v1/workflows?sort=-created_at', weight: 4 },
      { method: 'GET', path: '/v1/workflows/{id}', weight: 4 },
      { method: 'POST', path: '/v1/workflows', body: 'workflow', weight: 1 },
      { method: 'PATCH', path: '/v1/workflows/{id}', body: 'patch', weight: 1 },
    ],
  },
];
/** BENCH_API_PROFILES=list-key,get picks profiles; all by default. */
const CHOSEN = process.env.BENCH_API_PROFILES?.split(',').map((p) => p.trim());
const empty = () => ({ latencies: [] as number[], perSecond: [] as number[], errors: 0, statusCodes: {} as Record<string, number> });

/** The cursor after `rows` rows of `path`, following each server's own next_cursor (their formats differ). */
async function cursorAfter(url: string, token: string, path: string, rows: number): Promise<string> {
  let cursor = '';
  for (let seen = 0; seen < rows; seen += 100) {
    const r = await fetch(`${url}${path}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await r.json()) as { next_cursor: string | null };
    if (!r.ok || !body.next_cursor) throw new Error(`${url}${path}: no page after ${seen} rows (${r.status} ${JSON.stringify(body)})`);
    cursor = encodeURIComponent(body.next_cursor);
  }
  return cursor;
}

export default async function apiLoad(): Promise<BenchResult> {
  const engine = benchEngines().find((e) => e.name === 'pg');
  if (!engine) {
    const reason = 'BENCH_DATABASE_URL is not set: the API load cases need PostgreSQL (PGlite is one session, serialising every request)';
    log('api-load', `skipped: ${reason}`);
    return { rows: [], skipped: [{ bench: 'api-load', engine: 'pg', case: 'all profiles, generated and baseline', reason }] };
  }
  const rows: BenchRow[] = [];
  const h = await engine.open();
  const servers: ServerProcess[] = [];
  try {
    await applyMigrations(h.db);
    await loadDataset(h.db, { orgs: ORGS, workflowsPerOrg: PER_ORG });
    await h.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
      await tx.query(
        `INSERT INTO workflows (organization_id, name, status, created_by, created_at)
         SELECT $1, 'Large ' || w, CASE WHEN w % 3 = 0 THEN 'draft' ELSE 'active' END::workflow_status, $2, now() - w * interval '1 second' FROM generate_series(1, $3) w`,
        [orgId(CALLER), userId(CALLER), BIG - PER_ORG],
      );
    });
    await h.db.exec('VACUUM ANALYZE');
    const ids = (await h.db.query<{ id: string }>('SELECT id::text FROM workflows WHERE organization_id = $1', [orgId(CALLER)])).rows.map((r) => r.id);
    const token = devToken(SECRET, { userId: userId(CALLER), orgId: orgId(CALLER) });
    execFileSync('npm', ['run', 'build', '--prefix', join(ROOT, 'generated/api')], { stdio: 'ignore' });
    const env = { DATABASE_URL: h.url!, JWT_SECRET: SECRET, DB_POOL_MAX: '20', LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' }; // autocannon is one client: no rate limit
    const generated = await startServer(join(ROOT, 'generated/api/dist/server.js'), env, '/ready');
    servers.push(generated);
    const baseline = await startServer(join(ROOT, 'test/bench/baseline-server.ts'), env);
    servers.push(baseline);
    log('api-load', `generated pid ${generated.pid} at ${generated.url}, baseline pid ${baseline.pid} at ${baseline.url}; ${ORGS} orgs, ${ids.length} workflows for the caller`);
    const deep = { generated: await cursorAfter(generated.url, token, '/v1/workflows?sort=-created_at', 5000), baseline: await cursorAfter(baseline.url, token, '/v1/workflows?sort=-created_at', 5000) };

    for (const p of PROFILES.filter((x) => !CHOSEN || CHOSEN.includes(x.name))) {
      const pooled = { generated: empty(), baseline: empty() };
      for (const name of ['generated', 'baseline', 'baseline', 'generated'] as const) {
        const server = name === 'generated' ? generated : baseline;
        const spec: LoadSpec = { url: server.url, connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS / 2, token, ids, requests: p.requests(deep[name]) };
        const r = await runJsonChild<LoadResult>(join(ROOT, 'test/bench/load-client.ts'), spec);
        const pool = pooled[name];
        pool.latencies.push(...r.latencies);
        pool.perSecond.push(...r.perSecond);
        pool.errors += r.non2xx + r.errors;
        for (const [code, count] of Object.entries(r.statusCodes)) pool.statusCodes[code] = (pool.statusCodes[code] ?? 0) + count;
        log('api-load', `${name} ${p.name}: ${r.perSecond.join(', ')} responses per second, status ${JSON.stringify(r.statusCodes)}, ${r.errors} connection errors`);
      }
      const rps: Record<string, number> = {};
      for (const name of ['generated', 'baseline'] as const) {
        const pool = pooled[name];
        const lat = [...pool.latencies].sort((a, b) => a - b);
        rps[name] = quantile([...pool.perSecond].sort((a, b) => a - b), 0.5);
        rows.push({
          bench: 'api-load',
          engine: 'pg',
          case: `${name === 'generated' ? 'generated API' : 'hand-written'}: ${p.label} (${CONNECTIONS} conn., 2 × ${SECONDS / 2} s)`,
          n: lat.length,
          median: quantile(lat, 0.5),
          p95: quantile(lat, 0.95),
          p99: quantile(lat, 0.99),
          value: rps[name],
          unit: 'req/s',
          errors: pool.errors,
          goal: '0 errors',
          met: pool.errors === 0,
        });
      }
      await h.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
        await tx.query(`DELETE FROM workflows WHERE name LIKE 'Load %'`);
      });
      await h.db.exec('VACUUM ANALYZE workflows, buckets, criteria');
      const ratio = rps.generated! / rps.baseline!;
      rows.push({ bench: 'api-load', engine: 'pg', case: `generated ÷ hand-written, ${p.label} (median req/s)`, n: 1, median: ratio, value: ratio, unit: '×', goal: '≥ 0.95×', met: ratio >= 0.95 });
    }
  } finally {
    for (const s of servers) await s.stop();
    await h.close();
  }
  return rows;
}
