import type { ColumnType } from '../ir/types.ts';
import { sqlType } from '../sql/quote.ts';

/** Whole-number digits a type holds for sure (integer: 10, bigint: 19); null when unbounded. */
const integerDigits = (t: ColumnType): number | null | undefined => {
  if (t.kind === 'integer') return 10;
  if (t.kind === 'bigint') return 19;
  if (t.kind === 'numeric') return t.precision === null ? null : t.precision - (t.scale ?? 0);
  return undefined;
};

/**
 * True when every value of `from` converts to `to` without loss or failure:
 * varchar(n) → varchar(m ≥ n) or text; integer → bigint → numeric wide enough;
 * numeric(p,s) → numeric with at least as many digits on both sides of the
 * point, or unconstrained; uuid, enum, inet → text; arrays element-wise.
 * Anything else (text → varchar, bigint → integer, any other cast) may lose or
 * refuse data, and is destructive.
 */
export function isWidening(from: ColumnType, to: ColumnType): boolean {
  if (sqlType(from) === sqlType(to)) return true;
  if (to.kind === 'text') return from.kind === 'varchar' || from.kind === 'uuid' || from.kind === 'enum' || from.kind === 'inet';
  if (to.kind === 'varchar') return from.kind === 'varchar' && from.length <= to.length;
  if (to.kind === 'bigint') return from.kind === 'integer';
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
