import { isWidening } from '../diff/column-types.ts';
import type { ColumnType } from '../ir/types.ts';
import { quoteString, sqlType } from '../sql/quote.ts';

const INT_RANGE: Partial<Record<ColumnType['kind'], readonly [string, string]>> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/** Magnitudes a float type holds: below `min` a value rounds to zero and PostgreSQL refuses it (22003), as above `max`. */
const FLOAT_RANGE: Partial<Record<ColumnType['kind'], { readonly min: string; readonly max: string }>> = {
  // half the smallest subnormal rounds to zero; the largest finite value
  real: { min: '7.006492321624085e-46', max: '3.4028234663852886e38' },
  double: { min: '2.4703282292062328e-324', max: '1.7976931348623157e308' },
};

const isText = (t: ColumnType) => t.kind === 'text' || t.kind === 'varchar' || t.kind === 'char' || t.kind === 'citext';
const isFloat = (t: ColumnType) => t.kind === 'real' || t.kind === 'double';
const isNumber = (t: ColumnType) => t.kind === 'smallint' || t.kind === 'integer' || t.kind === 'bigint' || t.kind === 'numeric' || isFloat(t);
const NUMBER_TEXT = `'^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)\\s*$'`;

/**
 * A SQL test that `column` (of type `from`) converts to `to` without loss or error: for the check a narrowing
 * migration runs on every row first. Null when the conversion is a widening (nothing to check) or has no
 * cheap test (the check then tries the cast on each value); `'true'` when every value converts (the change
 * is still not a widening: it may round, or a unique key may refuse it), so there is nothing to check. To
 * real or double precision the test is the range (a float keeps 6 or 15 significant digits: a narrowing to
 * it rounds, as choosing a float means; what it refuses is a value out of its range).
 */
export function fitsTest(column: string, from: ColumnType, to: ColumnType): string | null {
  if (isWidening(from, to)) return null;
  // what the value is as a number, when it is one (text is tested first: a CASE keeps the cast from failing)
  const asNumber = isNumber(from) ? `${column}::numeric` : isText(from) ? `(CASE WHEN ${column} ~ ${NUMBER_TEXT} THEN ${column}::numeric END)` : null;
  switch (to.kind) {
    case 'varchar':
    case 'char':
      // as text, char(n) has no padding; a longer value would be cut by the cast
      return `char_length(${column}::text) <= ${to.length}`;
    case 'citext':
      // every text converts; what can fail is a unique key holding values that differ only in case (the ALTER then stops whole)
      return isText(from) ? 'true' : null;
    case 'smallint':
    case 'integer':
    case 'bigint': {
      if (!asNumber) return null;
      const [lo, hi] = INT_RANGE[to.kind]!;
      // numeric and floats → integers round: a fraction does not fit either (NaN and infinities fit nothing)
      return `coalesce(${asNumber} BETWEEN ${lo} AND ${hi} AND ${asNumber} = trunc(${asNumber}), false)`;
    }
    case 'real':
    case 'double': {
      if (!isNumber(from)) return null;
      // every whole number of 64 bits or fewer is within a real's range: it may round, never fail
      if (!isFloat(from) && from.kind !== 'numeric') return 'true';
      const { min, max } = FLOAT_RANGE[to.kind]!;
      // NaN and the infinities convert as they are (numeric has them too)
      return `(${column} IN ('NaN', 'Infinity', '-Infinity') OR ${column} = 0 OR abs(${column}) > ${min} AND abs(${column}) <= ${max})`;
    }
    case 'numeric': {
      if (!asNumber) return null;
      // unconstrained numeric holds every float, NaN and the infinities included
      if (to.precision === null) return isFloat(from) ? 'true' : `${asNumber} IS NOT NULL`;
      const scale = to.scale ?? 0;
      return `coalesce(abs(${asNumber}) < 1e${to.precision - scale} AND ${asNumber} = round(${asNumber}, ${scale}), false)`;
    }
    case 'time':
      // interval → time keeps only the time of day (25 hours would become 01:00): only a plain time of day fits
      return from.kind === 'interval'
        ? `(extract(year from ${column}) = 0 AND extract(month from ${column}) = 0 AND extract(day from ${column}) = 0 AND ${column} >= interval '0' AND ${column} < interval '24 hours')`
        : null;
    case 'enum':
      return `${column}::text = ANY (enum_range(NULL::${sqlType(to)})::text[])`;
    case 'uuid':
      return isText(from) ? `${column} ~* ${quoteString('^\\s*\\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\\}?\\s*$')}` : null;
    default:
      return null;
  }
}
