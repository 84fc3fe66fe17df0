import { isSeedRef, type SeedRef } from '../dsl/seed.ts';
import type { DiagnosticCode } from './diagnostics.ts';
import { sqlType } from '../sql/quote.ts';
import { databaseFilled } from './permissions.ts';
import { isJsonValue, seedValueProblem } from './seed-values.ts';
import { seedId } from './uuid-v5.ts';
import type { Column, Ir, JsonValue, SeedRow, Table } from './types.ts';

/** Where a seed problem goes: `Diagnostics.error`, or a collector that throws. */
export type SeedReport = (code: DiagnosticCode, path: string, message: string, hint: string) => void;

/** `seeds.default.workflows['iso-9001']`: how every seed diagnostic names its row. */
export const seedRowPath = (profile: string, table: string, key: string) => `seeds.${profile}.${table}['${key}']`;

interface Target {
  readonly table: string;
  readonly column: string;
  /** The foreign key has this one column only (preferred over composite tenant keys). */
  readonly single: boolean;
  /** The referenced column is the target's primary key. */
  readonly primary: boolean;
}

interface TableInfo {
  readonly table: Table;
  readonly columns: ReadonlyMap<string, Column>;
  /** The single uuid primary key column, filled with the row's deterministic id. */
  readonly idColumn: string | null;
  readonly required: readonly string[];
  readonly targets: ReadonlyMap<string, readonly Target[]>;
  /** Columns other rows may need from a row of this table (referenced columns, tenant key); empty if nothing references it. */
  readonly wanted: readonly string[];
}

interface Pending {
  readonly table: string;
  readonly key: string;
  readonly path: string;
  readonly info: TableInfo;
  readonly values: Record<string, JsonValue>;
  readonly refs: Record<string, { readonly table: string; readonly key: string }>;
  /** Column → reference not yet resolved. */
  readonly unresolved: Map<string, SeedRef>;
}

/**
 * Turns seed rows written with the DSL into IR seed rows: checks entity,
 * columns, values and keys, gives each row its deterministic id and
 * replaces each `ref(...)` by the referenced row's value. Every problem is
 * reported, naming the row.
 */
export class SeedCompiler {
  private readonly infos = new Map<string, TableInfo>();
  private readonly enums: ReadonlyMap<string, readonly string[]>;
  private readonly tenantKey: string | null;
  /** table → key → the row (static profiles) or the columns other rows need from it (streams). */
  private readonly seen = new Map<string, Map<string, Pending | Record<string, JsonValue>>>();

  constructor(ir: Ir, readonly profile: string, private readonly report: SeedReport, private readonly streaming = false) {
    this.enums = new Map(ir.enums.map((e) => [e.name, e.values]));
    this.tenantKey = ir.tenancy?.key ?? null;
    const tables = new Map(ir.tables.map((t) => [t.name, t]));
    const wanted = new Map<string, Set<string>>();
    for (const t of ir.tables)
      for (const fk of t.foreignKeys) {
        const set = wanted.get(fk.refTable) ?? new Set<string>();
        fk.refColumns.forEach((c) => set.add(c));
        wanted.set(fk.refTable, set);
      }
    for (const t of ir.tables) {
      const pk = t.primaryKey?.columns ?? [];
      const idColumn = pk.length === 1 && t.columns.find((c) => c.name === pk[0])?.type.kind === 'uuid' ? pk[0]! : null;
      const targets = new Map<string, Target[]>();
      for (const fk of t.foreignKeys)
        fk.columns.forEach((col, i) => {
          const column = fk.refColumns[i];
          const target = tables.get(fk.refTable);
          if (column === undefined || !target) return;
          const primary = target.primaryKey?.columns.length === 1 && target.primaryKey.columns[0] === column;
          targets.set(col, [...(targets.get(col) ?? []), { table: fk.refTable, column, single: fk.columns.length === 1, primary }]);
        });
      const w = wanted.get(t.name);
      if (w && this.tenantKey && t.columns.some((c) => c.name === this.tenantKey)) w.add(this.tenantKey);
      this.infos.set(t.name, {
        table: t,
        columns: new Map(t.columns.map((c) => [c.name, c])),
        idColumn,
        required: t.columns.filter((c) => c.notNull && !databaseFilled(c) && c.name !== idColumn).map((c) => c.name),
        targets,
        wanted: w ? [...w] : [],
      });
    }
  }

  /** All rows of a static profile: references may point forwards. */
  compileAll(specs: readonly unknown[]): SeedRow[] {
    const pending = specs.map((s, i) => this.add(s, i)).filter((p): p is Pending => p !== null);
    for (const p of pending) for (const col of [...p.unresolved.keys()]) this.resolveColumn(p, col, 0);
    return pending.map((p) => this.finish(p));
  }

