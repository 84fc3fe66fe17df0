import { isIP } from 'node:net';
import type { ColumnType } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * How values of the types without a JSON form of their own are written, in the model (defaults, seeds)
 * and through the API alike; json-schema.ts puts the same patterns in the API's schemas.
 * A time of day as PostgreSQL prints it: `HH:MM:SS`, up to 6 fractional digits, `24:00:00` at most.
 */
export const TIME_PATTERN = '^(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?|24:00:00(\\.0{1,6})?)$';
/**
 * An ISO 8601 duration with designators, as PostgreSQL reads it and prints it under
 * `IntervalStyle = iso_8601`: each part may be negative (an interval keeps months, days and time
 * apart: `P1M-3DT4H`), only seconds may have a fraction (up to 6 digits), `PT0S` is zero. Years, months,
 * weeks and days have at most 8 digits, hours, minutes and seconds 9, so no value overflows PostgreSQL's
 * fields (months and days are 32-bit, the time 64-bit microseconds).
 */
export const INTERVAL_PATTERN = '^P(?!$)(-?[0-9]{1,8}Y)?(-?[0-9]{1,8}M)?(-?[0-9]{1,8}W)?(-?[0-9]{1,8}D)?(T(?=-?[0-9])(-?[0-9]{1,9}H)?(-?[0-9]{1,9}M)?(-?[0-9]{1,9}(\\.[0-9]{1,6})?S)?)?$';
/** Standard base64 with padding (RFC 4648 §4), the API's and the model's form of bytea. */
export const BASE64_PATTERN = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
/** The largest finite real (float4); larger values overflow. */
export const REAL_MAX = 3.4028234663852886e38;
/** The smallest positive real (a subnormal); PostgreSQL refuses a value that rounds to 0 from there. */
export const REAL_MIN = 1.401298464324817e-45;

const TIME = new RegExp(TIME_PATTERN);
const INTERVAL = new RegExp(INTERVAL_PATTERN);
const BASE64 = new RegExp(BASE64_PATTERN);

/**
 * A bytea value of the model (base64) as PostgreSQL's input reads it: `\x` and hex. A seed loader that
 * sends text (COPY) sends this, escaped as its format wants.
 */
export const byteaHex = (base64: string): string => `\\x${Buffer.from(base64, 'base64').toString('hex')}`;

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
    case 'char':
      if (typeof value !== 'string') return 'is not a string';
      return [...value.replace(/ +$/, '')].length > type.length ? `is ${[...value].length} characters, longer than char(${type.length})` : nul(value);
    case 'citext':
      return typeof value === 'string' ? nul(value) : 'is not a string';
    case 'smallint':
      return Number.isInteger(value) && (value as number) >= -(2 ** 15) && (value as number) < 2 ** 15 ? null : 'is not a 16-bit whole number (-32768..32767)';
    case 'integer':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31 ? null : 'is not a 32-bit whole number';
    case 'bigint': {
      const big = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : null;
      return big !== null && big >= INT64_MIN && big <= INT64_MAX ? null : 'is not a 64-bit whole number (a number, or a string of digits past 2^53)';
    }
    case 'numeric':
      return numericProblem(value, type.precision, type.scale);
    case 'real':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'is not a finite number';
      if (type.kind === 'real' && (Math.abs(value) > REAL_MAX || (value !== 0 && Math.abs(value) < REAL_MIN)))
        return 'is out of the range of real (0, or 1.4e-45 to 3.4e38 in magnitude); use doublePrecision()';
      return null;
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
    case 'time':
      return typeof value === 'string' && TIME.test(value) ? null : "is not a time of day such as '13:45:00' or '13:45:00.250' (HH:MM:SS, up to 24:00:00)";
    case 'interval':
      return typeof value === 'string' && INTERVAL.test(value) && value.length <= 64 ? null : "is not an ISO 8601 duration such as 'P1DT2H30M' or 'PT0.5S'";
    case 'bytea':
      return typeof value === 'string' && BASE64.test(value) ? null : "is not base64 such as '3q2+7w==' (bytes are written as base64)";
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
