/**
 * Random valid models and random valid edits of them, for the evolution
 * property. A model is a small plain spec (tables of typed columns, indexes,
 * uniques, checks, foreign keys); every table and column has a stable `uid`,
 * so data can be followed through renames. Edits are interpreted from plain
 * numbers, so fast-check shrinks them well.
 */
import fc from 'fast-check';
import { bigint, defineModel, entity, index, integer, numeric, sql, text, unique, uuid, varchar, type ColumnBuilder } from '../../generator/dsl/index.ts';
import type { ReferentialAction } from '../../generator/ir/types.ts';

export type ColType = 'integer' | 'bigint' | 'numeric(10,2)' | 'numeric(14,4)' | 'varchar(20)' | 'varchar(40)' | 'text';
const TYPES: readonly ColType[] = ['integer', 'bigint', 'numeric(10,2)', 'numeric(14,4)', 'varchar(20)', 'varchar(40)', 'text'];
const WIDER: Partial<Record<ColType, readonly ColType[]>> = {
  integer: ['bigint'],
  'numeric(10,2)': ['numeric(14,4)'],
  'varchar(20)': ['varchar(40)', 'text'],
  'varchar(40)': ['text'],
};
const DEFAULTS: Record<ColType, readonly (number | string)[]> = {
  integer: [7, 11],
  bigint: [7, 11],
  'numeric(10,2)': [1.5, 2.25],
  'numeric(14,4)': [1.5, 2.25],
  'varchar(20)': ['a', 'b'],
  'varchar(40)': ['a', 'b'],
  text: ['a', 'b'],
};
const ACTIONS: readonly ReferentialAction[] = ['cascade', 'setNull', 'restrict', 'noAction'];

export interface ColSpec {
  readonly uid: number;
  readonly name: string;
  readonly type: ColType | 'uuid';
  readonly notNull: boolean;
  readonly default: number | string | null;
  readonly renamedFrom: string | null;
  readonly check: boolean;
  /** Rows may share a value (filled from a default when the column was added or set NOT NULL): no unique on it. */
  readonly repeats: boolean;
  /** uid of the referenced table (its `id`), for uuid columns. */
  readonly ref: { readonly table: number; readonly onDelete: ReferentialAction } | null;
}

export interface TableSpec {
  readonly uid: number;
  readonly name: string;
  readonly renamedFrom: string | null;
  readonly columns: readonly ColSpec[];
  /** Column uids. */
  readonly indexes: readonly (readonly number[])[];
  readonly uniques: readonly (readonly number[])[];
}

export interface ModelSpec {
  readonly tables: readonly TableSpec[];
  readonly next: number;
}

/** A value of the column's type for row `n` (unique per n, so uniques never collide). */
export function valueFor(type: ColSpec['type'], n: number): string | number | null {
  if (type === 'uuid') return null;
  if (type === 'integer' || type === 'bigint') return n;
  if (type.startsWith('numeric')) return n + 0.25;
  return `v${n}`;
}

function columnBuilder(c: ColSpec, tables: Map<number, { id: unknown }>): ColumnBuilder<unknown, boolean> {
  let b: ColumnBuilder<unknown, boolean> =
    c.type === 'uuid' ? uuid()
    : c.type === 'integer' ? integer()
    : c.type === 'bigint' ? bigint()
    : c.type === 'text' ? text()
    : c.type.startsWith('varchar') ? varchar(Number(/\d+/.exec(c.type)![0]))
    : numeric(...(c.type === 'numeric(10,2)' ? [10, 2] : [14, 4]) as [number, number]);
  if (c.notNull) b = b.notNull();
  if (c.default !== null) b = b.default(c.default);
  if (c.renamedFrom !== null) b = b.renamedFrom(c.renamedFrom);
  if (c.check) b = b.check((self) => (c.type.startsWith('varchar') || c.type === 'text' ? sql`length(${self}) < 100` : sql`${self} > -1000000`));
  if (c.ref) {
    const ref = c.ref;
    b = b.references(() => tables.get(ref.table)!.id as never, { onDelete: ref.onDelete });
  }
  return b;
}

/** The model as DSL objects, ready for `buildIr`. */
export function toModel(spec: ModelSpec) {
  const entities = new Map<number, { id: unknown }>();
  const schema: Record<string, unknown> = {};
  for (const t of spec.tables) {
    const byUid = new Map(t.columns.map((c) => [c.uid, c.name]));
    const columns: Record<string, ColumnBuilder<unknown, boolean>> = { id: uuid().primaryKey().defaultRandom() };
    for (const c of t.columns) columns[c.name] = columnBuilder(c, entities);
    const e = entity(t.name, columns, {
      ...(t.renamedFrom ? { renamedFrom: t.renamedFrom } : {}),
      constraints: (r) => [
        ...t.indexes.map((cols) => index(...cols.map((u) => r[byUid.get(u)!]!))),
        ...t.uniques.map((cols) => unique(...cols.map((u) => r[byUid.get(u)!]!))),
      ],
    });
    entities.set(t.uid, e as unknown as { id: unknown });
    schema[t.name] = e;
  }
  return defineModel({ schema });
}

