import { describe, expect, it } from 'vitest';
import { array, defineSeeds, entity, integer, jsonb, ref, row, text, uuid } from '../../generator/dsl/index.ts';
import { generate } from '../../generator/emit/generate.ts';
import { GENERATED_HEADER } from '../../generator/emit/header.ts';
import { insertStatement, renderSeedSql } from '../../generator/emit/seed-sql.ts';
import { makeSnapshot } from '../../generator/emit/snapshot.ts';
import { Diagnostics } from '../../generator/ir/diagnostics.ts';
import { buildSeeds } from '../../generator/ir/seed-build.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { seedId } from '../../generator/ir/uuid-v5.ts';
import { build } from '../support/build-model.ts';

const teams = entity('teams', { id: uuid().primaryKey().defaultRandom(), name: text().notNull(), size: integer().notNull().default(1) });
const people = entity('people', {
  id: uuid().primaryKey().defaultRandom(),
  team_id: uuid().notNull().references(() => teams.id),
  name: text().notNull(),
  tags: array(text()),
  profile: jsonb(),
}, { constraints: () => [] });

function seeded(profiles: Parameters<typeof defineSeeds>[0]): Ir {
  const { ir } = build({ teams, people });
  const d = new Diagnostics(() => 'model/seed.ts');
  const seeds = buildSeeds(defineSeeds(profiles), ir, (...a) => d.error(...a));
  expect(d.list).toEqual([]);
  return { ...ir, seeds };
}

const rows = [
  row(people, 'obrien', { team_id: ref('core'), name: "Ciarán O'Brien", tags: ['lead', "it's"], profile: { quote: 'say "hi"', n: 1 } }),
  row(people, 'ada', { team_id: ref('core'), name: 'Ada' }),
  row(teams, 'core', { name: 'Core', size: 3 }),
];

describe('seed SQL', () => {
  it('one multi-row INSERT per table: literals escaped, DEFAULT for columns a row leaves out, ON CONFLICT on the primary key', () => {
    const ir = seeded({ default: rows });
    const t = ir.tables.find((x) => x.name === 'people')!;
    expect(insertStatement(t, ir.seeds.filter((r) => r.table === 'people'))).toBe(
      `INSERT INTO "people" ("id", "team_id", "name", "tags", "profile") VALUES
  ('${seedId('people', 'obrien')}', '${seedId('teams', 'core')}', 'Ciarán O''Brien', ARRAY['lead', 'it''s']::text[], '{"quote":"say \\"hi\\"","n":1}'::jsonb),
  ('${seedId('people', 'ada')}', '${seedId('teams', 'core')}', 'Ada', DEFAULT, DEFAULT)
ON CONFLICT ("id") DO NOTHING;`,
    );
  });

  it('seed.sql: header line, one transaction on the maintenance path, parents before children', () => {
    const sql = renderSeedSql(seeded({ default: rows }));
    const lines = sql.split('\n');
    expect(lines[0]).toBe(`-- ${GENERATED_HEADER}`);
    expect(lines[1]).toBe('-- Seed profile default: 3 rows in 2 tables, parents before children.');
    expect(sql).toContain("BEGIN;\n-- the owner's maintenance path: row-level security and audit triggers let the seed through\nSELECT set_config('schemagen.maintenance', 'on', true);");
    expect(sql.indexOf('INSERT INTO "teams"')).toBeLessThan(sql.indexOf('INSERT INTO "people"'));
    expect(sql.trimEnd().endsWith('COMMIT;')).toBe(true);
  });

  it('generate() writes seed.sql for the default profile only, and seeds never reach the snapshot', () => {
    const ir = seeded({ default: rows, other: [row(teams, 'x', { name: 'X' })] });
    const { files } = generate(ir, { folders: [], latest: null });
    expect(files.map((f) => f.path)).toContain('seed.sql');
    expect(files.find((f) => f.path === 'seed.sql')!.contents).not.toContain("'X'");
    const snapshot = JSON.parse(files.find((f) => f.path.endsWith('snapshot.json'))!.contents) as { ir: Ir };
    expect(snapshot.ir.seeds).toEqual([]);
    expect(generate({ ...ir, seeds: [] }, { folders: [], latest: null }).files.map((f) => f.path)).not.toContain('seed.sql');
  });

  it('editing a seed does not make a migration pending', () => {
    const before = seeded({ default: rows });
    const after = seeded({ default: [...rows, row(teams, 'new', { name: 'New' })] });
    const latest = makeSnapshot({ ...before, seeds: [] }, null);
    expect(generate(after, { folders: ['0001_initial'], latest }).pending).toBeNull();
  });
});
