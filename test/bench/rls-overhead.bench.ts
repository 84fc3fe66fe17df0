import { applyMigrations } from '../support/db-helpers.ts';
import { asTenant, benchEngines, loadDataset, measure, orgId, type BenchRow } from './harness.ts';

const ORGS = Number(process.env.BENCH_ORGS ?? 100);
const PER_ORG = Number(process.env.BENCH_WORKFLOWS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

/**
 * "Workflows of one organization" (all of its rows, newest first) as an admin
 * under RLS (membership checked, role read from the user row), against the same query as the owner with an
 * explicit WHERE. Both in a transaction, as the API runs them. The first is
 * also EPIC-01's "query by organization under 50 ms" (p95).
 */
export default async function rlsOverhead(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of benchEngines()) {
    const h = await engine.open();
    try {
      await applyMigrations(h.db);
      await loadDataset(h.db, { orgs: ORGS, workflowsPerOrg: PER_ORG });
      const o = Math.ceil(ORGS / 2);
      const org = orgId(o);
      const rls = await measure(
        () =>
          asTenant(h.db, o, async (tx) => {
            const r = await tx.query(`SELECT * FROM workflows ORDER BY created_at DESC`);
            if (r.rows.length !== PER_ORG) throw new Error(`RLS returned ${r.rows.length} rows, expected ${PER_ORG}`);
          }),
        RUNS,
      );
      const owner = await measure(
        () =>
          h.db.transaction(async (tx) => {
            const r = await tx.query(`SELECT * FROM workflows WHERE organization_id = $1 ORDER BY created_at DESC`, [org]);
            if (r.rows.length !== PER_ORG) throw new Error(`owner query returned ${r.rows.length} rows`);
          }),
        RUNS,
      );
      const ratio = rls.median / owner.median;
      const label = `${ORGS} orgs × ${PER_ORG} workflows`;
      rows.push(
        { bench: 'rls-overhead', engine: engine.name, case: `workflows of one org (all ${PER_ORG}, newest first), admin's role + RLS (${label})`, ...rls, goal: '< 50 ms', met: rls.p95 < 50 },
        { bench: 'rls-overhead', engine: engine.name, case: `workflows of one org (all ${PER_ORG}, newest first), owner + WHERE (${label})`, ...owner },
        { bench: 'rls-overhead', engine: engine.name, case: 'RLS ÷ owner (median)', n: RUNS, median: ratio, value: ratio, unit: '×', goal: '< 1.2×', met: ratio < 1.2 },
      );
    } finally {
      await h.close();
    }
  }
  return rows;
}
