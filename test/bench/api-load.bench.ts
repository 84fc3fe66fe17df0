import { join } from 'node:path';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { applyMigrations } from '../support/db-helpers.ts';
import { benchEngines, loadDataset, log, orgId, quantile, ROOT, runJsonChild, startServer, userId, type BenchResult, type BenchRow, type ServerProcess } from './harness.ts';
import type { LoadResult, LoadSpec, Profile } from './load-client.ts';

/**
 * The API under load, over real HTTP on PostgreSQL: the generated server
 * (`generated/api/server.ts`, as `npm start` runs it) and the hand-written
 * baseline (`baseline-server.ts`), each in its own process with
 * DB_POOL_MAX=20, RLS and JWT on, driven by autocannon from a third process
 * (`load-client.ts`) with 100 connections. Each profile runs in two rounds
 * per server, in the order generated, baseline, baseline, generated, each
 * round a warm-up and then half the measured time; requests/s is the median
 * of the pooled one-second counts, latencies are percentiles of every
 * pooled response. Requests spread over BENCH_API_ORGS organizations (one
 * token each); errors count non-2xx answers and connection errors. The rows
 * a profile creates are deleted before the next one starts.
 *
 * PostgreSQL only: PGlite is one session that runs every query on the
 * server's event loop, so a load figure on it would measure the
 * serialisation, not the API.
 */
const ORGS = Number(process.env.BENCH_API_ORGS ?? 10);
const PER_ORG = Number(process.env.BENCH_API_WORKFLOWS ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_API_WARMUP ?? 2);
const POOL = '20';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const empty = () => ({ latencies: [] as number[], perSecond: [] as number[], errors: 0, statusCodes: {} as Record<string, number> });
const PROFILES: readonly { profile: Profile; label: string }[] = [
  { profile: 'list', label: 'list, 20 newest workflows' },
  { profile: 'get', label: 'get a workflow by id' },
  { profile: 'create', label: 'create a workflow' },
  { profile: 'mixed', label: 'mixed: 40 % list, 40 % get, 10 % create, 10 % update' },
  { profile: 'update', label: 'update a workflow (PATCH description)' },
];
/** BENCH_API_PROFILES=list,update picks profiles; the default is the first four. */
const CHOSEN = process.env.BENCH_API_PROFILES?.split(',').map((p) => p.trim()) ?? ['list', 'get', 'create', 'mixed'];

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
    const all = await h.db.query<{ id: string; organization_id: string }>('SELECT id::text, organization_id::text FROM workflows');
    const orgs = Array.from({ length: ORGS }, (_, i) => i + 1);
    const ids = orgs.map((o) => all.rows.filter((r) => r.organization_id === orgId(o)).map((r) => r.id));
    const tokens = orgs.map((o) => devToken(SECRET, { userId: userId(o), orgId: orgId(o) }));
    const env = { DATABASE_URL: h.url!, JWT_SECRET: SECRET, DB_POOL_MAX: POOL, LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' }; // autocannon is one client: no rate limit
    const generated = await startServer(join(ROOT, 'generated/api/server.ts'), env, '/ready');
    servers.push(generated);
    const baseline = await startServer(join(ROOT, 'test/bench/baseline-server.ts'), env);
    servers.push(baseline);
    log('api-load', `generated server pid ${generated.pid} at ${generated.url}, baseline pid ${baseline.pid} at ${baseline.url}; ${ORGS} orgs × ${PER_ORG} workflows`);

    for (const { profile, label } of PROFILES.filter((p) => CHOSEN.includes(p.profile))) {
      const pooled = { generated: empty(), baseline: empty() };
      // two rounds in the order generated, baseline, baseline, generated: drift in the machine's load hits both alike
      for (const name of ['generated', 'baseline', 'baseline', 'generated'] as const) {
        const server = name === 'generated' ? generated : baseline;
        const spec: LoadSpec = { url: server.url, profile, connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS / 2, tokens, ids };
        const r = await runJsonChild<LoadResult>(join(ROOT, 'test/bench/load-client.ts'), spec);
        const p = pooled[name];
        p.latencies.push(...r.latencies);
        p.perSecond.push(...r.perSecond);
        p.errors += r.non2xx + r.errors;
        for (const [code, count] of Object.entries(r.statusCodes)) p.statusCodes[code] = (p.statusCodes[code] ?? 0) + count;
        log('api-load', `${name} ${profile}: ${r.perSecond.join(', ')} responses per second, status ${JSON.stringify(r.statusCodes)}, ${r.errors} connection errors (${r.timeouts} timeouts)`);
      }
      const rps: Record<string, number> = {};
      for (const name of ['generated', 'baseline'] as const) {
        const p = pooled[name];
        const lat = [...p.latencies].sort((a, b) => a - b);
        rps[name] = quantile([...p.perSecond].sort((a, b) => a - b), 0.5);
        rows.push({
          bench: 'api-load',
          engine: 'pg',
          case: `${name === 'generated' ? 'generated API' : 'baseline'}: ${label} (${CONNECTIONS} conn., 2 × ${SECONDS / 2} s)`,
          n: lat.length,
          median: quantile(lat, 0.5),
          p95: quantile(lat, 0.95),
          p99: quantile(lat, 0.99),
          value: rps[name],
          unit: 'req/s',
          errors: p.errors,
          ...(name === 'generated' ? { goal: 'p95 < 100 ms, 0 errors', met: quantile(lat, 0.95) < 100 && p.errors === 0 } : { goal: '0 errors', met: p.errors === 0 }),
        });
      }
      // every profile starts from the same rows: remove what this one created (the list reads all of a tenant's rows, see README)
      await h.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL schemagen.maintenance = 'on'`);
        await tx.query(`DELETE FROM workflows WHERE name LIKE 'Load %'`);
      });
      await h.db.exec('VACUUM ANALYZE workflows');
      const ratio = rps.generated! / rps.baseline!;
      rows.push({ bench: 'api-load', engine: 'pg', case: `generated ÷ baseline, ${profile} (median req/s)`, n: 1, median: ratio, value: ratio, unit: '×', goal: '≥ 0.9×', met: ratio >= 0.9 });
    }
  } finally {
    for (const s of servers) await s.stop();
    await h.close();
  }
  return rows;
}
