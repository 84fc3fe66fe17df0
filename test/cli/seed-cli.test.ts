import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGen, tempDirs } from '../support/gen-cli.ts';

const dirs = tempDirs('schemagen-seed-');
const gen = runGen;

describe('gen seed', () => {
  it('on an unmigrated database: exit 1, telling to run gen migrate up; then seeds, and a second run changes nothing', async () => {
    const data = dirs.dir();
    const before = await gen(['seed', '--data-dir', data]);
    expect(before.code).toBe(1);
    expect(before.stderr.trim()).toMatch(/^error: PGlite at .* is not migrated \(0001_initial: pending(, \d{4}_[a-z0-9_]+: pending)*\); run `npx gen migrate up` first, then `npx gen seed` again$/);
    expect((await gen(['migrate', 'up', '--data-dir', data])).code).toBe(0);
    const first = await gen(['seed', '--data-dir', data]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^seeded profile default on PGlite at .*: 36 rows in 5 tables, 36 inserted, 0 already present in [\d.]+ s/);
    const second = await gen(['seed', '--data-dir', data]);
    expect(second.stdout).toMatch(/: 36 rows in 5 tables, 0 inserted, 36 already present \(nothing changed\)/);
    const load = await gen(['seed', '--data-dir', data, '--profile', 'load', '--orgs', '2', '--workflows', '3', '--seed', '4']);
    expect(load.code).toBe(0);
    expect(load.stdout).toContain('seeding profile load (orgs=2, workflows=3, seed=4) on PGlite');
    expect(load.stdout).toMatch(/seeded profile load \(orgs=2, workflows=3, seed=4\) on .*: 108 rows in 7 tables, 108 inserted/);
  });

  it('names an unknown profile, and parameters a profile does not take', async () => {
    const nope = await gen(['seed', '--profile', 'nope', '--data-dir', dirs.dir()]);
    expect(nope.code).toBe(1);
    expect(nope.stderr.trim()).toBe('error: no seed profile "nope"; the model has: default, load');
    const params = await gen(['seed', '--orgs', '3', '--data-dir', dirs.dir()]);
    expect(params.code).toBe(1);
    expect(params.stderr.trim()).toBe('error: profile default is a fixed list of rows and takes no parameters (got --orgs)');
  });

  it('a seed problem in the model stops gen and gen seed, naming model/seed.ts and the row', async () => {
    const dir = dirs.project();
    // a seed edit makes seed.sql stale, never a migration pending
    writeFileSync(join(dir, 'model/seed.ts'), readFileSync(join(dir, 'model/seed.ts'), 'utf8').replace("full_name: 'Markus Weber'", "full_name: 'Markus Weber-Klein'"));
    const check = await gen(['--check', '--root', dir]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('generated/seed.sql: stale');
    expect(check.stderr).not.toContain('not yet captured in a migration');
    appendFileSync(join(dir, 'model/seed.ts'), `
(seeds.profiles.default as SeedRowSpec[]).push(row(buckets, 'orphan', { organization_id: demo, workflow_id: ref('iso-9002'), name: 'Orphan', position: 9 }));
`);
    const r = await gen(['--root', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("model/seed.ts: seeds.default.buckets['orphan'].workflow_id: error: refers to workflows['iso-9002'], which profile default does not seed; did you mean 'iso-9001'? [seed-dangling-reference]");
    const s = await gen(['seed', '--root', dir, '--data-dir', join(dir, '.data')]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('[seed-dangling-reference]');
  });
});
