import { describe, expect, it } from 'vitest';
import { checkLineage, type LineageEntry } from '../../generator/emit/lineage.ts';
import { splitStatements } from '../../generator/runtime/sql-statements.ts';
import { lockLines, pendingLine, pendingRefusal } from '../../generator/cli/pending-message.ts';
import type { PendingChange } from '../../generator/emit/evolve.ts';

const entry = (folder: string, id: string | null, parent: string | null = null): LineageEntry => ({
  folder,
  version: Number(folder.slice(0, 4)),
  snapshot: id === null ? null : { id, parent },
});

describe('migration lineage (forks)', () => {
  it('a linear history is fine, hand-written folders without a snapshot are skipped', () => {
    expect(checkLineage([entry('0001_initial', 'a'), entry('0002_x', 'b', 'a'), entry('0003_sql', null), entry('0004_y', 'c', 'b')])).toEqual([]);
  });

  it('two folders with one number: names both, and how to regenerate the later one on top', () => {
    const [problem, ...rest] = checkLineage([entry('0001_initial', 'a'), entry('0002_add_slug', 'b', 'a'), entry('0002_add_tags', 'c', 'a')]);
    expect(rest).toEqual([]);
    expect(problem).toContain('generated/migrations/0002_add_tags: number 0002 is also used by 0002_add_slug');
    expect(problem).toContain('delete generated/migrations/0002_add_tags and regenerate it on top with `npx gen --name add_tags`');
  });

  it('a snapshot whose parent is not the previous snapshot: a branch merged after renumbering', () => {
    const problems = checkLineage([entry('0001_initial', 'a'), entry('0002_add_slug', 'b', 'a'), entry('0003_add_tags', 'c', 'a')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^generated\/migrations\/0003_add_tags\/snapshot\.json: its parent is a, but the migration before it, 0002_add_slug, leaves snapshot b/);
    expect(problems[0]).toContain('`npx gen --name add_tags`');
  });
});

describe('splitting SQL into statements', () => {
  it('splits at top-level semicolons, keeping quoted, dollar-quoted and commented semicolons', () => {
    const sql = `-- header; not a statement
CREATE INDEX CONCURRENTLY "a;b" ON "t" ("c");
-- index two
SELECT 'x;y', $$ ; $$, $fn$ ; $fn$ /* ; */;

-- trailing comment only
`;
    expect(splitStatements(sql)).toEqual([
      '-- header; not a statement\nCREATE INDEX CONCURRENTLY "a;b" ON "t" ("c")',
      "-- index two\nSELECT 'x;y', $$ ; $$, $fn$ ; $fn$ /* ; */",
    ]);
    expect(splitStatements(`select 'it''s; fine'; select 2`)).toEqual([`select 'it''s; fine'`, 'select 2']);
  });
});

describe('pending change messages', () => {
  const pending: PendingChange = {
    since: '0001_initial',
    added: ['notes'],
    removed: [],
    changed: ['users'],
    steps: ['table notes', 'drop column users.phone'],
    problems: [],
    hazards: ['users.phone: drops column users.phone and its value in every row [drop-column]; fix: ...'],
    locks: [],
    written: [],
  };
  it('plain gen says what changed and asks for --name', () => {
    expect(pendingLine(pending)).toBe('the model differs from generated/migrations/0001_initial/snapshot.json (added: notes; changed: users)');
    const text = pendingRefusal(pending, undefined);
    expect(text).toContain('  - drop column users.phone');
    expect(text).toContain('`npx gen --name <slug>`');
    expect(text).toContain('also need --allow-destructive');
  });
  it('gen --name with a destructive step names entity.column and the flag', () => {
    const text = pendingRefusal(pending, 'drop_phone');
    expect(text).toMatch(/^refusing to write migration drop_phone: 1 destructive step/);
    expect(text).toContain('users.phone: drops column users.phone');
    expect(text).toContain('npx gen --name drop_phone --allow-destructive');
  });
  it('steps that lock a table for long are listed when gen writes or describes the migration', () => {
    const lock = 'notes.rank: rewrites notes (varchar(10) -> integer ...) under ACCESS EXCLUSIVE ...; on a large table, add a new column ...';
    expect(lockLines(pending)).toEqual([]);
    expect(lockLines({ ...pending, locks: [lock] })).toEqual([
      '1 step(s) lock a table for as long as its size makes them take (marked -- LOCKS: in up.sql):',
      `  - ${lock}`,
    ]);
    expect(pendingRefusal({ ...pending, locks: [lock] }, undefined)).toContain(`1 step(s) would lock a table for as long as its size makes them take:\n  - ${lock}`);
  });
});
