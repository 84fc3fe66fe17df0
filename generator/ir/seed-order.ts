import { toposort } from './toposort.ts';
import type { SeedRow } from './types.ts';

export interface SeedTableGroup {
  readonly table: string;
  /** Rows of one table; a row referencing another row of the same table comes after it. */
  readonly rows: readonly SeedRow[];
}

export type SeedOrder =
  | { readonly ok: true; readonly groups: readonly SeedTableGroup[] }
  /** `a['k'].col → b['j']` for each step of the cycle, and the tables involved. */
  | { readonly ok: false; readonly tables: readonly string[]; readonly steps: readonly string[] };

const name = (r: { table: string; key: string }) => `${r.table}['${r.key}']`;

/**
 * Groups rows by table, parents before children, so that every foreign key
 * a row holds points at a row inserted before it or in the same statement.
 * Tables keep their first-appearance order where references leave a choice.
 */
export function orderSeedRows(rows: readonly SeedRow[]): SeedOrder {
  const byTable = new Map<string, SeedRow[]>();
  for (const r of rows) {
    const list = byTable.get(r.table);
    if (list) list.push(r);
    else byTable.set(r.table, [r]);
  }
  const deps = new Map<string, Map<string, string>>();
  for (const r of rows)
    for (const [col, target] of Object.entries(r.refs)) {
      if (target.table === r.table || !byTable.has(target.table)) continue;
      let d = deps.get(r.table);
      if (!d) deps.set(r.table, (d = new Map()));
      if (!d.has(target.table)) d.set(target.table, `${name(r)}.${col} → ${name(target)}`);
    }
  const tables = toposort([...byTable.keys()], (t) => deps.get(t)?.keys() ?? []);
  if (!tables.ok) {
    const cycle = tables.cycle;
    return { ok: false, tables: cycle, steps: cycle.map((t, i) => deps.get(t)!.get(cycle[(i + 1) % cycle.length]!)!) };
  }
  const groups: SeedTableGroup[] = [];
  for (const table of tables.order) {
    const list = byTable.get(table)!;
    const self = list.some((r) => Object.values(r.refs).some((t) => t.table === table));
    if (!self) {
      groups.push({ table, rows: list });
      continue;
    }
    const byKey = new Map(list.map((r) => [r.key, r]));
    const sorted = toposort(list, (r) => Object.values(r.refs).flatMap((t) => (t.table === table && t.key !== r.key ? [byKey.get(t.key)!] : [])));
    if (!sorted.ok) {
      const c = sorted.cycle;
      return {
        ok: false,
        tables: [table],
        steps: c.map((r, i) => {
          const next = c[(i + 1) % c.length]!;
          const col = Object.entries(r.refs).find(([, t]) => t.table === table && t.key === next.key)![0];
          return `${name(r)}.${col} → ${name(next)}`;
        }),
      };
    }
    groups.push({ table, rows: sorted.order });
  }
  return { ok: true, groups };
}

/** One line naming a cycle: `users → workflows → users (users['a'].x → workflows['b'], …)`. */
export const describeCycle = (o: Extract<SeedOrder, { ok: false }>) =>
  `${[...o.tables, o.tables[0]].join(' → ')} (${o.steps.join(', ')})`;
