import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NAMESPACE_URL, SEED_NAMESPACE, seedId, uuidV5 } from '../../generator/ir/uuid-v5.ts';

const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('uuid v5', () => {
  it('matches published vectors', () => {
    // RFC 9562 appendix A.4
    expect(uuidV5(NAMESPACE_DNS, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    // Python's uuid documentation: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5(NAMESPACE_DNS, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('the seed namespace is the v5 id of its URL, as documented', () => {
    expect(uuidV5(NAMESPACE_URL, 'https://schemagen.dev/seed')).toBe(SEED_NAMESPACE);
  });

  it('seed ids are fixed forever: same table and key, same id', () => {
    expect(seedId('organizations', 'tuv-sud-demo')).toBe('fca8e107-a1ba-55a7-b90c-c9102dc52732');
    expect(seedId('workflows', 'iso-9001')).toBe(uuidV5(SEED_NAMESPACE, 'workflows:iso-9001'));
    expect(seedId('users', 'x')).not.toBe(seedId('workflows', 'x'));
  });

  it('property: version 5, RFC variant, lower-case, deterministic, for any name (also past the scratch buffer)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ maxLength: 20 }), (key, table) => {
        const id = seedId(table, key);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(seedId(table, key)).toBe(id);
        expect(uuidV5(SEED_NAMESPACE, `${table}:${key}`)).toBe(id);
      }),
      { seed, numRuns: 300, examples: [['', ''], ['ü'.repeat(200), 't']] },
    );
  });

  it('refuses a namespace that is not a uuid', () => {
    expect(() => uuidV5('not-a-uuid', 'x')).toThrow(/namespace/);
  });
});
