import type { Column, ForeignKey, Index, Ir, Table } from '../ir/types.ts';
import { quoteIdent } from '../sql/quote.ts';
import type { Problem } from './problems.ts';

/**
 * Renames come only from `renamedFrom` hints in the model, never from
 * guessing. A hint whose new name already exists in `before` has been
 * migrated and is ignored, so hints may stay in the model.
 */
export interface Renames {
  /** after table name → before table name, renamed tables only. */
  readonly tables: ReadonlyMap<string, string>;
  /** after table name → (after column name → before column name), renamed columns only. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function resolveRenames(before: Ir, after: Ir): { renames: Renames; problems: Problem[] } {
  const problems: Problem[] = [];
  const tables = new Map<string, string>();
  const beforeTables = new Map(before.tables.map((t) => [t.name, t]));
  const afterNames = new Set(after.tables.map((t) => t.name));
  const claimed = new Map<string, string>();

  for (const t of after.tables) {
    const from = t.renamedFrom;
    if (from === null) continue;
    if (beforeTables.has(t.name)) {
      // migrated already, unless both names exist and the old one goes now: a rename onto a dropped table's name, or a leftover hint?
      if (beforeTables.has(from) && !afterNames.has(from))
        problems.push({
          code: 'rename-ambiguous',
          path: t.name,
          message: `renamedFrom: '${from}', but the latest migration has both ${t.name} and ${from}, and ${from} is gone from the model`,
          fix: `if ${from} is simply dropped, remove the hint; to replace ${t.name} by ${from}, first drop ${t.name} in a migration of its own (\`npx gen --name ...\`), then rename`,
        });
      continue;
    }
    if (!beforeTables.has(from)) {
      problems.push({
        code: 'rename-source-missing',
        path: t.name,
        message: `renamedFrom: '${from}', but the latest migration has no table ${from} (it has: ${[...beforeTables.keys()].join(', ') || 'none'})`,
        fix: `name the table as it is in the latest migration's snapshot, or remove renamedFrom to create ${t.name} as a new table`,
      });
    } else if (afterNames.has(from)) {
      problems.push({
        code: 'rename-source-kept',
        path: t.name,
        message: `renamedFrom: '${from}', but the model still has table ${from}`,
        fix: `remove renamedFrom to create ${t.name} as a new table, or remove or rename ${from} in the model`,
      });
    } else if (claimed.has(from)) {
      problems.push({ code: 'rename-ambiguous', path: t.name, message: `renamedFrom: '${from}', like ${claimed.get(from)}`, fix: 'keep the hint on one of them' });
    } else {
      claimed.set(from, t.name);
      tables.set(t.name, from);
    }
  }

  const columns = new Map<string, Map<string, string>>();
  for (const t of after.tables) {
    const old = beforeTables.get(tables.get(t.name) ?? t.name);
    const oldColumns = new Set(old?.columns.map((c) => c.name) ?? []);
    const names = new Set(t.columns.map((c) => c.name));
    const renamed = new Map<string, string>();
    const taken = new Map<string, string>();
    for (const c of t.columns) {
      const from = c.renamedFrom;
      if (from === null) continue;
      const path = `${t.name}.${c.name}`;
      if (oldColumns.has(c.name)) {
        if (oldColumns.has(from) && !names.has(from))
          problems.push({
            code: 'rename-ambiguous',
            path,
            message: `renamedFrom('${from}'), but the latest migration has both ${c.name} and ${from}, and ${from} is gone from the model`,
            fix: `if ${from} is simply dropped, remove the hint; to replace ${c.name} by ${from}, first drop ${c.name} in a migration of its own, then rename`,
          });
        continue;
      }
      if (!old) {
        // A new table's columns are all new; the hint can only be a leftover.
        problems.push({ code: 'rename-source-missing', path, message: `renamedFrom('${from}'), but table ${t.name} is new in this migration`, fix: 'remove the hint' });
      } else if (!oldColumns.has(from)) {
        problems.push({
          code: 'rename-source-missing',
          path,
          message: `renamedFrom('${from}'), but ${old.name} has no column ${from} in the latest migration (it has: ${[...oldColumns].join(', ')})`,
          fix: `name the column as it is in the latest migration's snapshot, or remove renamedFrom to add ${c.name} as a new column`,
        });
      } else if (names.has(from)) {
        problems.push({ code: 'rename-source-kept', path, message: `renamedFrom('${from}'), but ${t.name} still has column ${from}`, fix: `remove the hint, or remove or rename ${from}` });
      } else if (taken.has(from)) {
        problems.push({ code: 'rename-ambiguous', path, message: `renamedFrom('${from}'), like ${t.name}.${taken.get(from)}`, fix: 'keep the hint on one of them' });
      } else {
        taken.set(from, c.name);
        renamed.set(c.name, from);
      }
    }
    if (renamed.size > 0) columns.set(t.name, renamed);
  }
  return { renames: { tables, columns }, problems };
}

/**
 * Translates `before` objects into `after` names, so that a renamed table or
 * column compares equal to its new self: table names, column lists, foreign
 * key targets and quoted column names inside expressions.
 */
export class Rewriter {
  private readonly tableTo = new Map<string, string>();
  private readonly columnTo = new Map<string, Map<string, string>>();

