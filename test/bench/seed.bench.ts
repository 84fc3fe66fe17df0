import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../generator/model/load.ts';
import type { Db } from '../../generator/runtime/db.ts';
import { migrateUp, readMigrations } from '../../generator/runtime/migrations.ts';
import { openPglite } from '../../generator/runtime/pglite-db.ts';
import { loadSeed } from '../../generator/runtime/seed-loader.ts';
import { resolveProfile } from '../../generator/runtime/seed-profile.ts';
import { benchEngines, log as report, ROOT, type BenchEngine, type BenchRow } from './harness.ts';

/**
 * Seed load time: the default profile (EPIC-01's bar: under 5 s) and the load
 * profile at SEED_BENCH_ORGS × SEED_BENCH_WORKFLOWS (default 10 × 1,000,
 * 160,060 rows, so that the whole `npm run bench` stays within 10 minutes;
 * aim: ≥ 50,000 rows/s on PostgreSQL), each on a freshly migrated database,
 * through the same loader as `gen seed`.
 *
 *   npm run bench -- seed                                                  # PGlite
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench -- seed   # and PostgreSQL
 *   SEED_BENCH_ORGS=100 npm run bench -- seed                              # the full 1.6 million rows (minutes)
 */
const ORGS = Number(process.env.SEED_BENCH_ORGS ?? 10);
const WORKFLOWS = Number(process.env.SEED_BENCH_WORKFLOWS ?? 1000);

export default async function seedBench(): Promise<BenchRow[]> {
  const { ir, seeds } = await loadModel(ROOT);
  const migrations = await readMigrations(join(ROOT, 'generated/migrations'));
  const defaultRows = ir.seeds.filter((r) => r.profile === 'default');
  const out: BenchRow[] = [];
  const log = (line: string) => report('seed', line);

  for (const engine of benchEngines()) {
    // default: three fresh databases, median of the three first loads; then a second, no-op load
    const times: number[] = [];
    let again = Number.NaN;
    for (let i = 0; i < 3; i++) {
      const h = await engine.open();
      try {
        await migrateUp(h.db, migrations);
        const r = await loadSeed(h.db, ir, defaultRows);
        times.push(r.ms);
        if (i === 0) again = (await loadSeed(h.db, ir, defaultRows)).ms;
      } finally {
        await h.close();
      }
    }
    times.sort((a, b) => a - b);
    const median = times[1]!;
    log(`${engine.name} default ${defaultRows.length} rows: ${times.map((t) => t.toFixed(0)).join(', ')} ms; re-run ${again.toFixed(0)} ms`);
    out.push({ bench: 'seed', engine: engine.name, case: `default profile (${defaultRows.length} rows), first load`, n: 3, median, goal: '< 5,000 ms', met: median < 5000 });
    out.push({ bench: 'seed', engine: engine.name, case: 'default profile, second load (nothing changes)', n: 1, median: again });

    // load: one run at full size
    const profile = resolveProfile(ir, seeds, 'load', { orgs: ORGS, workflows: WORKFLOWS, seed: 1 });
    const { db, close } = await openForLoad(engine);
    try {
      await migrateUp(db, migrations);
      let next = 200_000; // a progress line per 200,000 rows
      const r = await loadSeed(db, ir, profile.rows, {
        chunkRows: 20_000,
        total: profile.total,
        onProgress: (p) => {
          if (p.done >= next) {
            log(`${engine.name} load ${p.done.toLocaleString('en-US')} / ${p.total?.toLocaleString('en-US')} rows, ${Math.round(p.done / (p.ms / 1000)).toLocaleString('en-US')} rows/s`);
            next += 200_000;
          }
        },
      });
      const rate = r.rows / (r.ms / 1000);
      log(`${engine.name} load ${ORGS}×${WORKFLOWS}: ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s = ${rate.toFixed(0)} rows/s`);
      const label = `load profile ${ORGS} orgs × ${WORKFLOWS} workflows (${r.rows.toLocaleString('en-US')} rows)`;
      out.push({ bench: 'seed', engine: engine.name, case: label, n: 1, median: r.ms, value: rate, unit: 'rows/s', ...(engine.name === 'pg' ? { goal: '≥ 50,000 rows/s', met: rate >= 50_000 } : {}) });
    } finally {
      await close();
    }
  }
  return out;
}

/** PGlite keeps an in-memory database inside its WebAssembly heap; 1.6 million rows go to a temporary data directory instead. */
async function openForLoad(engine: BenchEngine): Promise<{ db: Db; close(): Promise<void> }> {
  if (engine.name === 'pg') return engine.open();
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-seed-bench-'));
  const db = await openPglite({ dataDir: dir });
  return {
    db,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
