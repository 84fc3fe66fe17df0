import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/db-helpers.ts';
import { runGen, tempDirs } from '../support/gen-cli.ts';

const { project } = tempDirs('schemagen-cli-');
const gen = runGen;

describe('gen CLI', () => {
  it('--check passes on the committed generated/', async () => {
    const r = await gen(['--check']);
    expect(r.stderr).not.toMatch(/stale|missing/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('up to date');
  });

  it('--check fails after a model edit without gen, naming the stale file and the change', async () => {
    const dir = project();
    const schema = join(dir, 'model/schema.ts');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace("description: text(),\n  status: workflowStatus()", "description: text(),\n  version: integer().notNull().default(1),\n  status: workflowStatus()"));
    const r = await gen(['--check', '--root', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('generated/schema.md: stale');
    expect(r.stderr).toMatch(/differs from generated\/migrations\/\d{4}_[a-z0-9_]+\/snapshot\.json \(changed: workflows\): not yet captured in a migration/);
  });

  it('--check names missing and extra files; gen restores them and is then idempotent', async () => {
    const dir = project();
    rmSync(join(dir, 'generated/schema.md'));
    writeFileSync(join(dir, 'generated/leftover.sql'), '-- old\n');
    const r = await gen(['--check', '--root', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('generated/schema.md: missing');
    expect(r.stderr).toContain('generated/leftover.sql: not produced by the model any more');
    const w = await gen(['--root', dir]);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('wrote generated/schema.md');
    expect(w.stdout).toContain('removed generated/leftover.sql');
    const again = await gen(['--root', dir]);
    expect(again.stdout.trim()).toBe('generated/ is up to date');
    expect(readFileSync(join(dir, 'generated/schema.md'), 'utf8')).toBe(readFileSync(join(ROOT, 'generated/schema.md'), 'utf8'));
  });

  it('a bad model exits 1 listing every problem, one line each, without a stack trace', async () => {
    const dir = project();
    appendFileSync(join(dir, 'model/schema.ts'), `
export const bad_things = entity('bad_things', {
  id: uuid().primaryKey(),
  organization_id: integer().notNull().references(() => organizations.id, { onDelete: 'setNull' }),
  select: text(),
}, { tenancy: 'scoped' });
`);
    const r = await gen(['--root', dir]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^model\/schema\.ts: bad_things\.organization_id: error: is integer but references organizations\.id of type uuid; .*\[fk-type-mismatch\]$/),
      expect.stringMatching(/^model\/schema\.ts: bad_things\.organization_id: error: is NOT NULL but .*\[set-null-not-null\]$/),
      expect.stringMatching(/^model\/schema\.ts: bad_things\.select: error: .*reserved word.*\[reserved-word\]$/),
      expect.stringMatching(/^error: the model has \d+ error\(s\)/),
    ]));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a model that does not compile exits 1 with one line naming the file', async () => {
    const dir = project();
    writeFileSync(join(dir, 'model/index.ts'), 'export default {;\n');
    const r = await gen(['--root', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: model\/index\.ts: the model could not be loaded/);
  });

  it('--help works on every command; unknown options exit 1', async () => {
    expect((await gen(['--help'])).code).toBe(0);
    const m = await gen(['migrate', '--help']);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('--database-url');
    const bad = await gen(['--chekc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Unknown argument: chekc/);
  });

  it('migrate up on an unreachable database exits 1 naming the database', async () => {
    const r = await gen(['migrate', 'status', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('127.0.0.1:1');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
