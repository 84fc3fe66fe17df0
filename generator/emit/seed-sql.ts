import { describeCycle, orderSeedRows, type SeedTableGroup } from '../ir/seed-order.ts';
import { MAINTENANCE_SETTING } from '../ir/tenancy.ts';
import type { Ir, SeedRow, Table } from '../ir/types.ts';
import { quoteIdent, quoteString, typedLiteral } from '../sql/quote.ts';
import { GENERATED_HEADER } from './header.ts';
import { render } from './templates.ts';

/** The profile `generated/seed.sql` holds. */
export const DEFAULT_PROFILE = 'default';
export const SEED_FILE = 'seed.sql';

/**
 * One multi-row `INSERT … ON CONFLICT (<primary key>) DO NOTHING` for rows of
 * one table. The conflict target is the primary key only: a row already
 * seeded (same deterministic id) is kept, while a row clashing with another
 * unique constraint still fails loudly. Columns no row gives take DEFAULT.
 */
export function insertStatement(table: Table, rows: readonly SeedRow[]): string {
  const columns = table.columns.filter((c) => rows.some((r) => r.values[c.name] !== undefined));
  const tuples = rows.map((r) => `(${columns.map((c) => (r.values[c.name] === undefined ? 'DEFAULT' : typedLiteral(r.values[c.name]!, c.type))).join(', ')})`);
  const conflict = (table.primaryKey?.columns ?? []).map(quoteIdent).join(', ');
  return `INSERT INTO ${quoteIdent(table.name)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES\n  ${tuples.join(',\n  ')}\nON CONFLICT (${conflict}) DO NOTHING;`;
}

/** The rows of one profile in insert order; throws naming the cycle if there is none (gen reports it first as seed-cycle). */
export function seedGroups(rows: readonly SeedRow[]): readonly SeedTableGroup[] {
  const order = orderSeedRows(rows);
  if (!order.ok) throw new Error(`seed rows reference each other in a cycle: ${describeCycle(order)}`);
  return order.groups;
}

/** `generated/seed.sql`: the default profile as one transaction a person can also run with psql. */
export function renderSeedSql(ir: Ir, profile = DEFAULT_PROFILE): string {
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const rows = ir.seeds.filter((r) => r.profile === profile);
  const groups = seedGroups(rows).map((g) => ({
    table: g.table,
    count: `${g.rows.length} row${g.rows.length === 1 ? '' : 's'}`,
    sql: insertStatement(tables.get(g.table)!, g.rows),
  }));
  return render('seed/seed.sql', {
    header: GENERATED_HEADER,
    profile,
    rowCount: rows.length,
    tableCount: groups.length,
    maintenanceSetting: quoteString(MAINTENANCE_SETTING),
    groups,
  });
}
