export type TopoResult<T> =
  | { readonly ok: true; readonly order: readonly T[] }
  /** `cycle[0]` depends on `cycle[1]`, …, and the last on `cycle[0]`. */
  | { readonly ok: false; readonly cycle: readonly T[] };

/**
 * Orders `nodes` so that every node comes after the nodes it depends on.
 * Deterministic: where the dependencies leave a choice, input order wins.
 * Iterative depth-first search, so long chains cannot overflow the stack.
 * A dependency that is not in `nodes` is ignored.
 */
export function toposort<T>(nodes: readonly T[], dependsOn: (node: T) => Iterable<T>): TopoResult<T> {
  const index = new Map<T, number>();
  nodes.forEach((n, i) => index.set(n, i));
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 done
  const order: T[] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (state[start] !== 0) continue;
    const stack: { node: number; deps: Iterator<T> }[] = [{ node: start, deps: dependsOn(nodes[start]!)[Symbol.iterator]() }];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = top.deps.next();
      if (next.done) {
        state[top.node] = 2;
        order.push(nodes[top.node]!);
        stack.pop();
        continue;
      }
      const dep = index.get(next.value);
      if (dep === undefined || state[dep] === 2) continue;
      if (state[dep] === 1) {
        const from = stack.findIndex((f) => f.node === dep);
        return { ok: false, cycle: stack.slice(from).map((f) => nodes[f.node]!) };
      }
      state[dep] = 1;
      stack.push({ node: dep, deps: dependsOn(nodes[dep]!)[Symbol.iterator]() });
    }
  }
  return { ok: true, order };
}