/** One edit, as numbers: `op` picks the kind among those that apply, the rest pick targets and values. */
export interface EditSeed {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

export const editSeed: fc.Arbitrary<EditSeed> = fc.record({ op: fc.nat({ max: 13 }), a: fc.nat({ max: 60 }), b: fc.nat({ max: 60 }), c: fc.nat({ max: 60 }) });

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

type Edit = { readonly label: string; readonly apply: (s: ModelSpec, e: EditSeed) => ModelSpec | null };

const withTable = (s: ModelSpec, uid: number, f: (t: TableSpec) => TableSpec): ModelSpec => ({ ...s, tables: s.tables.map((t) => (t.uid === uid ? f(t) : t)) });
const withColumn = (t: TableSpec, uid: number, f: (c: ColSpec) => ColSpec): TableSpec => ({ ...t, columns: t.columns.map((c) => (c.uid === uid ? f(c) : c)) });
const plain = (t: TableSpec) => t.columns.filter((c) => c.type !== 'uuid');
const used = (s: ModelSpec) => new Set(s.tables.flatMap((t) => [t.name, ...t.columns.map((c) => `${t.name}.${c.name}`)]));

function newColumn(s: ModelSpec, t: TableSpec | null, e: EditSeed, existing: boolean): { column: ColSpec; next: number } {
  const type = pick(TYPES, e.b);
  const names = new Set(t?.columns.map((c) => c.name) ?? []);
  let n = s.next;
  while (names.has(`c${n}`)) n++;
  // on an existing table a NOT NULL column needs a default (gen refuses it otherwise)
  const notNull = e.c % 3 === 0;
  const dflt = notNull && existing ? pick(DEFAULTS[type], e.c) : e.c % 4 === 1 ? pick(DEFAULTS[type], e.a) : null;
  const column: ColSpec = { uid: n, name: `c${n}`, type, notNull, default: dflt, renamedFrom: null, check: e.a % 5 === 0, repeats: existing && dflt !== null, ref: null };
  return { column, next: n + 1 };
}

export function newTable(s: ModelSpec, e: EditSeed): ModelSpec {
  let next = s.next;
  const taken = used(s);
  while (taken.has(`t${next}`)) next++;
  const uid = next++;
  let table: TableSpec = { uid, name: `t${uid}`, renamedFrom: null, columns: [], indexes: [], uniques: [] };
  for (let i = 0; i <= e.a % 3; i++) {
    const made = newColumn({ ...s, next }, table, { ...e, b: e.b + i, c: e.c + i }, false);
    table = { ...table, columns: [...table.columns, made.column] };
    next = made.next;
  }
  if (e.c % 2 === 0 && table.columns[0]) table = { ...table, indexes: [[table.columns[0].uid]] };
  return { tables: [...s.tables, table], next };
}

const EDITS: readonly Edit[] = [
  { label: 'add table', apply: (s, e) => (s.tables.length < 4 ? newTable(s, e) : null) },
  {
    label: 'drop table',
    apply: (s, e) => {
      if (s.tables.length < 2) return null;
      const gone = pick(s.tables, e.a);
      const tables = s.tables.filter((t) => t !== gone).map((t) => ({ ...t, columns: t.columns.map((c) => (c.ref?.table === gone.uid ? { ...c, ref: null } : c)) }));
      return { ...s, tables };
    },
  },
  {
    label: 'rename table',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      const name = `r${s.next}`;
      if (used(s).has(name)) return null;
      return { ...withTable(s, t.uid, (x) => ({ ...x, name, renamedFrom: x.name })), next: s.next + 1 };
    },
  },
  {
    label: 'add column',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      const { column, next } = newColumn(s, t, e, true);
      return { ...withTable(s, t.uid, (x) => ({ ...x, columns: [...x.columns, column] })), next };
    },
  },
  {
    label: 'drop column',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      if (t.columns.length < 2) return null;
      const gone = pick(t.columns, e.b);
      return withTable(s, t.uid, (x) => ({
        ...x,
        columns: x.columns.filter((c) => c !== gone),
        indexes: x.indexes.filter((i) => !i.includes(gone.uid)),
        uniques: x.uniques.filter((u) => !u.includes(gone.uid)),
      }));
    },
  },
  {
    label: 'rename column',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      if (t.columns.length === 0) return null;
      const c = pick(t.columns, e.b);
      const name = `k${s.next}`;
      return { ...withTable(s, t.uid, (x) => withColumn(x, c.uid, (y) => ({ ...y, name, renamedFrom: y.name }))), next: s.next + 1 };
    },
  },
  {
    label: 'widen type',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      if (t.columns.length === 0) return null;
      const c = pick(t.columns, e.b);
      const wider = c.type === 'uuid' ? undefined : WIDER[c.type];
      if (!wider) return null;
      const type = pick(wider, e.c);
      return withTable(s, t.uid, (x) => withColumn(x, c.uid, (y) => ({ ...y, type, default: y.default === null ? null : pick(DEFAULTS[type], 0) })));
    },
  },
  {
    label: 'set NOT NULL with a default',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      // (not under a unique: the NULLs it fills all get the same value)
      const cols = plain(t).filter((c) => !c.notNull && !t.uniques.some((u) => u.includes(c.uid)));
      if (cols.length === 0) return null;
      const c = pick(cols, e.b);
      return withTable(s, t.uid, (x) => withColumn(x, c.uid, (y) => ({ ...y, notNull: true, repeats: true, default: y.default ?? pick(DEFAULTS[y.type as ColType], e.c) })));
    },
  },
  {
    label: 'drop NOT NULL',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      const cols = t.columns.filter((c) => c.notNull);
      if (cols.length === 0) return null;
      return withTable(s, t.uid, (x) => withColumn(x, pick(cols, e.b).uid, (y) => ({ ...y, notNull: false })));
    },
  },
  {
    label: 'change default',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      const cols = plain(t).filter((c) => !c.notNull || c.default === null);
      if (cols.length === 0) return null;
      const c = pick(cols, e.b);
      const options = [null, ...DEFAULTS[c.type as ColType]].filter((d) => d !== c.default);
      return withTable(s, t.uid, (x) => withColumn(x, c.uid, (y) => ({ ...y, default: pick(options, e.c) })));
    },
  },
  { label: 'add or drop index', apply: (s, e) => toggleKey(s, e, 'indexes') },
  { label: 'add or drop unique', apply: (s, e) => toggleKey(s, e, 'uniques') },
  {
    label: 'add or drop check',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      const cols = plain(t);
      if (cols.length === 0) return null;
      return withTable(s, t.uid, (x) => withColumn(x, pick(cols, e.b).uid, (y) => ({ ...y, check: !y.check })));
    },
  },
  {
    label: 'add, change or drop foreign key',
    apply: (s, e) => {
      const t = pick(s.tables, e.a);
      const target = pick(s.tables, e.b);
      const existing = t.columns.filter((c) => c.ref !== null);
      if (existing.length > 0 && e.c % 3 === 0) {
        const c = pick(existing, e.b);
        return withTable(s, t.uid, (x) => ({ ...x, columns: x.columns.filter((y) => y !== c), indexes: x.indexes.filter((i) => !i.includes(c.uid)) }));
      }
      if (existing.length > 0 && e.c % 3 === 1) {
        const c = pick(existing, e.b);
        const onDelete = ACTIONS.filter((a) => a !== c.ref!.onDelete)[e.a % 3]!;
        return withTable(s, t.uid, (x) => withColumn(x, c.uid, (y) => ({ ...y, ref: { table: y.ref!.table, onDelete } })));
      }
      const uid = s.next;
      const column: ColSpec = { uid, name: `f${uid}`, type: 'uuid', notNull: false, default: null, renamedFrom: null, check: false, repeats: false, ref: { table: target.uid, onDelete: pick(ACTIONS, e.c) } };
      return { ...withTable(s, t.uid, (x) => ({ ...x, columns: [...x.columns, column], indexes: [...x.indexes, [uid]] })), next: uid + 1 };
    },
  },
];

