import { isIP } from 'node:net';
import type { ColumnType } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * What is wrong with a seed value for a column of `type`, or null if it fits.
 * Checks what PostgreSQL would refuse or silently read differently (a
 * timestamp without a zone is read in the session's TimeZone).
 */
export function seedValueProblem(value: unknown, type: ColumnType, enums: ReadonlyMap<string, readonly string[]>): string | null {
  if (value === null) return null;
  switch (type.kind) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? null : 'is not a uuid (use ref(...) to point at another seed row)';
    case 'text':
      return typeof value === 'string' ? nul(value) : 'is not a string';
    case 'varchar':
      if (typeof value !== 'string') return 'is not a string';
      return [...value].length > type.length ? `is ${[...value].length} characters, longer than varchar(${type.length})` : nul(value);
    case 'integer':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31 ? null : 'is not a 32-bit whole number';
    case 'bigint': {
      const big = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : null;
      return big !== null && big >= INT64_MIN && big <= INT64_MAX ? null : 'is not a 64-bit whole number (a number, or a string of digits past 2^53)';
    }
    case 'numeric':
      return numericProblem(value, type.precision, type.scale);
    case 'boolean':
      return typeof value === 'boolean' ? null : 'is not a boolean';
    case 'timestamptz': {
      const m = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
      if (!m) return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)
        ? 'has no time zone, so PostgreSQL would read it in the session\'s TimeZone; end it with Z or an offset such as +01:00'
        : 'is not an ISO 8601 timestamp such as 2026-01-15T09:30:00Z';
      return validDate(m[1]!, m[2]!, m[3]!) && Number(m[4]) < 24 && Number(m[5]) < 60 ? null : 'is not a real point in time';
    }
    case 'date': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      return m && validDate(m[1]!, m[2]!, m[3]!) ? null : 'is not a date such as 2026-01-15';
    }
    case 'jsonb':
      return isJson(value) ? null : 'is not JSON (undefined, a function, a Date or a non-finite number inside)';
    case 'inet': {
      if (typeof value !== 'string') return 'is not a string';
      const [address = '', prefix, extra] = value.split('/');
      const family = isIP(address);
      const max = family === 4 ? 32 : 128;
      const okPrefix = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= max);
      return family !== 0 && okPrefix && extra === undefined ? null : 'is not an IPv4 or IPv6 address';
    }
    case 'enum': {
      const values = enums.get(type.name) ?? [];
      return typeof value === 'string' && values.includes(value) ? null : `is not one of the values of enum ${type.name} [${values.join(', ')}]`;
    }
    case 'array': {
      if (!Array.isArray(value)) return 'is not an array';
      for (const [i, item] of value.entries()) {
        const p = seedValueProblem(item, type.of, enums);
        if (p) return `has an element [${i}] that ${p}`;
      }
      return null;
    }
  }
}

function numericProblem(value: unknown, precision: number | null, scale: number | null): string | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value : null;
  if (text === null || !/^-?\d+(\.\d+)?$/.test(text)) return 'is not a number (a finite number, or a string of digits)';
  if (precision === null) return null;
  const whole = text.replace(/^-/, '').split('.')[0]!.replace(/^0+/, '');
  const allowed = precision - (scale ?? 0);
  return whole.length > allowed ? `does not fit numeric(${precision},${scale ?? 0}): at most ${allowed} digit(s) before the point` : null;
}

const nul = (s: string) => (s.includes('\0') ? 'contains a NUL character, which PostgreSQL text cannot hold' : null);

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

function isJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isJson);
  return false;
}

/** Whether a value survives JSON (the IR is JSON): plain data only. */
export const isJsonValue = isJson;
