import { ColumnBuilder, column } from './column.ts';

export interface EnumDef<V extends string = string> {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly V[];
  readonly comment: string | null;
}

export type EnumColumnFactory<V extends string> = (() => ColumnBuilder<V, false>) & { readonly enumDef: EnumDef<V> };

/**
 * A PostgreSQL enum type. Call the result to make a column of that type.
 *
 * @example
 * export const assessmentStatus = pgEnum('assessment_status', ['pending', 'completed']);
 * status: assessmentStatus().notNull().default('pending')
 */
export function pgEnum<const V extends string>(name: string, values: readonly V[], comment?: string): EnumColumnFactory<V> {
  const enumDef: EnumDef<V> = { kind: 'enum', name, values, comment: comment ?? null };
  const factory = () => new ColumnBuilder<V>({ ...column<V>({ kind: 'enum', name }).state, enumDef });
  return Object.assign(factory, { enumDef });
}

export const isEnumFactory = (v: unknown): v is EnumColumnFactory<string> =>
  typeof v === 'function' && (v as unknown as { enumDef?: { kind?: unknown } }).enumDef?.kind === 'enum';
