import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBuild } from '../../bin/build-stamp.mjs';
import { buildGenerator } from '../../bin/build.mjs';
import { writeDrizzleEpicProject, writeDrizzleSyntheticProject } from './drizzle/project.ts';
import { log, quantile, ROOT, type BenchResult, type BenchRow, type Skipped } from './harness.ts';
import { CHANGE_KINDS, writeSyntheticProject } from './synthetic-model.ts';

const GEN = join(ROOT, 'bin/gen.mjs');
const DRIZZLE_KIT = join(ROOT, 'node_modules/drizzle-kit/bin.cjs');
const RUNS = Number(process.env.BENCH_GEN_RUNS ?? 7);
const SIZES = [100, 250, 500];
const CHANGES = 50;
const SNAPSHOT = 'generated/migrations/0001_initial/snapshot.json';

/** A whole process: `node <args>` in `cwd`; its stdout must match `expect` (so the measured path is the intended one). */
interface Command {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly expect: RegExp;
  /** Environment per run (e.g. a fresh cache directory). */
  readonly env?: () => Record<string, string>;
}

interface Timed {
  median: number;
  p95: number;
  /** Median CPU time (user + system, ms): what the process itself did, less sensitive than wall time to other work on the machine. */
  cpu: number;
  peakMiB: number;
  outputs: string[];
}

