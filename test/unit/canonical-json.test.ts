import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual } from '../../generator/emit/canonical-json.ts';

/** jsonEqual(a, b) must answer what comparing the two canonical JSON texts answers, for values JSON can write (no bigint). */
const serializable = (v: unknown) => {
  try {
    canonicalJson(v);
    return true;
  } catch {
    return false;
  }
};
const expectAgrees = (a: unknown, b: unknown) => {
  if (serializable(a) && serializable(b)) expect(jsonEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
};

/** The same data with every object's keys in another order. */
const reorder = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(reorder) : v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
    ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]))
    : v;

describe('jsonEqual is canonicalJson(a) === canonicalJson(b)', () => {
  const values = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, maxDepth: 4 });

  it('on any two values', () => {
    fc.assert(fc.property(values, values, (a, b) => { expectAgrees(a, b); }), { numRuns: 3000 });
  });

  it('on a value and the same value with its keys reordered, or slightly changed', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(fc.property(json, (a) => { expectAgrees(a, reorder(a)); }), { numRuns: 1000 });
    fc.assert(fc.property(values, (a) => { expectAgrees(a, reorder(a)); }), { numRuns: 1000 });
    fc.assert(fc.property(json, fc.jsonValue({ maxDepth: 1 }), (a, leaf) => { expectAgrees({ x: a, y: [a] }, { x: reorder(a), y: [leaf] }); }), { numRuns: 1000 });
  });

  it('in the cases JSON itself makes equal', () => {
    const cases: Array<[unknown, unknown]> = [
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: () => 1 }, {}],
      [[undefined], [null]],
      [[() => 1, Symbol('s')], [null, null]],
      [NaN, null],
      [[Infinity], [null]],
      [-0, 0],
      [undefined, undefined],
      [undefined, () => 1],
      [undefined, null],
      [new Date(0), {}],
      [{ toJSON: () => 1 }, 1],
      [[1, , 3], [1, null, 3]],
      [Object.defineProperty({ x: 1 }, 'z', { value: 2 }), { x: 1, z: 2 }],
    ];
    for (const [a, b] of cases) {
      expectAgrees(a, b);
      expectAgrees(b, a);
    }
  });
});
