import type { FastifyInstance } from 'fastify';
import { buildApp, type DbPool } from '../../generated/api/app.ts';
import { createPgPool } from '../../generated/api/db.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { singleSessionPool } from '../../generator/runtime/pglite-pool.ts';
import { applyMigrations } from '../support/db-helpers.ts';
import { asTenant, benchEngines, loadDataset, log, measure, orgId, userId, type BenchRow } from './harness.ts';

/**
 * EPIC-01's performance list, on each engine, on one freshly migrated
 * database holding ORGS × PER_ORG workflows (the first CHECKLIST_ORGS
 * organizations' workflows with 2 buckets × 3 criteria each):
 *
 * - 1,000 workflows inserted through the API's bulk endpoint (one POST of an
 *   array, real HTTP to the generated app listening on 127.0.0.1) and as one
 *   SQL statement, both as the application role under RLS with the audit
 *   trigger on (epic: under 10 s);
 * - one organization's workflows through the API (GET /v1/workflows, the 20
 *   newest; epic: under 50 ms). All 1,000 of them in one query are the
 *   rls-overhead bench;
 * - one workflow with its buckets and criteria, one join as the application
 *   role (epic: under 100 ms).
 *
 * The default seed load (epic: under 5 s) is the seed bench.
 */
const ORGS = Number(process.env.BENCH_ORGS ?? 100);
const PER_ORG = Number(process.env.BENCH_WORKFLOWS ?? 1000);
const CHECKLIST_ORGS = Math.min(ORGS, 10);
const INSERT_RUNS = Number(process.env.BENCH_INSERT_RUNS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const BULK = 1000;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

export default async function epic(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const label = `${ORGS} orgs × ${PER_ORG} workflows`;
  for (const engine of benchEngines()) {
    const h = await engine.open();
    let app: FastifyInstance | undefined;
    let pool: DbPool | undefined;
    try {
      await applyMigrations(h.db);
      const t = performance.now();
      await loadDataset(h.db, { orgs: ORGS, workflowsPerOrg: PER_ORG, orgsWithChecklists: CHECKLIST_ORGS });
      log('epic', `${engine.name}: loaded ${label} (+ buckets and criteria for ${CHECKLIST_ORGS} orgs) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      // the generated app, as the tests build it, over real HTTP on the loopback interface
      pool = engine.name === 'pg' ? createPgPool({ url: h.url!, max: 20 }) : (singleSessionPool(h.db) as DbPool);
      app = buildApp({ pool, jwt: { secret: SECRET } });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const bulkOrg = ORGS; // an organization with its 1,000 workflows and no checklists
      const token = devToken(SECRET, { userId: userId(bulkOrg), orgId: orgId(bulkOrg) });

      let batch = 0;
      const names = () => {
        batch++;
        return Array.from({ length: BULK }, (_, i) => `Bulk ${batch}.${i + 1}`);
      };
      const api = await measure(async () => {
        const body = JSON.stringify(names().map((name) => ({ name, description: 'Inserted by the bench' })));
        const r = await fetch(`${base}/v1/workflows`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        const out = (await r.json()) as unknown[];
        if (r.status !== 201 || out.length !== BULK) throw new Error(`bulk POST answered ${r.status} with ${JSON.stringify(out).slice(0, 300)}`);
      }, INSERT_RUNS, 1);
      rows.push({ bench: 'epic', engine: engine.name, case: `insert ${BULK} workflows: API bulk POST (HTTP, one transaction, RLS, audit)`, ...api, value: BULK / (api.median / 1000), unit: 'rows/s', goal: '< 10,000 ms', met: api.median < 10_000 });

      const sql = await measure(
        () =>
          asTenant(h.db, bulkOrg, async (tx) => {
            const r = await tx.query(`INSERT INTO workflows (organization_id, name, description) SELECT $1::uuid, n, 'Inserted by the bench' FROM unnest($2::text[]) n`, [orgId(bulkOrg), names()]);
            if (r.rowCount !== BULK) throw new Error(`inserted ${r.rowCount}`);
          }),
        INSERT_RUNS * 2,
        1,
      );
      rows.push({ bench: 'epic', engine: engine.name, case: `insert ${BULK} workflows: one SQL INSERT … unnest (app role, RLS, audit)`, ...sql, value: BULK / (sql.median / 1000), unit: 'rows/s', goal: '< 10,000 ms', met: sql.median < 10_000 });

      let o = 0;
      const list = await measure(async () => {
        const org = (o++ % ORGS) + 1;
        const r = await fetch(`${base}/v1/workflows?sort=-created_at`, { headers: { authorization: `Bearer ${devToken(SECRET, { userId: userId(org), orgId: orgId(org) })}` } });
        const page = (await r.json()) as { data: unknown[] };
        if (r.status !== 200 || page.data.length !== 20) throw new Error(`list answered ${r.status}`);
      }, RUNS);
      rows.push({ bench: 'epic', engine: engine.name, case: `workflows of one org: GET /v1/workflows?sort=-created_at, 20 rows (HTTP, ${label})`, ...list, goal: '< 50 ms', met: list.p95 < 50 });

      // the join: a different workflow (and organization) each time
      const ids = (
        await h.db.query<{ id: string; org: string }>(`SELECT id::text, organization_id::text AS org FROM workflows WHERE organization_id = ANY($1::uuid[]) ORDER BY md5(id::text) LIMIT 1000`, [
          Array.from({ length: CHECKLIST_ORGS }, (_, i) => orgId(i + 1)),
        ])
      ).rows.map((r) => ({ id: r.id, o: Number.parseInt(r.org.slice(-12), 16) }));
      let k = 0;
      const join = await measure(() => {
        const w = ids[k++ % ids.length]!;
        return asTenant(h.db, w.o, async (tx) => {
          const r = await tx.query(
            `SELECT w.id, w.name, w.status, b.id AS bucket_id, b.name AS bucket, b.position AS bucket_position,
                    c.id AS criterion_id, c.title, c.position, c.is_mandatory, c.weight
             FROM workflows w
             LEFT JOIN buckets b ON b.workflow_id = w.id
             LEFT JOIN criteria c ON c.bucket_id = b.id
             WHERE w.id = $1
             ORDER BY b.position, c.position`,
            [w.id],
          );
          if (r.rows.length !== 6) throw new Error(`the join returned ${r.rows.length} rows, expected 2 buckets × 3 criteria`);
        });
      }, RUNS);
      rows.push({ bench: 'epic', engine: engine.name, case: `one workflow with its buckets and criteria: one join (app role, RLS, ${label})`, ...join, goal: '< 100 ms', met: join.p95 < 100 });
    } finally {
      await app?.close();
      if (engine.name === 'pg') await pool?.end();
      await h.close();
    }
  }
  return rows;
}