  /** One row of a generated profile: it may only reference rows already compiled. Null if it had problems (reported). */
  compileNext(spec: unknown, index: number): SeedRow | null {
    const p = this.add(spec, index);
    if (!p) return null;
    for (const col of [...p.unresolved.keys()]) this.resolveColumn(p, col, 0);
    const row = this.finish(p);
    if (BAD.has(p)) return null;
    const reg = this.seen.get(p.table)!;
    if (p.info.wanted.length === 0) reg.set(p.key, EMPTY);
    else {
      const kept: Record<string, JsonValue> = {};
      for (const c of p.info.wanted) if (c in p.values) kept[c] = p.values[c]!;
      reg.set(p.key, kept);
    }
    return row;
  }

  private add(spec: unknown, index: number): Pending | null {
    const s = spec as { kind?: unknown; table?: unknown; key?: unknown; values?: unknown };
    if (typeof s !== 'object' || s === null || s.kind !== 'seedRow' || typeof s.table !== 'string' || typeof s.values !== 'object' || s.values === null) {
      this.report('seed-unknown-entity', `seeds.${this.profile}[${index}]`, `item ${index} of profile ${this.profile} is not a seed row`, 'write rows with row(entity, key, { ...columns })');
      return null;
    }
    const table = s.table;
    const key = typeof s.key === 'string' ? s.key : '';
    const path = seedRowPath(this.profile, table, key);
    const info = this.infos.get(table);
    if (!info) {
      this.report('seed-unknown-entity', path, `entity ${table} is not part of the model`, `export it from the schema module, or seed one of: ${[...this.infos.keys()].join(', ')}`);
      return null;
    }
    let ok = true;
    if (key === '') {
      this.report('seed-bad-key', path, 'has an empty key', 'give every row a key unique within its entity, e.g. \'iso-9001\'');
      ok = false;
    }
    let reg = this.seen.get(table);
    if (!reg) this.seen.set(table, (reg = new Map()));
    if (key !== '' && reg.has(key)) {
      this.report('seed-bad-key', path, `the key '${key}' is used by two ${table} rows`, 'give each row its own key: the key determines the row\'s id');
      ok = false;
    }
    const values: Record<string, JsonValue> = {};
    const unresolved = new Map<string, SeedRef>();
    for (const [name, value] of Object.entries(s.values as Record<string, unknown>)) {
      if (value === undefined) continue;
      const column = info.columns.get(name);
      if (!column) {
        this.report('seed-unknown-column', `${path}.${name}`, `${table} has no column ${name}`, `use one of: ${[...info.columns.keys()].join(', ')}`);
        ok = false;
        continue;
      }
      if (column.identity || column.generated !== undefined) {
        // ALWAYS refuses the value; BY DEFAULT takes it, but its sequence does not learn of it and a later row collides
        const what = column.generated !== undefined ? 'a generated column: the database computes it from the row' : 'an identity column: the database numbers it';
        this.report('seed-generated-column', `${path}.${name}`, `gives ${name}, ${what}`, `leave ${name} out of the seed row`);
        ok = false;
        continue;
      }
      if (isSeedRef(value)) {
        unresolved.set(name, value);
        continue;
      }
      if (value === null && column.notNull) {
        this.report('seed-bad-value', `${path}.${name}`, 'is NULL but the column is NOT NULL (an explicit NULL does not take the default)', column.default ? 'leave the column out to get its default' : 'give it a value');
        ok = false;
        continue;
      }
      const problem = isJsonValue(value) ? seedValueProblem(value, column.type, this.enums) : `is ${describe(value)}, not plain data`;
      if (problem) {
        this.report('seed-bad-value', `${path}.${name}`, `${preview(value)} ${problem}`, `${table}.${name} is ${sqlType(column.type)}${column.notNull ? ' NOT NULL' : ''}`);
        ok = false;
        continue;
      }
      values[name] = value as JsonValue;
    }
    if (info.idColumn && !(info.idColumn in values) && !unresolved.has(info.idColumn) && key !== '') values[info.idColumn] = seedId(table, key);
    for (const col of info.required)
      if (!(col in values) && !unresolved.has(col) && (s.values as Record<string, unknown>)[col] === undefined) {
        this.report('seed-missing-column', `${path}.${col}`, `leaves out ${col}, which is NOT NULL and has no default`, `give ${col} a value`);
        ok = false;
      }
    // Without a fixed primary key a second run would insert the row again under a new key.
    for (const col of info.table.primaryKey?.columns ?? [])
      if (key !== '' && !(col in values) && !unresolved.has(col) && !info.required.includes(col) && (s.values as Record<string, unknown>)[col] === undefined) {
        if (info.columns.get(col)?.identity)
          this.report('seed-missing-column', `${path}.${col}`, `${col}, the primary key, is an identity column: a seed row cannot fix it, so a second run would insert the row again`, `seed entities with a uuid primary key (filled from the row's key), or leave ${table} out of the seed`);
        else this.report('seed-missing-column', `${path}.${col}`, `leaves out primary key column ${col}, which only a single uuid key fills by itself`, `give ${col} a fixed value, so a second run finds the row instead of inserting it again`);
        ok = false;
      }
    const pending: Pending = { table, key, path, info, values, refs: {}, unresolved };
    if (key !== '' && !reg.has(key)) reg.set(key, pending);
    if (!ok) bad(pending);
    return ok || !this.streaming ? pending : null;
  }

