import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadAverage, machine, type BenchResult, type BenchRow, type Skipped } from './harness.ts';

/**
 * `npm run bench [-- name ...]`: every test/bench/*.bench.ts (or those whose
 * file name starts with a given name), one Markdown table on stdout, the same
 * figures in results/latest.json. Progress goes to stderr.
 */
const dir = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.startsWith(o)))).sort();
if (files.length === 0) {
  console.error(`no bench matches ${only.join(', ')}; the benches are: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(1);
}
const rows: BenchRow[] = [];
const skipped: Skipped[] = [];
const seconds: Record<string, number> = {};
const started = Date.now();
const loadBefore = loadAverage();
process.stderr.write(`load average before: ${loadBefore.join(', ')}\n`);
for (const file of files) {
  process.stderr.write(`running ${file} …\n`);
  const t = Date.now();
  const mod = (await import(`./${file}`)) as { default: () => Promise<BenchResult> };
  const result = await mod.default();
  rows.push(...(Array.isArray(result) ? result : result.rows));
  if (!Array.isArray(result)) skipped.push(...result.skipped);
  seconds[file.replace(/\.bench\.ts$/, '')] = Math.round((Date.now() - t) / 1000);
}
const loadAfter = loadAverage();

const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const value = (r: BenchRow) => (r.value === undefined ? '' : `${fmt(r.value)} ${r.unit ?? ''}`.trim()) + (r.errors === undefined ? '' : `, ${r.errors} errors`);
const table = [
  '| bench | engine | case | n | median | p95 | p99 | value | goal | met |',
  '| --- | --- | --- | --: | --: | --: | --: | --: | --- | --- |',
  ...rows.map((r) => `| ${r.bench} | ${r.engine} | ${r.case} | ${r.n} | ${r.unit === '×' ? '' : `${fmt(r.median)} ms`} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${value(r)} | ${r.goal ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`),
].join('\n');
console.log(table);
for (const s of skipped) console.log(`\nskipped: ${s.bench} (${s.engine}) ${s.case}: ${s.reason}`);

const postgres = await serverVersion();
const pglite = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const total = Math.round((Date.now() - started) / 1000);
console.log(`\n${total} s; ${machine().cpus} × ${machine().cpuModel}, Node ${process.version}, PostgreSQL ${postgres ?? 'not run'}, PGlite ${pglite}; load average (1, 5, 15 min) before ${loadBefore.join(', ')}, after ${loadAfter.join(', ')}`);
mkdirSync(`${dir}results`, { recursive: true });
writeFileSync(
  `${dir}results/latest.json`,
  `${JSON.stringify({ when: new Date().toISOString(), command: `npm run bench${only.length ? ` -- ${only.join(' ')}` : ''}`, seconds: total, secondsPerBench: seconds, machine: machine(), loadAverage: { before: loadBefore, after: loadAfter }, postgres: postgres ?? 'not run (BENCH_DATABASE_URL unset)', pglite, rows, skipped }, null, 2)}\n`,
);
console.error(`wrote test/bench/results/latest.json (${rows.length} rows, ${total} s)`);

/** `SHOW server_version` of the BENCH_DATABASE_URL server, or null when it is unset. */
async function serverVersion(): Promise<string | null> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) return null;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return ((await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown');
  } finally {
    await c.end();
  }
}
