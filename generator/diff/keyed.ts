/**
 * The generic keyed comparison every kind of object goes through: what only
 * `after` has, what only `before` has, and the pairs with the same key, each
 * list in the order of its input (inputs are sorted by name in the IR).
 */
export function keyed<B, A>(
  before: readonly B[],
  after: readonly A[],
  beforeKey: (b: B) => string,
  afterKey: (a: A) => string,
): { created: A[]; dropped: B[]; kept: [B, A][] } {
  const byKey = new Map(after.map((a) => [afterKey(a), a]));
  const seen = new Set(before.map(beforeKey));
  const kept: [B, A][] = [];
  const dropped: B[] = [];
  for (const b of before) {
    const a = byKey.get(beforeKey(b));
    if (a === undefined) dropped.push(b);
    else kept.push([b, a]);
  }
  return { created: after.filter((a) => !seen.has(afterKey(a))), dropped, kept };
}