/** One run: wall time, CPU time and peak RSS (GNU time). */
function once(c: Command): { ms: number; cpuMs: number; peakMiB: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', process.execPath, ...c.args], { encoding: 'utf8', cwd: c.cwd, env: { ...process.env, ...c.env?.() } });
  const ms = performance.now() - t;
  if (r.status !== 0 || !c.expect.test(r.stdout)) throw new Error(`node ${c.args.join(' ')} (in ${c.cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  const [kib, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs: (user + sys) * 1000, peakMiB: kib / 1024, stdout: r.stdout };
}

/**
 * Runs the commands in turn, A B C A B C …, `RUNS + 1` rounds, the first unmeasured (it warms the
 * OS file cache, the model cache and drizzle-kit's own); medians, p95 and the highest peak RSS.
 */
function interleaved(commands: readonly Command[]): Timed[] {
  const runs = commands.map(() => ({ times: [] as number[], cpu: [] as number[], peak: 0, outputs: [] as string[] }));
  for (let round = 0; round < RUNS + 1; round++)
    commands.forEach((c, i) => {
      const r = once(c);
      runs[i]!.peak = Math.max(runs[i]!.peak, r.peakMiB);
      if (round > 0) {
        runs[i]!.times.push(r.ms);
        runs[i]!.cpu.push(r.cpuMs);
        runs[i]!.outputs.push(r.stdout);
      }
    });
  return runs.map(({ times, cpu, peak, outputs }) => {
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return { median: quantile(times, 0.5), p95: quantile(times, 0.95), cpu: quantile(cpu, 0.5), peakMiB: peak, outputs };
  });
}

const timedRow = (name: string, t: Timed, goal?: { goal: string; met: boolean }): BenchRow => ({
  bench: 'generator', engine: 'node', case: `${name}; CPU ${Math.round(t.cpu)} ms`, n: RUNS, median: t.median, p95: t.p95, value: t.peakMiB, unit: 'MiB peak', ...goal,
});
/** Ours ÷ the peer's: median time, and peak memory; `goals` false for a comparison the goals are not about. */
const ratioRows = (name: string, us: Timed, peer: Timed, goals = true): BenchRow[] => [
  { bench: 'generator', engine: 'node', case: `${name}: time, median ÷ median`, n: RUNS, median: us.median / peer.median, value: us.median / peer.median, unit: '×', ...(goals ? { goal: '< 1× (faster)', met: us.median < peer.median } : {}) },
  { bench: 'generator', engine: 'node', case: `${name}: peak memory ÷`, n: RUNS, median: us.peakMiB / peer.peakMiB, value: us.peakMiB / peer.peakMiB, unit: '×', ...(goals ? { goal: '< 1× (leaner)', met: us.peakMiB < peer.peakMiB } : {}) },
];

const gen = (root: string, check: boolean): Command => ({ args: [GEN, ...(check ? ['--check'] : []), '--root', root], cwd: ROOT, expect: /is up to date/ });
const drizzleCheck = (dir: string): Command => ({ args: [DRIZZLE_KIT, 'check', '--config', 'drizzle.config.ts'], cwd: dir, expect: /Everything's fine/ });
const drizzleGenerate = (dir: string): Command => ({ args: [DRIZZLE_KIT, 'generate', '--config', 'drizzle.config.ts'], cwd: dir, expect: /No schema changes, nothing to migrate/ });

/** A copy of this project's model and generated/ (the generator linked), so that `gen` in write mode can never touch the repository. */
function epicProject(dir: string): string {
  for (const p of ['model', 'generated', 'package.json', 'package-lock.json']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'generator'), join(dir, 'generator'));
  return dir;
}

/** Its first `generate` writes drizzle's initial migration, so that later ones have nothing to write. */
function drizzleInitial(dir: string): void {
  execFileSync(process.execPath, [DRIZZLE_KIT, 'generate', '--config', 'drizzle.config.ts'], { cwd: dir, stdio: 'ignore' });
}

/**
 * How the cost grows from 100 to 250 to 500 entities: the cost of each further entity must not rise
 * with the model's size. Judged on CPU time, which other work on the machine disturbs less than wall
 * time (both are printed).
 */
function growth(label: string, timed: Map<number, Timed>): BenchRow[] {
  return (['cpu', 'median'] as const).map((measure) => {
    const [a, b, c] = SIZES.map((n) => timed.get(n)![measure]) as [number, number, number];
    const slope1 = (b - a) / (SIZES[1]! - SIZES[0]!);
    const slope2 = (c - b) / (SIZES[2]! - SIZES[1]!);
    const what = measure === 'cpu' ? 'CPU time' : 'wall time';
    log('generator', `${label} ${what} 100 : 250 : 500 entities = 1 : ${(b / a).toFixed(2)} : ${(c / a).toFixed(2)} (proportional would be 1 : 2.5 : 5); ${slope1.toFixed(2)} ms per entity from 100 to 250, ${slope2.toFixed(2)} from 250 to 500`);
    return {
      bench: 'generator', engine: 'node',
      case: `${label} growth, ${what} (median): 100 : 250 : 500 entities = 1 : ${(b / a).toFixed(2)} : ${(c / a).toFixed(2)}; ms per added entity ${slope1.toFixed(2)} (100→250), ${slope2.toFixed(2)} (250→500); value = their ratio`,
      n: RUNS, median: slope2 / slope1, value: slope2 / slope1, unit: '×',
      ...(measure === 'cpu' ? { goal: '≤ 1.25× (linear)', met: slope2 <= 1.25 * slope1 } : {}),
    };
  });
}

/**
 * The generator as whole processes (cold Node start included), each against its peer measured in
 * the same run, interleaved: `gen --check` and `gen` (nothing to write) against drizzle-kit `check`
 * and `generate` (nothing to write) on EPIC-01's nine tables and on the synthetic 500-entity model
 * (the same tables written as drizzle schemas, test/bench/drizzle/); how `gen` grows over 100, 250
 * and 500 entities; `gen --check` with a cold model cache (the first run after a model edit); and
 * `diff` of two 500-entity snapshots that differ in 50 places.
 */
export default async function generatorBench(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const skipped: Skipped[] = [];
  if (!freshBuild(ROOT)) {
    log('generator', 'dist/gen/ is missing or stale: building it (npm run build)');
    await buildGenerator();
  }
  const dirs: string[] = [];
  const temp = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `schemagen-bench-${name}-`));
    dirs.push(d);
    return d;
  };
  try {
    // EPIC-01
    const epic = epicProject(temp('epic'));
    const drizzleEpic = temp('drizzle-epic');
    writeDrizzleEpicProject(drizzleEpic, ROOT);
    drizzleInitial(drizzleEpic);
    const [check, peerCheck, write, peerGenerate] = interleaved([gen(epic, true), drizzleCheck(drizzleEpic), gen(epic, false), drizzleGenerate(drizzleEpic)]) as [Timed, Timed, Timed, Timed];
    rows.push(
      timedRow('gen --check, EPIC-01 (9 tables)', check, { goal: '< 400 ms', met: check.median < 400 }),
      timedRow('drizzle-kit check, the same 9 tables (peer)', peerCheck),
      ...ratioRows('gen --check ÷ drizzle-kit check, 9 tables', check, peerCheck),
      timedRow('gen (nothing to write), EPIC-01 (9 tables)', write),
      timedRow('drizzle-kit generate (nothing to write), the same 9 tables (peer)', peerGenerate),
      ...ratioRows('gen ÷ drizzle-kit generate, 9 tables', write, peerGenerate),
    );
    const [cold] = interleaved([{ ...gen(epic, true), env: () => ({ SCHEMAGEN_CACHE_DIR: join(temp('cache'), 'c') }) }]) as [Timed];
    rows.push(timedRow('gen --check, EPIC-01, model cache cold (the first run after a model edit: esbuild bundles the model)', cold));

    // synthetic models
    const bySize = { check: new Map<number, Timed>(), write: new Map<number, Timed>() };
    const synthetic = new Map<number, string>();
    for (const entities of SIZES) {
      const dir = temp(String(entities));
      synthetic.set(entities, dir);
      writeSyntheticProject(dir, entities, join(ROOT, 'generator'));
      execFileSync(process.execPath, [GEN, '--root', dir], { stdio: 'ignore' });
      const relations = Math.round(entities + entities * 4 - 4 * 7 * 2.5); // org key + up to 4 refs each
      let us: [Timed, Timed];
      if (entities === 500) {
        const peer = temp('drizzle-500');
        writeDrizzleSyntheticProject(peer, ROOT, entities);
        drizzleInitial(peer);
        const [c, pc, w, pg] = interleaved([gen(dir, true), drizzleCheck(peer), gen(dir, false), drizzleGenerate(peer)]) as [Timed, Timed, Timed, Timed];
        us = [c, w];
        rows.push(
          timedRow(`gen --check, synthetic ${entities} entities (~${relations} relations)`, c, { goal: '< 1,500 ms', met: c.median < 1500 }),
          timedRow(`drizzle-kit check, the same ${entities + 1} tables (reads its snapshots only, not the schema)`, pc),
          ...ratioRows(`gen --check ÷ drizzle-kit check, ${entities} entities (not a like-for-like task: no goal)`, c, pc, false),
          timedRow(`gen (nothing to write), synthetic ${entities} entities`, w),
          timedRow(`drizzle-kit generate (nothing to write), the same ${entities + 1} tables (peer)`, pg),
          ...ratioRows(`gen ÷ drizzle-kit generate, ${entities} entities`, w, pg),
        );
      } else {
        us = interleaved([gen(dir, true), gen(dir, false)]) as [Timed, Timed];
        rows.push(timedRow(`gen --check, synthetic ${entities} entities (~${relations} relations)`, us[0]), timedRow(`gen (nothing to write), synthetic ${entities} entities`, us[1]));
      }
      bySize.check.set(entities, us[0]);
      bySize.write.set(entities, us[1]);
    }
    rows.push(...growth('gen --check', bySize.check), ...growth('gen', bySize.write));

    // diff of two 500-entity snapshots, 50 entities changed
    if (!existsSync(join(ROOT, 'generator/diff/diff.ts'))) {
      const reason = 'generator/diff/diff.ts does not exist yet (schema evolution is not merged)';
      log('generator', `diff skipped: ${reason}`);
      skipped.push({ bench: 'generator', engine: 'node', case: 'diff of two 500-entity snapshots', reason });
    } else {
      const before = synthetic.get(500)!;
      const after = temp('500-changed');
      writeSyntheticProject(after, 500, join(ROOT, 'generator'), CHANGES);
      execFileSync(process.execPath, [GEN, '--root', after], { stdio: 'ignore' });
      const runs: number[] = [];
      let found = { changes: 0, problems: 0, kinds: {} as Record<string, number> };
      const [proc] = interleaved([{ args: ['--import', 'tsx', join(ROOT, 'test/bench/diff-child.ts'), join(before, SNAPSHOT), join(after, SNAPSHOT), '3'], cwd: ROOT, expect: /"times"/ }]) as [Timed];
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
      rows.push(timedRow('the same diff as a whole process (Node, tsx, parsing both 5 MB snapshots, 4 diffs)', proc));
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return { rows, skipped };
}
