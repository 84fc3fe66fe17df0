import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeCycle, orderSeedRows } from '../../generator/ir/seed-order.ts';
import { toposort } from '../../generator/ir/toposort.ts';
import type { SeedRow } from '../../generator/ir/types.ts';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const params = (numRuns: number) => ({ seed: SEED, numRuns });

/** A random graph on n nodes; with `dag`, edges only go from a higher to a lower index (then shuffled). */
const graph = (dag: boolean) =>
  fc.integer({ min: 1, max: 30 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }).map((es) => (dag ? es.filter(([a, b]) => a > b) : es)),
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    }),
  );

describe('toposort', () => {
  it('orders dependencies first and keeps input order where it may', () => {
    const deps: Record<string, string[]> = { c: ['a'], b: [], a: ['b'] };
    const r = toposort(['c', 'b', 'a'], (x) => deps[x]!);
    expect(r).toEqual({ ok: true, order: ['b', 'a', 'c'] });
    expect(toposort(['x', 'y'], () => [])).toEqual({ ok: true, order: ['x', 'y'] });
  });

  it('names a cycle, each member depending on the next', () => {
    const deps: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: [] };
    const r = toposort(['d', 'a', 'b', 'c'], (x) => deps[x]!);
    expect(r).toEqual({ ok: false, cycle: ['a', 'b', 'c'] });
  });

  it(`property: on any DAG every edge is respected and every node appears once (seed ${SEED})`, () => {
    fc.assert(
      fc.property(graph(true), ({ n, edges, order }) => {
        const deps = new Map<number, number[]>();
        for (const [a, b] of edges) deps.set(a, [...(deps.get(a) ?? []), b]);
        const r = toposort(order, (x) => deps.get(x) ?? []);
        if (!r.ok) throw new Error(`DAG reported a cycle ${r.cycle}`);
        expect([...r.order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        const at = new Map(r.order.map((x, i) => [x, i]));
        for (const [a, b] of edges) expect(at.get(b)!).toBeLessThan(at.get(a)!);
      }),
      params(500),
    );
  });

  it(`property: on any graph, either a valid order or a real cycle (seed ${SEED})`, () => {
    fc.assert(
      fc.property(graph(false), ({ edges, order }) => {
        const deps = new Map<number, number[]>();
        for (const [a, b] of edges) deps.set(a, [...(deps.get(a) ?? []), b]);
        const r = toposort(order, (x) => deps.get(x) ?? []);
        if (r.ok) {
          const at = new Map(r.order.map((x, i) => [x, i]));
          for (const [a, b] of edges) if (a !== b) expect(at.get(b)!).toBeLessThan(at.get(a)!);
          expect(edges.some(([a, b]) => a === b)).toBe(false);
        } else {
          expect(r.cycle.length).toBeGreaterThan(0);
          r.cycle.forEach((x, i) => expect(deps.get(x) ?? []).toContain(r.cycle[(i + 1) % r.cycle.length]));
        }
      }),
      params(500),
    );
  });

  it('handles a 100,000-long chain without overflowing the stack', () => {
    const n = 100_000;
    const nodes = [...Array(n).keys()];
    const r = toposort(nodes, (x) => (x + 1 < n ? [x + 1] : []));
    expect(r.ok && r.order[0]).toBe(n - 1);
  });
});

const seedRow = (table: string, key: string, refs: Record<string, [string, string]> = {}): SeedRow => ({
  profile: 'default',
  table,
  key,
  values: {},
  refs: Object.fromEntries(Object.entries(refs).map(([c, [t, k]]) => [c, { table: t, key: k }])),
});

describe('orderSeedRows', () => {
  it('puts parent tables first, keeping first-appearance order otherwise', () => {
    const rows = [
      seedRow('criteria', 'c1', { bucket_id: ['buckets', 'b1'] }),
      seedRow('users', 'u1', { organization_id: ['organizations', 'o'] }),
      seedRow('buckets', 'b1', { organization_id: ['organizations', 'o'] }),
      seedRow('organizations', 'o'),
    ];
    const o = orderSeedRows(rows);
    expect(o.ok && o.groups.map((g) => g.table)).toEqual(['organizations', 'buckets', 'criteria', 'users']);
  });

  it('orders rows of a self-referencing table parent first', () => {
    const rows = [seedRow('tickets', 'child', { parent_id: ['tickets', 'parent'] }), seedRow('tickets', 'parent'), seedRow('tickets', 'self', { parent_id: ['tickets', 'self'] })];
    const o = orderSeedRows(rows);
    expect(o.ok && o.groups[0]!.rows.map((r) => r.key)).toEqual(['parent', 'child', 'self']);
  });

  it('names a cycle between tables with the rows and columns that make it', () => {
    const rows = [
      seedRow('users', 'anna', { favourite_workflow_id: ['workflows', 'iso'] }),
      seedRow('workflows', 'iso', { created_by: ['users', 'anna'] }),
    ];
    const o = orderSeedRows(rows);
    if (o.ok) throw new Error('expected a cycle');
    expect(describeCycle(o)).toBe("users → workflows → users (users['anna'].favourite_workflow_id → workflows['iso'], workflows['iso'].created_by → users['anna'])");
  });

  it('names a cycle between rows of one table', () => {
    const o = orderSeedRows([seedRow('tickets', 'a', { parent_id: ['tickets', 'b'] }), seedRow('tickets', 'b', { parent_id: ['tickets', 'a'] })]);
    if (o.ok) throw new Error('expected a cycle');
    expect(describeCycle(o)).toBe("tickets → tickets (tickets['a'].parent_id → tickets['b'], tickets['b'].parent_id → tickets['a'])");
  });
});
