import type { ColumnType, JsonValue } from '../ir/types.ts';
import { column, type ColumnBuilder } from './column.ts';

/** uuid */
export const uuid = () => column<string>({ kind: 'uuid' });
/** text */
export const text = () => column<string>({ kind: 'text' });
/** varchar(length) */
export const varchar = (length: number) => column<string>({ kind: 'varchar', length });
/** character(length): blank-padded to its length; trailing blanks are not part of the value (the API returns them trimmed). */
export const char = (length: number) => column<string>({ kind: 'char', length });
/**
 * citext: text compared case-insensitively (`'A' = 'a'`, in uniques and indexes too). The migration that
 * first uses it creates the extension `citext` if the database lacks it.
 */
export const citext = () => column<string>({ kind: 'citext' });
/** smallint (16-bit, -32768..32767) */
export const smallint = () => column<number>({ kind: 'smallint' });
/** integer (32-bit) */
export const integer = () => column<number>({ kind: 'integer' });
/** bigint (64-bit); values travel as strings where they may exceed 2^53. */
export const bigint = () => column<number | string>({ kind: 'bigint' });
/** numeric(precision, scale); values travel as strings to keep their precision. */
export const numeric = (precision?: number, scale?: number) =>
  column<string | number>({ kind: 'numeric', precision: precision ?? null, scale: scale ?? null });
/** real (single-precision float, about 6 significant digits); finite values only through the model and the API. */
export const real = () => column<number>({ kind: 'real' });
/** double precision (a JavaScript number); finite values only through the model and the API. */
export const doublePrecision = () => column<number>({ kind: 'double' });
/** boolean */
export const boolean = () => column<boolean>({ kind: 'boolean' });
/** timestamp with time zone */
export const timestamptz = () => column<string>({ kind: 'timestamptz' });
/** date */
export const date = () => column<string>({ kind: 'date' });
/** time without time zone, a time of day: `'13:45:00'` or `'13:45:00.123456'` (up to `'24:00:00'`). */
export const time = () => column<string>({ kind: 'time' });
/** interval, written and read as an ISO 8601 duration: `'P1DT2H30M'`, `'PT0.5S'`, `'P-1M'`. */
export const interval = () => column<string>({ kind: 'interval' });
/** bytea: bytes, written and read as base64 text (`'3q2+7w=='`). */
export const bytea = () => column<string>({ kind: 'bytea' });
/** jsonb; `T` documents the expected shape. */
export const jsonb = <T extends JsonValue = JsonValue>() => column<T>({ kind: 'jsonb' });
/** inet (IPv4 or IPv6 address) */
export const inet = () => column<string>({ kind: 'inet' });
/** An array of another column type, e.g. `array(text())`. */
export const array = <T>(of: ColumnBuilder<T, boolean>) => column<T[]>({ kind: 'array', of: of.state.type as ColumnType });