  private resolveColumn(p: Pending, col: string, depth: number): void {
    const r = p.unresolved.get(col);
    if (!r) return;
    p.unresolved.delete(col);
    const path = `${p.path}.${col}`;
    const all = p.info.targets.get(col) ?? [];
    if (all.length === 0) {
      this.report('seed-bad-reference', path, `ref(${refText(r)}) on ${col}, which has no foreign key`, 'give the value itself, or reference a column with .references(...)');
      return bad(p);
    }
    let candidates = r.table === null ? all : all.filter((t) => t.table === r.table);
    if (candidates.length === 0) {
      this.report('seed-bad-reference', path, `ref(${refText(r)}) but ${p.table}.${col} references ${unique(all.map((t) => t.table)).join(', ')}`, `reference a row of ${unique(all.map((t) => t.table)).join(' or ')}`);
      return bad(p);
    }
    if (candidates.length > 1) candidates = prefer(prefer(candidates, (t) => t.single), (t) => t.primary);
    const distinct = unique(candidates.map((t) => `${t.table}.${t.column}`));
    if (distinct.length > 1) {
      this.report('seed-bad-reference', path, `ref('${r.key}') is ambiguous: ${col} references ${distinct.join(' and ')}`, `name the entity: ref(entity, '${r.key}')`);
      return bad(p);
    }
    const target = candidates[0]!;
    const found = this.seen.get(target.table)?.get(r.key);
    if (!found) {
      const keys = [...(this.seen.get(target.table)?.keys() ?? [])];
      const near = keys.length <= 2000 ? closest(r.key, keys) : null;
      this.report(
        'seed-dangling-reference',
        path,
        `refers to ${target.table}['${r.key}'], which profile ${this.profile} does not seed${this.streaming ? ' before this row' : ''}`,
        near ? `did you mean '${near}'?` : this.streaming ? 'a generated profile must yield a row after the rows it references' : `seed ${target.table}['${r.key}'] or fix the key`,
      );
      return bad(p);
    }
    let value: JsonValue | undefined;
    if (isPending(found)) {
      if (depth > 64) {
        this.report('seed-cycle', path, 'its reference resolves through a cycle of references', 'give one of the referenced values directly');
        return bad(p);
      }
      this.resolveColumn(found, target.column, depth + 1);
      value = found.values[target.column];
    } else value = found[target.column];
    if (value === undefined) {
      this.report('seed-bad-reference', path, `refers to ${target.table}['${r.key}'], which has no value for ${target.column}`, `give ${target.table}['${r.key}'] a ${target.column}`);
      return bad(p);
    }
    p.values[col] = value;
    p.refs[col] = { table: target.table, key: r.key };
  }

  private finish(p: Pending): SeedRow {
    const key = this.tenantKey;
    if (key && p.info.table.tenancy === 'scoped' && key in p.values)
      for (const [col, r] of Object.entries(p.refs)) {
        if (col === key || this.infos.get(r.table)?.table.tenancy !== 'scoped') continue;
        const found = this.seen.get(r.table)?.get(r.key);
        const theirs = found === undefined ? undefined : isPending(found) ? found.values[key] : found[key];
        if (theirs !== undefined && theirs !== p.values[key]) {
          this.report('seed-tenant-mismatch', `${p.path}.${col}`, `refers to ${r.table}['${r.key}'] of another tenant (${key} ${String(theirs)}, this row has ${String(p.values[key])})`, `reference a row of the same ${key}, or give this row that ${key}`);
          bad(p);
        }
      }
    return { profile: this.profile, table: p.table, key: p.key, values: p.values, refs: p.refs };
  }
}

const EMPTY: Record<string, JsonValue> = Object.freeze({}) as Record<string, JsonValue>;
const isPending = (v: Pending | Record<string, JsonValue>): v is Pending => (v as Pending).unresolved instanceof Map && typeof (v as Pending).path === 'string';
/** Rows that had a problem (already reported). */
const BAD = new WeakSet<Pending>();
const bad = (p: Pending): void => void BAD.add(p);

const unique = (xs: readonly string[]) => [...new Set(xs)];
const prefer = <T>(xs: readonly T[], good: (x: T) => boolean) => (xs.some(good) ? xs.filter(good) : [...xs]);
const refText = (r: SeedRef) => (r.table ? `${r.table}, '${r.key}'` : `'${r.key}'`);
const describe = (v: unknown) => (v instanceof Date ? 'a Date (write an ISO string such as 2026-01-15T09:30:00Z)' : typeof v === 'bigint' ? 'a bigint (write it as a string of digits)' : `a ${typeof v}`);
const preview = (v: unknown) => {
  const text = typeof v === 'string' ? `'${v}'` : (() => { try { return JSON.stringify(v) ?? String(v); } catch { return String(v); } })();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** The key within edit distance 3 of `key`, if any. */
function closest(key: string, keys: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 4;
  for (const k of keys) {
    const d = distance(key, k, bestD);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
