import { byteaHex } from '../ir/seed-values.ts';
import type { ColumnType, JsonValue } from '../ir/types.ts';

/** The only way an identifier reaches SQL text: always double-quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A string literal; standard_conforming_strings is on in every supported version, so only `'` needs doubling. */
export function quoteString(value: string): string {
  if (value.includes('\0')) throw new Error(`a SQL string literal cannot contain a NUL character: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** An untyped literal for a JSON value (numbers, booleans, strings, NULL; objects and arrays as jsonb). */
export function literal(value: JsonValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number and has no SQL literal`);
    return String(value);
  }
  if (typeof value === 'string') return quoteString(value);
  return `${quoteString(JSON.stringify(value))}::jsonb`;
}

/** The SQL spelling of a column type. */
export function sqlType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `varchar(${type.length})`;
    case 'char':
      return `char(${type.length})`;
    case 'double':
      return 'double precision';
    case 'numeric':
      if (type.precision === null) return 'numeric';
      return type.scale === null ? `numeric(${type.precision})` : `numeric(${type.precision},${type.scale})`;
    case 'enum':
      return quoteIdent(type.name);
    case 'array':
      return `${sqlType(type.of)}[]`;
    default:
      return type.kind;
  }
}

/** A literal of the column's type, as used in DEFAULT and seed values. */
export function typedLiteral(value: JsonValue, type: ColumnType): string {
  if (value === null) return 'NULL';
  switch (type.kind) {
    case 'bytea':
      // the model gives bytes as base64 (as the API does); PostgreSQL reads them as hex
      return typeof value === 'string' ? `${quoteString(byteaHex(value))}::bytea` : literal(value);
    case 'jsonb':
      return `${quoteString(JSON.stringify(value))}::jsonb`;
    case 'array': {
      if (!Array.isArray(value)) return literal(value);
      if (value.length === 0) return `'{}'::${sqlType(type)}`;
      return `ARRAY[${value.map((v) => typedLiteral(v, type.of)).join(', ')}]::${sqlType(type)}`;
    }
    case 'boolean':
    case 'integer':
    case 'bigint':
    case 'numeric':
      return literal(value);
    default:
      return literal(value);
  }
}