  constructor(renames: Renames) {
    for (const [to, from] of renames.tables) this.tableTo.set(from, to);
    for (const [table, cols] of renames.columns) this.columnTo.set(table, new Map([...cols].map(([to, from]) => [from, to])));
  }

  /** A before table name in after terms. */
  table = (name: string): string => this.tableTo.get(name) ?? name;

  /** A column of the before table `table` (before name) in after terms. */
  column = (table: string, name: string): string => this.columnTo.get(this.table(table))?.get(name) ?? name;

  columns = (table: string, names: readonly string[]): string[] => names.map((n) => this.column(table, n));

  /** Quoted column names of `table` inside an SQL expression. */
  expr = (table: string, sql: string): string => {
    const map = this.columnTo.get(this.table(table));
    if (!map) return sql;
    let out = sql;
    for (const [from, to] of map) out = out.replaceAll(quoteIdent(from), `\u0000${to}\u0000`);
    return out.replace(/\u0000([^\u0000]*)\u0000/g, (_, name: string) => quoteIdent(name));
  };

  /** The whole before table in after terms (its name, columns, keys, indexes, expressions). */
  tableDef = (t: Table): Table => {
    const cols = (names: readonly string[]) => this.columns(t.name, names);
    return {
      ...t,
      name: this.table(t.name),
      columns: t.columns.map((c): Column => ({ ...c, name: this.column(t.name, c.name), ...(c.generated !== undefined ? { generated: this.expr(t.name, c.generated) } : {}) })),
      primaryKey: t.primaryKey ? { ...t.primaryKey, columns: cols(t.primaryKey.columns) } : null,
      uniques: t.uniques.map((u) => ({ ...u, columns: cols(u.columns) })),
      checks: t.checks.map((c) => ({ ...c, expr: this.expr(t.name, c.expr) })),
      foreignKeys: t.foreignKeys.map((fk) => this.foreignKey(t.name, fk)),
      indexes: t.indexes.map((i): Index => ({ ...i, columns: i.columns.map((c) => ({ ...c, name: this.column(t.name, c.name) })), where: i.where === null ? null : this.expr(t.name, i.where) })),
      policies: t.policies.map((p) => ({ ...p, using: p.using === null ? null : this.expr(t.name, p.using), withCheck: p.withCheck === null ? null : this.expr(t.name, p.withCheck) })),
      grants: t.grants.map((g) => ({ ...g, updateColumns: g.updateColumns === null ? null : cols(g.updateColumns) })),
    };
  };

  foreignKey = (table: string, fk: ForeignKey): ForeignKey => ({
    ...fk,
    columns: this.columns(table, fk.columns),
    refTable: this.table(fk.refTable),
    refColumns: this.columns(fk.refTable, fk.refColumns),
    onDeleteSetColumns: fk.onDeleteSetColumns === null ? null : this.columns(table, fk.onDeleteSetColumns),
  });
}
