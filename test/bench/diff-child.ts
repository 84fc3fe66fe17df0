/**
 * `node --import tsx test/bench/diff-child.ts <before/snapshot.json> <after/snapshot.json> <runs>`:
 * parses two snapshots, runs `diff(before, after)` once to warm up and then
 * `runs` times, and prints the times (ms) and what the diff found as JSON.
 * A process of its own, so that its peak memory is the diff's.
 */
import { readFileSync } from 'node:fs';
import { diff } from '../../generator/diff/diff.ts';
import { parseSnapshot } from '../../generator/emit/snapshot.ts';

const [beforeFile, afterFile, runs = '7'] = process.argv.slice(2);
const before = parseSnapshot(readFileSync(beforeFile!, 'utf8'), beforeFile!).ir;
const after = parseSnapshot(readFileSync(afterFile!, 'utf8'), afterFile!).ir;
let result = diff(before, after);
const times: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  const t = performance.now();
  result = diff(before, after);
  times.push(performance.now() - t);
}
const kinds: Record<string, number> = {};
for (const c of result.changes) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
process.stdout.write(`${JSON.stringify({ times, changes: result.changes.length, problems: result.problems.length, kinds })}\n`);
