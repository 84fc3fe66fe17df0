import type { ColumnType, JsonValue } from '../ir/types.ts';
import { column, type ColumnBuilder } from './column.ts';

/** uuid */
export const uuid = () => column<string>({ kind: 'uuid' });
/** text */
export const text = () => column<string>({ kind: 'text' });
/** varchar(length) */
export const varchar = (length: number) => column<string>({ kind: 'varchar', length });
/** integer (32-bit) */
export const integer = () => column<number>({ kind: 'integer' });
/** bigint (64-bit); values travel as strings where they may exceed 2^53. */
export const bigint = () => column<number | string>({ kind: 'bigint' });
/** numeric(precision, scale); values travel as strings to keep their precision. */
export const numeric = (precision?: number, scale?: number) =>
  column<string | number>({ kind: 'numeric', precision: precision ?? null, scale: scale ?? null });
/** boolean */
export const boolean = () => column<boolean>({ kind: 'boolean' });
/** timestamp with time zone */
export const timestamptz = () => column<string>({ kind: 'timestamptz' });
/** date */
export const date = () => column<string>({ kind: 'date' });
/** jsonb; `T` documents the expected shape. */
export const jsonb = <T extends JsonValue = JsonValue>() => column<T>({ kind: 'jsonb' });
/** inet (IPv4 or IPv6 address) */
export const inet = () => column<string>({ kind: 'inet' });
/** An array of another column type, e.g. `array(text())`. */
export const array = <T>(of: ColumnBuilder<T, boolean>) => column<T[]>({ kind: 'array', of: of.state.type as ColumnType });
