import type { ColumnType } from '../../ir/types.ts';

/**
 * How the API moves values of the types whose JSON form is not PostgreSQL's text form, in both
 * directions: bytea as base64, interval as an ISO 8601 duration, char(n) without its padding. Used by
 * api-model.ts; every `col` is a quoted identifier, every `p` a parameter placeholder.
 */

/** bytea → base64 on one line (encode() breaks lines every 76 characters). */
const base64 = (col: string) => `replace(encode(${col}, 'base64'), chr(10), '')`;

/**
 * interval → ISO 8601, as PostgreSQL prints it with `IntervalStyle = iso_8601` (`P1Y2M-3DT4H5M6.5S`,
 * `PT0S`), whatever the session's style: years, months, days, hours and minutes as whole numbers,
 * seconds with their fraction, zero parts left out. A test compares it with PostgreSQL's own output.
 */
function isoInterval(col: string): string {
  const part = (field: string, unit: string) => `nullif(extract(${field} from ${col}), 0) || '${unit}'`;
  const seconds = `nullif(trim_scale(extract(second from ${col})), 0) || 'S'`;
  const time = `nullif('T' || concat(${part('hour', 'H')}, ${part('minute', 'M')}, ${seconds}), 'T')`;
  return `CASE WHEN ${col} IS NULL THEN NULL ELSE coalesce(nullif(concat('P', ${part('year', 'Y')}, ${part('month', 'M')}, ${part('day', 'D')}, ${time}), 'P'), 'PT0S') END`;
}

/** The expression a response reads for a column of `type`, or null when the column itself is read. */
export function readSql(col: string, type: ColumnType): string | null {
  switch (type.kind) {
    case 'char':
    case 'time':
      // char(n) without its padding; time as PostgreSQL prints it (no driver turns it into anything else)
      return `${col}::text`;
    case 'interval':
      return isoInterval(col);
    case 'bytea':
      return base64(col);
    default:
      return null;
  }
}

/** A value as text, for a cursor: what `paramSql` reads back. Null: `col::text`. */
export const textSql = (col: string, type: ColumnType): string | null => (type.kind === 'bytea' ? base64(col) : null);

/** A parameter of this type from its text (`{p}`); null: a plain cast. */
export const paramSql = (type: ColumnType): string | null => (type.kind === 'bytea' ? `decode({p}::text, 'base64')` : null);

/** A list of values from a JSON array of their texts (`{p}`); null: a plain cast of the elements. */
export const listSql = (type: ColumnType): string | null =>
  type.kind === 'bytea' ? `ARRAY(SELECT decode(v, 'base64') FROM jsonb_array_elements_text({p}::text::jsonb) AS v)` : null;

/**
 * The type a text parameter is cast to, for the types whose SQL spelling is not their kind: char(n)
 * as bpchar (a cast to char(n) would cut a longer value silently; bpchar compares without padding, as
 * the column does), double precision. Null: the kind.
 */
export const castSql = (type: ColumnType): string | null => (type.kind === 'char' ? 'bpchar' : type.kind === 'double' ? 'double precision' : null);
