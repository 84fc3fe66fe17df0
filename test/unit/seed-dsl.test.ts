import { describe, expect, expectTypeOf, it } from 'vitest';
import { ref, row, seededRandom, type SeedRef, type SeedValues } from '../../generator/dsl/index.ts';
import { assessments, criteria, organizations, users, workflows } from '../../model/schema.ts';

// Each line below must be a TypeScript error; `tsc --noEmit` (npm test) fails if one is not.
const org = ref(organizations, 'demo');
// @ts-expect-error unknown column
row(workflows, 'w', { organization_id: org, name: 'W', nmae: 'typo' });
// @ts-expect-error a number for a varchar column
row(workflows, 'w', { organization_id: org, name: 42 });
// @ts-expect-error not a value of the workflow_status enum
row(workflows, 'w', { organization_id: org, name: 'W', status: 'published' });
// @ts-expect-error NULL in a NOT NULL column
row(workflows, 'w', { organization_id: null, name: 'W' });
// @ts-expect-error a string for a boolean column
row(users, 'u', { organization_id: org, email: 'u@x.example', full_name: 'U', is_active: 'yes' });
// @ts-expect-error a role outside oneOf([...])
row(users, 'u', { organization_id: org, email: 'u@x.example', full_name: 'U', role: 'boss' });
// @ts-expect-error a reference where an enum value belongs
row(assessments, 'a', { organization_id: org, workflow_id: ref('w'), title: 'A', status: ref('x') });
// @ts-expect-error a string for an integer column
row(criteria, 'c', { organization_id: org, bucket_id: ref('b'), title: 'C', position: '1' });

describe('seed DSL', () => {
  it('row values are typed by the entity: references where a uuid goes, null only where nullable', () => {
    type W = SeedValues<typeof workflows>;
    expectTypeOf<W['status']>().toEqualTypeOf<'draft' | 'active' | 'archived' | undefined>();
    expectTypeOf<W['created_by']>().toEqualTypeOf<string | SeedRef | null | undefined>();
    expectTypeOf<W['organization_id']>().toEqualTypeOf<string | SeedRef | undefined>();
    expectTypeOf<SeedValues<typeof criteria>['is_mandatory']>().toEqualTypeOf<boolean | undefined>();
  });

  it('row() and ref() are plain data naming entity and key', () => {
    const w = row(workflows, 'iso-9001', { organization_id: org, name: 'ISO' });
    expect(w).toEqual({ kind: 'seedRow', table: 'workflows', key: 'iso-9001', values: { organization_id: org, name: 'ISO' }, ref: { kind: 'seedRef', table: 'workflows', key: 'iso-9001' } });
    expect(ref('iso-9001')).toEqual({ kind: 'seedRef', table: null, key: 'iso-9001' });
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });

  it('seededRandom is deterministic per seed and spreads over its range', () => {
    const take = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 1000 }, () => r.int(1, 6));
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    expect(new Set(take(7))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });
});
