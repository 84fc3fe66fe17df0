import { INTERVAL_PATTERN, REAL_MAX, REAL_MIN, TIME_PATTERN } from '../../ir/seed-values.ts';
import { databaseMade } from '../../ir/permissions.ts';
import type { Column, ColumnType } from '../../ir/types.ts';

/** A JSON Schema object, as plain data. */
export type JsonSchema = { readonly [key: string]: unknown };

const INT2 = { min: -32768, max: 32767 };
const INT4 = { min: -2147483648, max: 2147483647 };
const BIGINT_PATTERN = '^-?[0-9]{1,19}$';
const NUMERIC_PATTERN = '^-?[0-9]+(\\.[0-9]+)?$';

/** Bytes as base64 text (`format: byte` is OpenAPI's and ajv-formats' name for it; 3.1 also says `contentEncoding`). */
const BYTEA = { type: 'string', format: 'byte', contentEncoding: 'base64' };

/** What a request may send for a value of this type (strict JSON types, no coercion). */
export function inputSchema(type: ColumnType): JsonSchema {
  switch (type.kind) {
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'text':
      return { type: 'string' };
    case 'varchar':
    case 'char':
      return { type: 'string', maxLength: type.length };
    case 'citext':
      return { type: 'string' };
    case 'smallint':
      return { type: 'integer', minimum: INT2.min, maximum: INT2.max };
    case 'integer':
      return { type: 'integer', minimum: INT4.min, maximum: INT4.max };
    case 'bigint':
      // JSON numbers lose precision past 2^53: a string carries any int8
      return { type: ['integer', 'string'], pattern: BIGINT_PATTERN, minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
    case 'numeric': {
      // numeric(p, s) holds less than 10^(p - s) in magnitude; past it PostgreSQL raises 22003
      const bound = type.precision === null ? null : 10 ** (type.precision - (type.scale ?? 0));
      return bound === null
        ? { type: ['number', 'string'], pattern: NUMERIC_PATTERN, maxLength: 100 }
        : { type: ['number', 'string'], pattern: NUMERIC_PATTERN, maxLength: 100, exclusiveMinimum: -bound, exclusiveMaximum: bound };
    }
    case 'real':
      // beyond its range, or so close to 0 that it rounds to 0, PostgreSQL raises 22003; JSON has no NaN or Infinity
      return { type: 'number', minimum: -REAL_MAX, maximum: REAL_MAX, anyOf: [{ const: 0 }, { minimum: REAL_MIN }, { maximum: -REAL_MIN }] };
    case 'double':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'timestamptz':
      return { type: 'string', format: 'date-time' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'time':
      return { type: 'string', pattern: TIME_PATTERN };
    case 'interval':
      return { type: 'string', pattern: INTERVAL_PATTERN, maxLength: 64 };
    case 'bytea':
      return BYTEA;
    case 'jsonb':
      return {};
    case 'inet':
      return { type: 'string', maxLength: 64 };
    case 'enum':
      return { type: 'string' };
    case 'array':
      return { type: 'array', items: inputSchema(type.of) };
  }
}

/** What a response carries for a value of this type (see `selectExpression` for how it is read). */
export function outputSchema(type: ColumnType): JsonSchema {
  switch (type.kind) {
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'text':
    case 'varchar':
    case 'char':
    case 'citext':
    case 'inet':
    case 'enum':
      return { type: 'string' };
    case 'smallint':
    case 'integer':
      return { type: 'integer' };
    case 'real':
    case 'double':
      return { type: 'number' };
    case 'time':
      return { type: 'string', pattern: TIME_PATTERN };
    case 'interval':
      return { type: 'string', pattern: INTERVAL_PATTERN };
    case 'bytea':
      return BYTEA;
    case 'bigint':
      return { type: 'string', pattern: BIGINT_PATTERN };
    case 'numeric':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'timestamptz':
      return { type: 'string', format: 'date-time' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'jsonb':
      return {};
    case 'array':
      return { type: 'array', items: outputSchema(type.of) };
  }
}

/** The column's schema with its enum values, nullability and description. */
export function columnSchema(column: Column, enums: ReadonlyMap<string, readonly string[]>, direction: 'input' | 'output', nullable: boolean): JsonSchema {
  const base = direction === 'input' ? inputSchema(column.type) : outputSchema(column.type);
  const values = column.type.kind === 'enum' ? enums.get(column.type.name) : undefined;
  const out: Record<string, unknown> = {};
  if (column.comment) out.description = column.comment;
  for (const [k, v] of Object.entries(base)) out[k] = v;
  if (values) out.enum = nullable ? [...values, null] : [...values];
  // the database alone writes it: never in a request
  if (direction === 'output' && databaseMade(column)) out.readOnly = true;
  if (nullable && base.type !== undefined) out.type = [...[base.type].flat(), 'null'];
  return out;
}
