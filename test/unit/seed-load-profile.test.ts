import { describe, expect, it } from 'vitest';
import type { SeedGenerator } from '../../generator/dsl/seed.ts';
import type { SeedRow } from '../../generator/ir/types.ts';
import { loadModel } from '../../generator/model/load.ts';
import { resolveProfile } from '../../generator/runtime/seed-profile.ts';
import { SeedError } from '../../generator/runtime/seed-error.ts';
import { ROOT } from '../support/db-helpers.ts';

const { ir, seeds } = await loadModel(ROOT);
const load = (params: Record<string, number>): SeedRow[] => [...resolveProfile(ir, seeds, 'load', params).rows];

describe('load profile', () => {
  it('the same parameters give the same rows and ids; count() says how many', () => {
    const a = load({ orgs: 2, workflows: 3, seed: 7 });
    expect(load({ orgs: 2, workflows: 3, seed: 7 })).toEqual(a);
    expect(a.length).toBe((seeds!.profiles.load as SeedGenerator).count!({ orgs: 2, workflows: 3, seed: 7 }));
    const per = (t: string) => a.filter((r) => r.table === t).length;
    expect({ organizations: per('organizations'), users: per('users'), workflows: per('workflows'), buckets: per('buckets'), criteria: per('criteria'), assessments: per('assessments'), assessment_results: per('assessment_results') })
      .toEqual({ organizations: 2, users: 10, workflows: 6, buckets: 12, criteria: 36, assessments: 6, assessment_results: 36 });
  });

  it('another seed gives other organizations (and ids), so two loads can share a database', () => {
    const ids = (rows: SeedRow[]) => new Set(rows.map((r) => r.values.id));
    const a = ids(load({ orgs: 2, workflows: 2, seed: 1 }));
    const b = ids(load({ orgs: 2, workflows: 2, seed: 2 }));
    expect([...a].filter((x) => b.has(x))).toEqual([]);
  });

  it('rows come parents first: every reference points at an earlier row', () => {
    const seen = new Set<string>();
    for (const r of load({ orgs: 2, workflows: 4, seed: 3 })) {
      for (const t of Object.values(r.refs)) expect(seen.has(`${t.table}:${t.key}`), `${r.table}['${r.key}'] → ${t.table}['${t.key}']`).toBe(true);
      seen.add(`${r.table}:${r.key}`);
    }
  });

  it('parameters: unknown ones and fractions are refused; a static profile takes none', () => {
    expect(() => resolveProfile(ir, seeds, 'load', { users: 3 })).toThrow(/profile load takes --orgs, --workflows, --seed; not --users/);
    expect(() => resolveProfile(ir, seeds, 'load', { orgs: 1.5 })).toThrow(SeedError);
    expect(() => resolveProfile(ir, seeds, 'default', { orgs: 3 })).toThrow(/takes no parameters/);
    expect(() => resolveProfile(ir, seeds, 'nope')).toThrow('no seed profile "nope"; the model has: default, load');
  });
});
