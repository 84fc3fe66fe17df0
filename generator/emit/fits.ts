import { isWidening } from '../diff/column-types.ts';
import type { ColumnType } from '../ir/types.ts';
import { quoteString, sqlType } from '../sql/quote.ts';

const INT_RANGE: Partial<Record<ColumnType['kind'], readonly [string, string]>> = {
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

const isText = (t: ColumnType) => t.kind === 'text' || t.kind === 'varchar';
const isNumber = (t: ColumnType) => t.kind === 'integer' || t.kind === 'bigint' || t.kind === 'numeric';
const NUMBER_TEXT = `'^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)\\s*$'`;

/**
 * A SQL test that `column` (of type `from`) converts to `to` without loss or error: for the check a narrowing
 * migration runs on every row first. Null when the conversion is a widening (nothing to check) or has no
 * cheap test (the check then tries the cast on each value).
 */
export function fitsTest(column: string, from: ColumnType, to: ColumnType): string | null {
  if (isWidening(from, to)) return null;
  // what the value is as a number, when it is one (text is tested first: a CASE keeps the cast from failing)
  const asNumber = isNumber(from) ? `${column}::numeric` : isText(from) ? `(CASE WHEN ${column} ~ ${NUMBER_TEXT} THEN ${column}::numeric END)` : null;
  switch (to.kind) {
    case 'varchar':
      return `char_length(${column}::text) <= ${to.length}`;
    case 'integer':
    case 'bigint': {
      if (!asNumber) return null;
      const [lo, hi] = INT_RANGE[to.kind]!;
      // numeric → integer rounds: a fraction does not fit either
      return `coalesce(${asNumber} BETWEEN ${lo} AND ${hi} AND ${asNumber} = trunc(${asNumber}), false)`;
    }
    case 'numeric': {
      if (!asNumber) return null;
      if (to.precision === null) return `${asNumber} IS NOT NULL`;
      const scale = to.scale ?? 0;
      return `coalesce(abs(${asNumber}) < 1e${to.precision - scale} AND ${asNumber} = round(${asNumber}, ${scale}), false)`;
    }
    case 'enum':
      return `${column}::text = ANY (enum_range(NULL::${sqlType(to)})::text[])`;
    case 'uuid':
      return isText(from) ? `${column} ~* ${quoteString('^\\s*\\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\\}?\\s*$')}` : null;
    default:
      return null;
  }
}
