import type { ColumnType } from '../ir/types.ts';
import { sqlType } from '../sql/quote.ts';

/** Whole-number digits a type holds for sure (smallint: 5, integer: 10, bigint: 19); null when unbounded. */
const integerDigits = (t: ColumnType): number | null | undefined => {
  if (t.kind === 'smallint') return 5;
  if (t.kind === 'integer') return 10;
  if (t.kind === 'bigint') return 19;
  if (t.kind === 'numeric') return t.precision === null ? null : t.precision - (t.scale ?? 0);
  return undefined;
};

/** Text types whose values are the same characters as text (char(n) without its padding, which is not part of its value). */
const isTextual = (t: ColumnType) => t.kind === 'text' || t.kind === 'varchar' || t.kind === 'char' || t.kind === 'citext';

/**
 * True when every value of `from` converts to `to` without loss or failure:
 * varchar(n) or char(n) → varchar(m ≥ n), char(m ≥ n) or text; citext → text;
 * smallint → integer → bigint → numeric wide enough; smallint → real;
 * smallint, integer or real → double precision (each value exactly);
 * numeric(p,s) → numeric with at least as many digits on both sides of the
 * point, or unconstrained; time → interval; uuid, enum, inet → text; arrays
 * element-wise. Anything else (text → varchar or citext, bigint → integer,
 * double precision → real, any other cast) may lose or refuse data, and is
 * destructive.
 */
export function isWidening(from: ColumnType, to: ColumnType): boolean {
  if (sqlType(from) === sqlType(to)) return true;
  if (to.kind === 'text') return isTextual(from) || from.kind === 'uuid' || from.kind === 'enum' || from.kind === 'inet';
  // text → citext is not: a unique key may then hold two values that differ only in case
  if (to.kind === 'varchar' || to.kind === 'char') return (from.kind === 'varchar' || from.kind === 'char') && from.length <= to.length;
  if (to.kind === 'integer') return from.kind === 'smallint';
  if (to.kind === 'bigint') return from.kind === 'integer' || from.kind === 'smallint';
  // a real holds every integer up to 2^24 exactly, a double precision every one up to 2^53
  if (to.kind === 'real') return from.kind === 'smallint';
  if (to.kind === 'double') return from.kind === 'smallint' || from.kind === 'integer' || from.kind === 'real';
  if (to.kind === 'interval') return from.kind === 'time';
  if (to.kind === 'numeric') {
    const have = integerDigits(from);
    if (have === undefined) return false;
    if (to.precision === null) return true;
    const room = to.precision - (to.scale ?? 0);
    if (have === null || have > room) return false;
    const fromScale = from.kind === 'numeric' ? (from.scale ?? 0) : 0;
    return fromScale <= (to.scale ?? 0);
  }
  if (to.kind === 'array' && from.kind === 'array') return isWidening(from.of, to.of);
  return false;
}