function toggleKey(s: ModelSpec, e: EditSeed, kind: 'indexes' | 'uniques'): ModelSpec | null {
  const t = pick(s.tables, e.a);
  if (t[kind].length > 0 && e.c % 2 === 0) return withTable(s, t.uid, (x) => ({ ...x, [kind]: x[kind].filter((_, i) => i !== e.b % x[kind].length) }));
  const candidates = kind === 'uniques' ? t.columns.filter((c) => !c.repeats) : t.columns;
  if (candidates.length === 0) return null;
  const cols = [...new Set([pick(candidates, e.b).uid, ...(e.c % 3 === 0 ? [pick(candidates, e.b + 1).uid] : [])])];
  const key = cols.join();
  if (t.indexes.some((i) => i.join() === key) || t.uniques.some((u) => u.join() === key)) return null;
  return withTable(s, t.uid, (x) => ({ ...x, [kind]: [...x[kind], cols] }));
}

/** Applies the edit `e` picks among those that apply to `s`; null when none does. */
export function applyEdit(s: ModelSpec, e: EditSeed): { spec: ModelSpec; label: string } | null {
  for (let i = 0; i < EDITS.length; i++) {
    const edit = EDITS[(e.op + i) % EDITS.length]!;
    const spec = edit.apply(s, e);
    if (spec) return { spec, label: edit.label };
  }
  return null;
}

export const initialSpec: fc.Arbitrary<ModelSpec> = fc
  .array(editSeed, { minLength: 1, maxLength: 3 })
  .map((seeds) => seeds.reduce<ModelSpec>((s, e) => newTable(s, e), { tables: [], next: 1 }));
