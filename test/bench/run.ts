import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machine, type BenchRow } from './harness.ts';

/** `npm run bench [-- name ...]`: every test/bench/*.bench.ts (or the named ones), one table, results/latest.json. */
const dir = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.startsWith(o)))).sort();
const rows: BenchRow[] = [];
const started = Date.now();
for (const file of files) {
  process.stderr.write(`running ${file} …\n`);
  const mod = (await import(`./${file}`)) as { default: () => Promise<BenchRow[]> };
  rows.push(...(await mod.default()));
}
const fmt = (v: number | undefined) => (v === undefined ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const table = [
  '| bench | engine | case | n | median | p95 | p99 | value | goal | met |',
  '| --- | --- | --- | --: | --: | --: | --: | --: | --- | --- |',
  ...rows.map((r) => `| ${r.bench} | ${r.engine} | ${r.case} | ${r.n} | ${r.unit === '×' ? '' : `${fmt(r.median)} ms`} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.value === undefined ? '' : `${fmt(r.value)} ${r.unit ?? ''}`} | ${r.goal ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`),
].join('\n');
console.log(table);
const pgVersion = process.env.BENCH_DATABASE_URL ? 'see engine=pg rows' : 'not run (BENCH_DATABASE_URL unset)';
mkdirSync(`${dir}results`, { recursive: true });
writeFileSync(
  `${dir}results/latest.json`,
  `${JSON.stringify({ when: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000), machine: machine(), postgres: pgVersion, pglite: (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version, rows }, null, 2)}\n`,
);
console.error(`wrote test/bench/results/latest.json (${rows.length} rows, ${Math.round((Date.now() - started) / 1000)} s)`);
