import type { ColumnBuilder } from './column.ts';
import { ENTITY, type AnyEntity, type Entity } from './entity.ts';

/**
 * Another seed row, named by its key: becomes the value of the column that
 * row is referenced by (its id). `table` is null when the column's foreign
 * key says which entity it is.
 */
export interface SeedRef {
  readonly kind: 'seedRef';
  readonly table: string | null;
  readonly key: string;
}

export const isSeedRef = (v: unknown): v is SeedRef =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'seedRef';

/**
 * A reference to a seed row by key, never by a pasted UUID.
 *
 * @example
 * workflow_id: ref(workflows, 'iso-9001')   // explicit entity
 * workflow_id: ref('iso-9001')              // the entity the column's foreign key points to
 */
export function ref(key: string): SeedRef;
export function ref(entity: AnyEntity, key: string): SeedRef;
export function ref(a: string | AnyEntity, key?: string): SeedRef {
  return typeof a === 'string' ? { kind: 'seedRef', table: null, key: a } : { kind: 'seedRef', table: a[ENTITY].name, key: key! };
}

/** The value a seed row may give a column: its type, NULL where allowed, a `ref` where it holds a plain string (a uuid). */
type SeedValue<C> = C extends ColumnBuilder<infer T, infer N>
  ? ([T] extends [string] ? (string extends T ? T | SeedRef : T) : T) | (N extends true ? never : null)
  : never;

/**
 * The columns of a seed row for entity `E`. A column the entity does not have,
 * or a value of the wrong type, is a TypeScript error; a NOT NULL column
 * without a default that is left out is reported by `gen` (the column types
 * do not say which columns have defaults). The primary key is filled with the
 * row's deterministic id when left out.
 */
export type SeedValues<E> = E extends Entity<infer Cols> ? { readonly [K in keyof Cols]?: SeedValue<Cols[K]> } : never;

/** One row of seed data: an entity, a key unique within that entity, and column values. */
export interface SeedRowSpec {
  readonly kind: 'seedRow';
  readonly table: string;
  readonly key: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** This row, to use as a reference: `organization_id: org.ref`. */
  readonly ref: SeedRef;
}

/**
 * A seed row. The key names the row for references and determines its id
 * (a name-based UUID of entity and key), so the same seed gives the same ids
 * on every machine.
 *
 * @example
 * row(workflows, 'iso-9001', { organization_id: ref(organizations, 'tuv-sud-demo'), name: 'ISO 9001 document review' })
 */
export function row<E extends AnyEntity>(entity: E, key: string, values: SeedValues<E>): SeedRowSpec {
  const table = entity[ENTITY].name;
  return { kind: 'seedRow', table, key, values: values as Record<string, unknown>, ref: { kind: 'seedRef', table, key } };
}

/**
 * A profile computed from numeric parameters (`gen seed --profile load --orgs 10 --seed 7`).
 * `rows` must be deterministic in its parameters and yield every row after
 * the rows it references, so it can be loaded while it is generated.
 */
export interface SeedGenerator<P extends Record<string, number> = Record<string, number>> {
  readonly kind: 'seedGenerator';
  /** Parameter names and their defaults. */
  readonly params: P;
  readonly description: string;
  rows(params: P): Iterable<SeedRowSpec>;
  /** How many rows `rows(params)` yields, for the progress line. */
  count?(params: P): number;
}

/**
 * A generated profile.
 *
 * @example
 * generated({ params: { orgs: 10, seed: 1 }, description: 'N organizations', *rows({ orgs, seed }) { ... } })
 */
export function generated<P extends Record<string, number>>(spec: Omit<SeedGenerator<P>, 'kind'>): SeedGenerator<P> {
  return { kind: 'seedGenerator', ...spec };
}

export const isSeedGenerator = (v: unknown): v is SeedGenerator =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'seedGenerator';

/** A profile: a list of rows, or a generator of rows. */
export type SeedProfile = readonly SeedRowSpec[] | SeedGenerator;

export interface SeedSpec {
  readonly kind: 'seeds';
  readonly profiles: Readonly<Record<string, SeedProfile>>;
}

/**
 * The model's seed data by profile (`default` is what `gen seed` loads and
 * `generated/seed.sql` holds). Pass it to `defineModel({ schema, seeds })`.
 *
 * @example
 * export const seeds = defineSeeds({ default: [row(organizations, 'demo', { name: 'Demo', slug: 'demo' })] });
 */
export function defineSeeds(profiles: Readonly<Record<string, SeedProfile>>): SeedSpec {
  return { kind: 'seeds', profiles };
}

/**
 * A small deterministic random generator (mulberry32) for generated profiles:
 * the same seed gives the same sequence on every machine.
 */
export function seededRandom(seed: number): {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}
