import { describe, expect, it } from 'vitest';
import { defineSeeds, entity, generated, integer, ref, row, sql, text, uuid, type ColumnRef, type SeedProfile } from '../../generator/dsl/index.ts';
import { Diagnostics, formatDiagnostic, type Diagnostic } from '../../generator/ir/diagnostics.ts';
import { buildSeeds } from '../../generator/ir/seed-build.ts';
import type { Ir } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import * as schema from '../../model/schema.ts';
import { buckets, criteria, organizations, users, workflows } from '../../model/schema.ts';
import { build } from '../support/build-model.ts';
import { ROOT } from '../support/db-helpers.ts';

const { ir: modelIr } = build(schema, { root: organizations });

function check(profiles: Record<string, SeedProfile>, ir: Ir = modelIr): Diagnostic[] {
  const d = new Diagnostics(() => 'model/seed.ts');
  buildSeeds(defineSeeds(profiles), ir, (...a) => d.error(...a));
  return d.sorted();
}
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.path}`);

const org = row(organizations, 'acme', { name: 'Acme', slug: 'acme' });
const anna = row(users, 'anna', { organization_id: org.ref, email: 'anna@acme.example', full_name: 'Anna' });
const iso = row(workflows, 'iso-9001', { organization_id: org.ref, name: 'ISO 9001', created_by: anna.ref });
const valid = [org, anna, iso];

describe('seed validation at gen time', () => {
  it('accepts a valid profile, references forwards and backwards', () => {
    const bucket = row(buckets, 'iso-9001/a', { organization_id: ref('acme'), workflow_id: ref('iso-9001'), name: 'A', position: 0 });
    expect(check({ default: [bucket, ...valid] })).toEqual([]);
  });

  it('unknown entity: an entity that is not exported from the schema', () => {
    const ghosts = entity('ghosts', { id: uuid().primaryKey() });
    expect(codes(check({ default: [...valid, row(ghosts, 'g', {})] }))).toEqual(["seed-unknown-entity seeds.default.ghosts['g']"]);
  });

  it('unknown column, naming the row and listing the columns', () => {
    const ds = check({ default: [...valid, row(workflows, 'w2', { organization_id: org.ref, name: 'W2', nmae: 'typo' } as never)] });
    expect(codes(ds)).toEqual(["seed-unknown-column seeds.default.workflows['w2'].nmae"]);
    expect(ds[0]!.hint).toContain('name, description, status');
  });

  it('missing required column (NOT NULL without default); the id and defaults are not required', () => {
    const ds = check({ default: [org, row(users, 'bob', { organization_id: org.ref })] });
    expect(codes(ds)).toEqual(["seed-missing-column seeds.default.users['bob'].email", "seed-missing-column seeds.default.users['bob'].full_name"]);
  });

  it('a primary key that is not a single uuid must be given, or a second run would insert the row again', () => {
    const counters = entity('counters', { id: integer().primaryKey().default(sql`nextval('counters_seq')`), name: text() });
    const { ir } = build({ counters });
    expect(codes(check({ default: [row(counters, 'a', { name: 'A' }), row(counters, 'b', { id: 2, name: 'B' })] }, ir))).toEqual(["seed-missing-column seeds.default.counters['a'].id"]);
  });

  it('dangling reference, suggesting the nearest key', () => {
    const ds = check({ default: [...valid, row(buckets, 'b', { organization_id: org.ref, workflow_id: ref('iso-9002'), name: 'B', position: 0 })] });
    expect(codes(ds)).toEqual(["seed-dangling-reference seeds.default.buckets['b'].workflow_id"]);
    expect(formatDiagnostic(ds[0]!)).toBe(
      "model/seed.ts: seeds.default.buckets['b'].workflow_id: error: refers to workflows['iso-9002'], which profile default does not seed; did you mean 'iso-9001'? [seed-dangling-reference]",
    );
  });

  it('wrong types the TypeScript types cannot see, each naming row and column', () => {
    const ds = check({
      default: [
        ...valid,
        row(organizations, 'long', { name: 'L', slug: 'x'.repeat(64) }),
        row(workflows, 'bad-uuid', { organization_id: org.ref, name: 'W', created_by: 'not-a-uuid' }),
        row(users, 'naive-time', { organization_id: org.ref, email: 'n@acme.example', full_name: 'N', last_login_at: '2026-01-15 09:30:00' }),
        row(buckets, 'fraction', { organization_id: org.ref, workflow_id: iso.ref, name: 'F', position: 1.5 }),
        row(criteria, 'heavy', { organization_id: org.ref, bucket_id: ref('fraction'), title: 'H', position: 0, weight: 1000 }),
        row(workflows, 'enum', { organization_id: org.ref, name: 'E', status: 'published' as never }),
        row(workflows, 'null', { organization_id: org.ref, name: null as never }),
        row(workflows, 'date', { organization_id: org.ref, name: 'D', settings: { at: new Date(0) } as never }),
      ],
    });
    expect(codes(ds)).toEqual([
      "seed-bad-value seeds.default.buckets['fraction'].position",
      "seed-bad-value seeds.default.criteria['heavy'].weight",
      "seed-bad-value seeds.default.organizations['long'].slug",
      "seed-bad-value seeds.default.users['naive-time'].last_login_at",
      "seed-bad-value seeds.default.workflows['bad-uuid'].created_by",
      "seed-bad-value seeds.default.workflows['date'].settings",
      "seed-bad-value seeds.default.workflows['enum'].status",
      "seed-bad-value seeds.default.workflows['null'].name",
    ]);
    const text = ds.map((d) => d.message).join('\n');
    expect(text).toContain('is 64 characters, longer than varchar(63)');
    expect(text).toContain('has no time zone');
    expect(text).toContain('does not fit numeric(5,2)');
    expect(text).toContain("'published' is not one of the values of enum workflow_status [draft, active, archived]");
    expect(text).toContain('is NULL but the column is NOT NULL');
  });

  it('duplicate and empty keys', () => {
    expect(codes(check({ default: [...valid, row(workflows, 'iso-9001', { organization_id: org.ref, name: 'Again' }), row(workflows, '', { organization_id: org.ref, name: 'X' })] }))).toEqual([
      "seed-bad-key seeds.default.workflows['']",
      "seed-bad-key seeds.default.workflows['iso-9001']",
    ]);
  });

  it('bad references: on a column without a foreign key, to the wrong entity', () => {
    const ds = check({
      default: [
        ...valid,
        row(workflows, 'w-name', { organization_id: org.ref, name: ref('acme') }),
        row(workflows, 'w-author', { organization_id: org.ref, name: 'A', created_by: ref(workflows, 'iso-9001') }),
      ],
    });
    expect(codes(ds)).toEqual(["seed-bad-reference seeds.default.workflows['w-author'].created_by", "seed-bad-reference seeds.default.workflows['w-name'].name"]);
    expect(ds[0]!.message).toBe("ref(workflows, 'iso-9001') but workflows.created_by references users");
  });

  it('a reference to another tenant\'s row', () => {
    const other = row(organizations, 'other', { name: 'Other', slug: 'other' });
    const ds = check({ default: [...valid, other, row(buckets, 'cross', { organization_id: other.ref, workflow_id: iso.ref, name: 'X', position: 0 })] });
    expect(codes(ds)).toEqual(["seed-tenant-mismatch seeds.default.buckets['cross'].workflow_id"]);
  });

  it('a cycle between rows is named, with the columns that make it', () => {
    const people: ColumnRef = { kind: 'columnRef', table: 'people', column: 'id' };
    const teams = entity('teams', { id: uuid().primaryKey(), lead_id: uuid().references(() => people) });
    const persons = entity('people', { id: uuid().primaryKey(), team_id: uuid().references(() => teams.id) });
    const { ir } = build({ teams, persons });
    const ds = check({ default: [row(teams, 'core', { lead_id: ref('ada') }), row(persons, 'ada', { team_id: ref('core') })] }, ir);
    expect(codes(ds)).toEqual(['seed-cycle seeds.default']);
    expect(ds[0]!.message).toBe("rows reference each other in a cycle: teams → people → teams (teams['core'].lead_id → people['ada'], people['ada'].team_id → teams['core'])");
  });

  it('profiles: a bad name, something that is not rows; a generated profile is run with its defaults', () => {
    const ds = check({
      Default: [...valid],
      odd: 42 as never,
      load: generated({
        params: { n: 2 },
        description: 'test',
        *rows({ n }) {
          for (let i = 0; i < n; i++) {
            // refers forwards: a generated profile must yield parents first
            yield row(buckets, `b${i}`, { organization_id: ref('gen-org'), workflow_id: ref(workflows, 'gen-wf'), name: 'B', position: i });
          }
          yield row(organizations, 'gen-org', { name: 'G', slug: 'g' });
        },
      }),
    });
    expect(codes(ds)).toEqual([
      'seed-profile seeds.Default',
      "seed-dangling-reference seeds.load.buckets['b0'].organization_id",
      "seed-dangling-reference seeds.load.buckets['b0'].workflow_id",
      "seed-dangling-reference seeds.load.buckets['b1'].organization_id",
      "seed-dangling-reference seeds.load.buckets['b1'].workflow_id",
      'seed-profile seeds.odd',
    ]);
    expect(ds.find((d) => d.path.startsWith('seeds.load'))!.message).toContain('does not seed before this row');
  });

  it('the project model: no problems, and its default profile is what the epic lists', async () => {
    const { ir, diagnostics } = await loadModel(ROOT);
    expect(diagnostics.filter((d) => d.code.startsWith('seed-') || d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const count = (t: string) => ir.seeds.filter((r) => r.profile === 'default' && r.table === t).length;
    expect({ organizations: count('organizations'), users: count('users'), workflows: count('workflows') }).toEqual({ organizations: 1, users: 2, workflows: 2 });
    expect(count('buckets')).toBeGreaterThanOrEqual(6);
    expect(count('criteria')).toBeGreaterThanOrEqual(15);
    expect(ir.seeds.find((r) => r.table === 'organizations')!.values.name).toBe('TÜV SÜD Demo');
    // every scoped row carries the tenant key explicitly (composite tenant foreign keys need it)
    for (const r of ir.seeds.filter((x) => x.table !== 'organizations')) expect(r.values.organization_id, `${r.table}['${r.key}']`).toBe(ir.seeds[0]!.values.id);
  });
});
