import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, quantile, ROOT, type BenchResult, type BenchRow, type Skipped } from './harness.ts';
import { CHANGE_KINDS, writeSyntheticProject } from './synthetic-model.ts';

const GEN = join(ROOT, 'bin/gen.mjs');
const RUNS = Number(process.env.BENCH_GEN_RUNS ?? 7);
const SIZES = [100, 250, 500];
const CHANGES = 50;
const SNAPSHOT = 'generated/migrations/0001_initial/snapshot.json';

interface Timed {
  median: number;
  p95: number;
  peakMiB: number;
}

/** Runs `node <args>` as a whole process `RUNS + 1` times (the first unmeasured); wall time and peak RSS (GNU time). */
function timeProcess(args: string[]): Timed & { outputs: string[] } {
  const times: number[] = [];
  let peak = 0;
  const outputs: string[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', cwd: ROOT });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    peak = Math.max(peak, Number(r.stderr.trim().split('\n').at(-1)) / 1024);
    if (i > 0) {
      times.push(ms); // the first run warms the OS file cache and tsx's transform cache
      outputs.push(r.stdout);
    }
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), peakMiB: peak, outputs };
}

/**
 * The generator: `gen --check` as a whole process (cold Node start, tsx and
 * the TypeScript parser included) on EPIC-01 and on synthetic models of
 * 100, 250 and 500 entities; how its time grows with the entities; and
 * `diff` of two 500-entity snapshots that differ in 50 places.
 */
export default async function generatorBench(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const skipped: Skipped[] = [];
  const epic = timeProcess([GEN, '--check', '--root', ROOT]);
  rows.push({ bench: 'generator', engine: 'node', case: 'gen --check, EPIC-01 (9 tables)', n: RUNS, median: epic.median, p95: epic.p95, value: epic.peakMiB, unit: 'MiB peak', goal: '< 400 ms', met: epic.median < 400 });

  const medians = new Map<number, number>();
  const dirs: string[] = [];
  try {
    for (const entities of SIZES) {
      const dir = mkdtempSync(join(tmpdir(), `schemagen-bench-${entities}-`));
      dirs.push(dir);
      writeSyntheticProject(dir, entities, join(ROOT, 'generator'));
      execFileSync(process.execPath, [GEN, '--root', dir], { stdio: 'ignore' });
      const r = timeProcess([GEN, '--check', '--root', dir]);
      medians.set(entities, r.median);
      const relations = entities + entities * 4 - 4 * 7 * 2.5; // org key + up to 4 refs each
      rows.push({
        bench: 'generator', engine: 'node', case: `gen --check, synthetic ${entities} entities (~${Math.round(relations)} relations)`, n: RUNS,
        median: r.median, p95: r.p95, value: r.peakMiB, unit: 'MiB peak',
        ...(entities === 500 ? { goal: '< 1,500 ms', met: r.median < 1500 } : {}),
      });
    }

    // linear growth: the cost of each further entity must not rise with the model's size
    const [a, b, c] = SIZES.map((n) => medians.get(n)!) as [number, number, number];
    const slope1 = (b - a) / (SIZES[1]! - SIZES[0]!);
    const slope2 = (c - b) / (SIZES[2]! - SIZES[1]!);
    log('generator', `gen --check 100 : 250 : 500 entities = 1 : ${(b / a).toFixed(2)} : ${(c / a).toFixed(2)} (proportional would be 1 : 2.5 : 5); ${slope1.toFixed(2)} ms per entity from 100 to 250, ${slope2.toFixed(2)} from 250 to 500`);
    rows.push({
      bench: 'generator', engine: 'node',
      case: `gen --check growth: 100 : 250 : 500 entities = 1 : ${(b / a).toFixed(2)} : ${(c / a).toFixed(2)}; ms per added entity ${slope1.toFixed(2)} (100→250), ${slope2.toFixed(2)} (250→500); value = their ratio`,
      n: RUNS, median: slope2 / slope1, value: slope2 / slope1, unit: '×', goal: '≤ 1.25× (linear)', met: slope2 <= 1.25 * slope1,
    });

    // diff of two 500-entity snapshots, 50 entities changed
    if (!existsSync(join(ROOT, 'generator/diff/diff.ts'))) {
      const reason = 'generator/diff/diff.ts does not exist yet (schema evolution is not merged)';
      log('generator', `diff skipped: ${reason}`);
      skipped.push({ bench: 'generator', engine: 'node', case: 'diff of two 500-entity snapshots', reason });
    } else {
      const before = dirs[SIZES.indexOf(500)]!;
      const after = mkdtempSync(join(tmpdir(), 'schemagen-bench-500-changed-'));
      dirs.push(after);
      writeSyntheticProject(after, 500, join(ROOT, 'generator'), CHANGES);
      execFileSync(process.execPath, [GEN, '--root', after], { stdio: 'ignore' });
      const runs: number[] = [];
      let found = { changes: 0, problems: 0, kinds: {} as Record<string, number> };
      const proc = timeProcess(['--import', 'tsx', join(ROOT, 'test/bench/diff-child.ts'), join(before, SNAPSHOT), join(after, SNAPSHOT), '3']);
      // every process run measured diff() 3 times after a warm-up: pool the calls of the measured processes
      for (const line of proc.outputs) {
        const out = JSON.parse(line) as { times: number[]; changes: number; problems: number; kinds: Record<string, number> };
        runs.push(...out.times);
        found = out;
      }
      runs.sort((x, y) => x - y);
      log('generator', `diff: ${found.changes} changes (${JSON.stringify(found.kinds)}), ${found.problems} problems; process ${proc.median.toFixed(0)} ms, ${proc.peakMiB.toFixed(0)} MiB peak`);
      rows.push({
        bench: 'generator', engine: 'node',
        case: `diff(before, after): two 500-entity snapshots, ${CHANGES} entities changed (${CHANGE_KINDS.join(', ')}) → ${found.changes} changes; in process, warm`,
        n: runs.length, median: quantile(runs, 0.5), p95: quantile(runs, 0.95),
      });
      rows.push({
        bench: 'generator', engine: 'node',
        case: 'the same diff as a whole process (Node, tsx, parsing both 5 MB snapshots, 4 diffs)', n: RUNS,
        median: proc.median, p95: proc.p95, value: proc.peakMiB, unit: 'MiB peak',
      });
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return { rows, skipped };
}
